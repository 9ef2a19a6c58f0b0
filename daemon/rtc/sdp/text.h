#pragma once
// Small lexical helpers shared by the SDP parser, writer and candidate code (internal).

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace callpy::rtc::sdp::text {

// RFC 8866 token-char.
inline bool isTokenChar(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (u <= 0x20 || u >= 0x7F) return false;
  return c != '"' && c != '(' && c != ')' && c != ',' && c != '/' && c != ':' && c != ';' &&
         c != '<' && c != '=' && c != '>' && c != '?' && c != '@' && c != '[' && c != '\\' &&
         c != ']' && c != '{' && c != '}';
}
inline bool isToken(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!isTokenChar(c)) return false;
  }
  return true;
}
// Visible ASCII without spaces (URIs, msid ids, cnames, fmt tokens).
inline bool isVisible(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7F) return false;
  }
  return true;
}
// RFC 8839 ice-char.
inline bool isIceChars(std::string_view s) {
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '+' || c == '/';
    if (!ok) return false;
  }
  return !s.empty();
}

// Decimal digits only, no sign, value <= max.
inline std::optional<std::uint64_t> parseUint(std::string_view s, std::uint64_t max) {
  if (s.empty() || s.size() > 20) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    const std::uint64_t d = static_cast<std::uint64_t>(c - '0');
    if (v > (max - d) / 10) return std::nullopt;
    v = v * 10 + d;
  }
  return v;
}

// Splits on single spaces; runs of spaces give no empty fields (browsers never emit them, but
// being lenient here costs nothing).
inline std::vector<std::string_view> splitSpaces(std::string_view s, std::size_t maxFields) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < s.size() && out.size() <= maxFields) {
    while (i < s.size() && s[i] == ' ') ++i;
    if (i >= s.size()) break;
    std::size_t j = s.find(' ', i);
    if (j == std::string_view::npos) j = s.size();
    out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

inline char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
inline bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

}  // namespace callpy::rtc::sdp::text
