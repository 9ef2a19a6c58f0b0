#include "core/dialogs/text.h"

#include <cstdint>

#include "core/common/error.h"

namespace callpy::core::dialogs {

namespace {

// Decodes the code point at s[i] (s is valid UTF-8) and advances i past it.
char32_t decodeAt(std::string_view s, std::size_t& i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  const int len = b0 >= 0xF0 ? 4 : b0 >= 0xE0 ? 3 : 2;
  char32_t cp = b0 & (0x7F >> len);
  for (int k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  i += static_cast<std::size_t>(len);
  return cp;
}

bool isSpace(char32_t c) {
  return c == ' ' || (c >= 0x09 && c <= 0x0D) || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200B) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
         c == 0x205F || c == 0x3000 || c == 0xFEFF;
}

bool isControl(char32_t c) { return c < 0x20 || (c >= 0x7F && c <= 0x9F); }

// Rejects control characters (but tab and, when allowed, line breaks) in valid UTF-8 text.
bool hasForbiddenControl(std::string_view s, bool allowLineBreaks) {
  for (std::size_t i = 0; i < s.size();) {
    const char32_t c = decodeAt(s, i);
    if (!isControl(c) || c == '\t') continue;
    if (allowLineBreaks && (c == '\n' || c == '\r')) continue;
    return true;
  }
  return false;
}

}  // namespace

std::optional<std::size_t> utf8CodePoints(std::string_view s) {
  std::size_t count = 0;
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  for (std::size_t i = 0; i < n; ++count) {
    const unsigned char b0 = p[i];
    if (b0 < 0x80) {
      ++i;
      continue;
    }
    std::size_t len;
    char32_t min;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
      len = 2, min = 0x80;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
      len = 3, min = 0x800;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
      len = 4, min = 0x10000;
    } else {
      return std::nullopt;  // continuation byte, C0/C1 overlong lead, or beyond U+10FFFF
    }
    if (n - i < len) return std::nullopt;
    char32_t cp = b0 & (0x7F >> len);
    for (std::size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return std::nullopt;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
    i += len;
  }
  return count;
}

std::string_view trimSpace(std::string_view s) {
  std::size_t begin = 0;
  while (begin < s.size()) {
    std::size_t next = begin;
    if (!isSpace(decodeAt(s, next))) break;
    begin = next;
  }
  std::size_t end = begin;
  for (std::size_t i = begin; i < s.size();) {
    if (!isSpace(decodeAt(s, i))) end = i;
  }
  return s.substr(begin, end - begin);
}

std::string checkMessageText(std::string_view text) {
  if (!isValidUtf8(text)) throw invalid("the message is not valid UTF-8", "text");
  const auto body = trimSpace(text);
  if (body.empty()) throw invalid("the message is empty", "text");
  if (*utf8CodePoints(body) > kMaxMessageCodePoints) {
    throw Error(ErrorCode::TooLarge,
                "the message is longer than " + std::to_string(kMaxMessageCodePoints) +
                    " characters",
                "text");
  }
  if (hasForbiddenControl(body, true)) {
    throw invalid("the message contains control characters", "text");
  }
  return std::string(body);
}

void checkCid(std::string_view cid) {
  if (cid.empty() || cid.size() > kMaxCidBytes) {
    throw invalid("cid must have 1 to " + std::to_string(kMaxCidBytes) + " characters", "cid");
  }
  for (unsigned char c : cid) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == ':' || c == '-';
    if (!ok) throw invalid("cid may contain only letters, digits and . _ : -", "cid");
  }
}

std::string checkLabel(std::string_view text, std::size_t maxCodePoints, const std::string& field,
                       bool allowLineBreaks) {
  if (!isValidUtf8(text)) throw invalid("the text is not valid UTF-8", field);
  const auto value = trimSpace(text);
  if (*utf8CodePoints(value) > maxCodePoints) {
    throw invalid("the text is longer than " + std::to_string(maxCodePoints) + " characters",
                  field);
  }
  if (hasForbiddenControl(value, allowLineBreaks)) {
    throw invalid("the text contains control characters", field);
  }
  return std::string(value);
}

}  // namespace callpy::core::dialogs
