#pragma once
// Loads IANA zones from the system's tzdata (Debian: /usr/share/zoneinfo). This is the I/O half
// of core::sites::TimeZone, which only parses bytes.
#include <optional>
#include <string>
#include <string_view>

#include "core/sites/time_zone.h"

namespace callpy::config {

inline constexpr const char* kZoneInfoRoot = "/usr/share/zoneinfo";

// True for names like "Europe/Berlin", "UTC", "Etc/GMT+3": only [A-Za-z0-9_+-/], no leading '/',
// no empty segments (and no dots at all), so a name can never leave the zoneinfo directory.
bool isValidZoneName(std::string_view name);

// nullopt with *error set when the name is invalid, the file is missing or not TZif.
std::optional<core::sites::TimeZone> loadZoneInfo(const std::string& name,
                                                  std::string* error = nullptr,
                                                  const std::string& root = kZoneInfoRoot);

}  // namespace callpy::config
