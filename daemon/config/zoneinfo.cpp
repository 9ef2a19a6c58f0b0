#include "config/zoneinfo.h"

#include <filesystem>
#include <fstream>

namespace callpy::config {

namespace {
// Real TZif files are a few KiB; the cap keeps a mistaken path from being slurped whole.
constexpr std::size_t kMaxTzifBytes = 1 << 20;
}  // namespace

bool isValidZoneName(std::string_view name) {
  if (name.empty() || name.size() > 255 || name.front() == '/' || name.back() == '/') return false;
  std::size_t segmentStart = 0;
  for (std::size_t k = 0; k <= name.size(); ++k) {
    if (k == name.size() || name[k] == '/') {
      std::string_view segment = name.substr(segmentStart, k - segmentStart);
      if (segment.empty()) return false;
      segmentStart = k + 1;
      continue;
    }
    char c = name[k];
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '+' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::optional<core::sites::TimeZone> loadZoneInfo(const std::string& name, std::string* error,
                                                  const std::string& root) {
  auto fail = [&](std::string message) -> std::optional<core::sites::TimeZone> {
    if (error) *error = std::move(message);
    return std::nullopt;
  };
  if (!isValidZoneName(name)) return fail("'" + name + "' is not a valid time zone name");
  std::string path = root + "/" + name;
  std::error_code ec;
  std::ifstream in;
  if (std::filesystem::is_regular_file(path, ec)) in.open(path, std::ios::binary);
  if (!in.is_open()) return fail("unknown time zone '" + name + "' (not found in " + root + ")");
  std::string bytes;
  bytes.resize(kMaxTzifBytes + 1);
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (in.bad()) return fail("cannot read time zone '" + name + "'");
  bytes.resize(static_cast<std::size_t>(in.gcount()));
  if (bytes.size() > kMaxTzifBytes) return fail("time zone file for '" + name + "' is too large");
  std::string parseError;
  auto zone = core::sites::TimeZone::fromTzif(name, bytes, &parseError);
  if (!zone) return fail("time zone '" + name + "': " + parseError);
  return zone;
}

}  // namespace callpy::config
