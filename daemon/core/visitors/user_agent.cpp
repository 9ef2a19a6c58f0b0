#include "core/visitors/user_agent.h"

#include <array>
#include <tuple>
#include <utility>

namespace callpy::core::visitors {

namespace {

bool has(std::string_view ua, std::string_view token) {
  return ua.find(token) != std::string_view::npos;
}

// The text after `token` up to the first character not in `allowed` ("" when the token is absent).
std::string after(std::string_view ua, std::string_view token, std::string_view allowed) {
  auto at = ua.find(token);
  if (at == std::string_view::npos) return {};
  auto start = at + token.size();
  auto end = start;
  while (end < ua.size() && allowed.find(ua[end]) != std::string_view::npos && end - start < 16) {
    ++end;
  }
  return std::string(ua.substr(start, end - start));
}

// Major version after "Name/" (digits only).
std::string major(std::string_view ua, std::string_view token) {
  return after(ua, token, "0123456789");
}

std::string dotted(std::string version) {
  for (auto& ch : version) {
    if (ch == '_') ch = '.';
  }
  while (!version.empty() && version.back() == '.') version.pop_back();
  return version;
}

struct BrowserRule {
  std::string_view token;  // "Name/" as it appears before the version
  std::string_view name;
};

// Order matters: Chromium-based browsers also say "Chrome/…" and "Safari/…", and Chrome on iOS
// says "Safari/…" too, so the specific tokens come first.
constexpr std::array<BrowserRule, 12> kBrowsers{{
    {"YaBrowser/", "Yandex Browser"},
    {"YaSearchBrowser/", "Yandex Browser"},
    {"SamsungBrowser/", "Samsung Internet"},
    {"OPR/", "Opera"},
    {"OPiOS/", "Opera"},
    {"Edg/", "Edge"},
    {"EdgA/", "Edge"},
    {"EdgiOS/", "Edge"},
    {"Edge/", "Edge"},
    {"Firefox/", "Firefox"},
    {"FxiOS/", "Firefox"},
    {"CriOS/", "Chrome"},
}};

std::pair<std::string, std::string> browserOf(std::string_view ua) {
  for (const auto& rule : kBrowsers) {
    if (has(ua, rule.token)) return {std::string(rule.name), major(ua, rule.token)};
  }
  if (has(ua, "Chromium/")) return {"Chromium", major(ua, "Chromium/")};
  if (has(ua, "Chrome/")) return {"Chrome", major(ua, "Chrome/")};
  if (has(ua, "Opera/") || has(ua, "Opera ")) return {"Opera", major(ua, "Version/")};
  if (has(ua, "Safari/") && has(ua, "AppleWebKit/")) return {"Safari", major(ua, "Version/")};
  return {};
}

std::string windowsVersion(std::string_view ua) {
  const auto nt = after(ua, "Windows NT ", "0123456789.");
  if (nt == "10.0") return "10";  // Windows 11 sends the same token
  if (nt == "6.3") return "8.1";
  if (nt == "6.2") return "8";
  if (nt == "6.1") return "7";
  if (nt == "6.0") return "Vista";
  if (nt == "5.1" || nt == "5.2") return "XP";
  return {};
}

}  // namespace

const char* deviceKindName(DeviceKind d) {
  switch (d) {
    case DeviceKind::Phone: return "phone";
    case DeviceKind::Tablet: return "tablet";
    case DeviceKind::Pc: break;
  }
  return "pc";
}

UserAgentInfo parseUserAgent(std::string_view ua) {
  UserAgentInfo info;
  std::tie(info.browser, info.browserVersion) = browserOf(ua);

  if (has(ua, "iPad")) {
    info.os = "iPadOS";
    info.osVersion = dotted(after(ua, "CPU OS ", "0123456789_"));
    info.device = DeviceKind::Tablet;
  } else if (has(ua, "iPhone") || has(ua, "iPod")) {
    info.os = "iOS";
    info.osVersion = dotted(after(ua, "iPhone OS ", "0123456789_"));
    if (info.osVersion.empty()) info.osVersion = dotted(after(ua, "CPU OS ", "0123456789_"));
    info.device = DeviceKind::Phone;
  } else if (has(ua, "Android")) {
    info.os = "Android";
    info.osVersion = after(ua, "Android ", "0123456789.");
    // Android tablets leave "Mobile" out (Google's guidance for browsers and web views).
    info.device = has(ua, "Mobile") ? DeviceKind::Phone : DeviceKind::Tablet;
  } else if (has(ua, "Windows")) {
    info.os = "Windows";
    info.osVersion = windowsVersion(ua);
    if (has(ua, "Windows Phone")) info.device = DeviceKind::Phone;
  } else if (has(ua, "CrOS")) {
    info.os = "ChromeOS";
  } else if (has(ua, "Mac OS X") || has(ua, "Macintosh")) {
    info.os = "macOS";
    info.osVersion = dotted(after(ua, "Mac OS X ", "0123456789_."));
  } else if (has(ua, "Linux") || has(ua, "X11")) {
    info.os = "Linux";
  }
  if (info.device == DeviceKind::Pc && (has(ua, "Tablet") || has(ua, "Kindle"))) {
    info.device = DeviceKind::Tablet;
  } else if (info.device == DeviceKind::Pc && has(ua, "Mobi")) {
    info.device = DeviceKind::Phone;
  }
  return info;
}

std::string withVersion(const std::string& name, const std::string& version) {
  if (name.empty() || version.empty()) return name;
  return name + " " + version;
}

}  // namespace callpy::core::visitors
