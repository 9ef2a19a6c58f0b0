#pragma once
// Checks on user-typed chat text: strict UTF-8, limits counted in code points, trimming.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace callpy::core::dialogs {

inline constexpr std::size_t kMaxMessageCodePoints = 4000;
inline constexpr std::size_t kMaxCidBytes = 64;
inline constexpr std::size_t kMaxNameCodePoints = 100;
inline constexpr std::size_t kMaxCommentCodePoints = 1000;
inline constexpr std::size_t kMaxSearchCodePoints = 200;

// Strict RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF. Returns the number
// of code points, or nullopt when `s` is not valid UTF-8.
std::optional<std::size_t> utf8CodePoints(std::string_view s);
inline bool isValidUtf8(std::string_view s) { return utf8CodePoints(s).has_value(); }

// `s` without leading and trailing white space (ASCII and Unicode spaces, including NBSP, the
// zero-width space and BOM). `s` must be valid UTF-8.
std::string_view trimSpace(std::string_view s);

// The body to store for a text message: trimmed, non-empty, at most kMaxMessageCodePoints,
// valid UTF-8, no control characters other than tab and line breaks. Throws Error(invalid,
// field "text").
std::string checkMessageText(std::string_view text);

// A client id: 1..kMaxCidBytes of [A-Za-z0-9._:-]. Throws Error(invalid, field "cid").
void checkCid(std::string_view cid);

// A single-line label (names, comments): trimmed, valid UTF-8, no control characters, at most
// `maxCodePoints`; may be empty. Throws Error(invalid, field).
std::string checkLabel(std::string_view text, std::size_t maxCodePoints, const std::string& field,
                       bool allowLineBreaks = false);

}  // namespace callpy::core::dialogs
