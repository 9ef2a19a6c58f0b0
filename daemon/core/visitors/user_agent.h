#pragma once
// Browser, OS and device from a User-Agent header (F4: shown to operators in visitor info).
// Display only: a User-Agent is whatever the client says, so nothing here is trusted or used for
// decisions. A small ordered list of rules covers the browsers our visitors use; anything else is
// reported as "" (the panel shows "unknown").
#include <string>
#include <string_view>

namespace callpy::core::visitors {

enum class DeviceKind { Pc, Phone, Tablet };
const char* deviceKindName(DeviceKind d);  // "pc", "phone", "tablet" (also on the wire)

struct UserAgentInfo {
  std::string browser;         // "Chrome", "Firefox", "Safari", "Edge", "Opera", "Yandex Browser",
                               // "Samsung Internet", "Chromium"; "" when unknown
  std::string browserVersion;  // major version, e.g. "126"; "" when unknown
  std::string os;              // "Windows", "macOS", "iOS", "iPadOS", "Android", "Linux",
                               // "ChromeOS"; "" when unknown
  std::string osVersion;       // e.g. "10", "14.5", "17.4"; "" when unknown or not given
  DeviceKind device = DeviceKind::Pc;
  bool operator==(const UserAgentInfo&) const = default;
};

UserAgentInfo parseUserAgent(std::string_view ua);

// "Chrome 126", "Windows 10": the name with the version when there is one ("" when no name).
std::string withVersion(const std::string& name, const std::string& version);

}  // namespace callpy::core::visitors
