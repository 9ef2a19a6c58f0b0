#pragma once
// SDP parser for browser offers (and our own answers, which the tests and the fuzzer re-parse).
// Accepts CRLF or LF line ends; rejects what the daemon would otherwise echo or act on wrongly
// (bad tokens, malformed numbers, duplicate payload types/mids/extension ids, control bytes) with
// the 1-based line number. Bounded: input size, line length and the per-section counts in
// session_description.h. Never throws on bad input (std::bad_alloc aside).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "rtc/sdp/session_description.h"

namespace callpy::rtc::sdp {

struct ParseError {
  std::size_t line = 0;  // 1-based; 0 when the error is about the whole input
  std::string message;
};

struct ParseResult {
  std::optional<SessionDescription> description;
  ParseError error;
  bool ok() const { return description.has_value(); }
};

ParseResult parse(std::string_view text);

}  // namespace callpy::rtc::sdp
