#pragma once
// Reads the top-level members of a server frame without building a tree: the generator parses
// hundreds of thousands of frames a second on the cores the daemon also needs.
#include <cstdint>
#include <string_view>

namespace callpy::bench {

// The members the load generator looks at. Strings are raw (escapes untouched, no quotes);
// other values are their raw JSON text ("7", "null", "{...}").
struct Frame {
  std::string_view t, cid, dialog, code, message, seq;
  bool ok = false;  // a well-formed object
};

inline std::size_t skipSpace(std::string_view s, std::size_t i) {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\n' || s[i] == '\r' || s[i] == '\t')) ++i;
  return i;
}

// Index just past the closing quote of the string starting at s[i] == '"'; npos when unterminated.
inline std::size_t skipString(std::string_view s, std::size_t i) {
  for (++i; i < s.size(); ++i) {
    if (s[i] == '\\') ++i;
    else if (s[i] == '"') return i + 1;
  }
  return std::string_view::npos;
}

// Index just past the value starting at s[i].
inline std::size_t skipValue(std::string_view s, std::size_t i) {
  if (i >= s.size()) return std::string_view::npos;
  if (s[i] == '"') return skipString(s, i);
  if (s[i] == '{' || s[i] == '[') {
    int depth = 0;
    for (; i < s.size(); ++i) {
      char ch = s[i];
      if (ch == '"') {
        i = skipString(s, i);
        if (i == std::string_view::npos) return i;
        --i;
      } else if (ch == '{' || ch == '[') {
        ++depth;
      } else if (ch == '}' || ch == ']') {
        if (--depth == 0) return i + 1;
      }
    }
    return std::string_view::npos;
  }
  while (i < s.size() && s[i] != ',' && s[i] != '}' && s[i] != ']' && s[i] != ' ') ++i;
  return i;
}

inline Frame scanFrame(std::string_view s) {
  Frame f;
  std::size_t i = skipSpace(s, 0);
  if (i >= s.size() || s[i] != '{') return f;
  i = skipSpace(s, i + 1);
  if (i < s.size() && s[i] == '}') {
    f.ok = true;
    return f;
  }
  while (i < s.size()) {
    if (s[i] != '"') return f;
    std::size_t keyEnd = skipString(s, i);
    if (keyEnd == std::string_view::npos) return f;
    std::string_view key = s.substr(i + 1, keyEnd - i - 2);
    i = skipSpace(s, keyEnd);
    if (i >= s.size() || s[i] != ':') return f;
    i = skipSpace(s, i + 1);
    std::size_t end = skipValue(s, i);
    if (end == std::string_view::npos) return f;
    std::string_view value = s.substr(i, end - i);
    if (!value.empty() && value.front() == '"') value = value.substr(1, value.size() - 2);
    if (key == "t") f.t = value;
    else if (key == "cid") f.cid = value;
    else if (key == "dialog") f.dialog = value;
    else if (key == "code") f.code = value;
    else if (key == "message") f.message = value;
    else if (key == "seq") f.seq = value;
    i = skipSpace(s, end);
    if (i < s.size() && s[i] == ',') {
      i = skipSpace(s, i + 1);
      continue;
    }
    if (i < s.size() && s[i] == '}') {
      f.ok = true;
      return f;
    }
    return f;
  }
  return f;
}

inline std::int64_t toInt(std::string_view v) {
  std::int64_t n = 0;
  for (char ch : v) {
    if (ch < '0' || ch > '9') break;
    n = n * 10 + (ch - '0');
  }
  return n;
}

}  // namespace callpy::bench
