#include "core/sites/types.h"

#include <algorithm>
#include <cctype>

namespace callpy::core::sites {

namespace {
char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }
bool isDigit(char c) { return c >= '0' && c <= '9'; }
}  // namespace

std::optional<std::string> originOf(const std::string& rawUrl) {
  std::string url = rawUrl;
  url.erase(0, url.find_first_not_of(" \t"));
  url.erase(url.find_last_not_of(" \t") + 1);
  std::string scheme;
  auto sep = url.find("://");
  if (sep == std::string::npos) {
    scheme = "https";  // "example.com" as people type it
    sep = 0;
  } else {
    scheme = url.substr(0, sep);
    std::transform(scheme.begin(), scheme.end(), scheme.begin(), lower);
    sep += 3;
  }
  if (scheme != "http" && scheme != "https") return std::nullopt;
  auto end = url.find_first_of("/?#", sep);
  std::string host = url.substr(sep, end == std::string::npos ? std::string::npos : end - sep);
  if (host.empty() || host.find('@') != std::string::npos) return std::nullopt;
  std::transform(host.begin(), host.end(), host.begin(), lower);
  // The port follows the last colon, except inside an IPv6 literal ("[::1]").
  auto colon = host.rfind(':');
  if (colon != std::string::npos && host.find(']', colon) != std::string::npos) {
    colon = std::string::npos;
  }
  std::string name = colon == std::string::npos ? host : host.substr(0, colon);
  if (colon != std::string::npos) {
    auto port = host.substr(colon + 1);
    if (port.empty() || port.size() > 5 || !std::all_of(port.begin(), port.end(), isDigit) ||
        std::stoi(port) == 0 || std::stoi(port) > 65535) {
      return std::nullopt;
    }
    // Browsers leave the scheme's default port out of Origin; so must we, or nothing matches.
    int number = std::stoi(port);
    if ((scheme == "https" && number == 443) || (scheme == "http" && number == 80)) {
      host = name;
    } else {
      host = name + ":" + std::to_string(number);
    }
  }
  if (name.empty() || !std::all_of(name.begin(), name.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '-' || c == '.' || c == '[' || c == ']' || c == ':';
      })) {
    return std::nullopt;
  }
  return scheme + "://" + host;
}

std::optional<std::pair<std::string, std::string>> checkChatSettings(int firstResponseSeconds,
                                                                     int dialogLimit) {
  if (firstResponseSeconds < 0 || firstResponseSeconds > kMaxFirstResponseSeconds) {
    return std::pair<std::string, std::string>{
        "first_response_seconds",
        "first_response_seconds must be 0 (never) to " + std::to_string(kMaxFirstResponseSeconds)};
  }
  if (dialogLimit < 0 || dialogLimit > kMaxDialogLimit) {
    return std::pair<std::string, std::string>{
        "dialog_limit", "dialog_limit must be 0 (unlimited) to " + std::to_string(kMaxDialogLimit)};
  }
  return std::nullopt;
}

const char* ringModeName(RingMode m) { return m == RingMode::Sequential ? "sequential" : "all"; }

std::optional<RingMode> parseRingMode(const std::string& s) {
  if (s == "all") return RingMode::All;
  if (s == "sequential") return RingMode::Sequential;
  return std::nullopt;
}

const char* afterHoursName(AfterHoursCall a) {
  return a == AfterHoursCall::Callback ? "callback" : "offline_form";
}

std::optional<AfterHoursCall> parseAfterHours(const std::string& s) {
  if (s == "offline_form") return AfterHoursCall::OfflineForm;
  if (s == "callback") return AfterHoursCall::Callback;
  return std::nullopt;
}

std::string slugify(const std::string& name) {
  std::string out;
  for (unsigned char c : name) {
    if (std::isalnum(c) && c < 0x80) {
      out += static_cast<char>(std::tolower(c));
    } else if (!out.empty() && out.back() != '-') {
      out += '-';
    }
    if (out.size() >= 32) break;
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

bool isValidSlug(const std::string& slug) {
  auto alnum = [](unsigned char c) { return c < 0x80 && std::isalnum(c) && !std::isupper(c); };
  return !slug.empty() && slug.size() <= 32 && alnum(static_cast<unsigned char>(slug.front())) &&
         alnum(static_cast<unsigned char>(slug.back())) &&
         std::all_of(slug.begin(), slug.end(),
                     [&](unsigned char c) { return alnum(c) || c == '-'; });
}

}  // namespace callpy::core::sites
