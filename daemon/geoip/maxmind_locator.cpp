#include "geoip/maxmind_locator.h"

#include <maxminddb.h>

#include <cerrno>
#include <cstring>

namespace callpy::geoip {

struct MaxMindLocator::Handle {
  MMDB_s mmdb{};
};

namespace {

// A UTF-8 string at `path` (terminated by nullptr) under `entry`; "" when absent.
std::string text(MMDB_entry_s entry, const char* const* path) {
  MMDB_entry_data_s data{};
  if (MMDB_aget_value(&entry, &data, path) != MMDB_SUCCESS || !data.has_data ||
      data.type != MMDB_DATA_TYPE_UTF8_STRING) {
    return {};
  }
  return std::string(data.utf8_string, data.data_size);
}

// names.<language>, else names.en.
std::string name(MMDB_entry_s entry, const char* object, const std::string& language) {
  const char* localized[] = {object, "names", language.c_str(), nullptr};
  auto value = language.empty() ? std::string() : text(entry, localized);
  if (value.empty()) {
    const char* english[] = {object, "names", "en", nullptr};
    value = text(entry, english);
  }
  return value;
}

// "::ffff:1.2.3.4" (an IPv4 peer on a dual-stack socket) → "1.2.3.4", so IPv4-only databases
// find it too.
std::string plainAddress(const std::string& address) {
  constexpr std::string_view kMapped = "::ffff:";
  if (address.size() > kMapped.size() && address.compare(0, kMapped.size(), kMapped) == 0 &&
      address.find('.') != std::string::npos) {
    return address.substr(kMapped.size());
  }
  return address;
}

}  // namespace

MaxMindLocator::MaxMindLocator(const std::string& path) : db_(std::make_unique<Handle>()) {
  const int status = MMDB_open(path.c_str(), MMDB_MODE_MMAP, &db_->mmdb);
  if (status != MMDB_SUCCESS) {
    std::string reason = MMDB_strerror(status);
    if (status == MMDB_IO_ERROR) reason += std::string(": ") + std::strerror(errno);
    throw GeoDatabaseError("cannot open GeoIP database " + path + ": " + reason);
  }
  if (db_->mmdb.metadata.database_type) type_ = db_->mmdb.metadata.database_type;
}

MaxMindLocator::~MaxMindLocator() { MMDB_close(&db_->mmdb); }

std::optional<core::ports::GeoLocation> MaxMindLocator::locate(const std::string& address,
                                                               const std::string& language) const {
  const auto plain = plainAddress(address);
  int gaiError = 0;
  int mmdbError = 0;
  // MMDB_lookup_string parses numeric addresses only (AI_NUMERICHOST): no DNS from here.
  auto result = MMDB_lookup_string(&db_->mmdb, plain.c_str(), &gaiError, &mmdbError);
  if (gaiError != 0 || mmdbError != MMDB_SUCCESS || !result.found_entry) return std::nullopt;
  core::ports::GeoLocation g;
  const char* code[] = {"country", "iso_code", nullptr};
  g.countryCode = text(result.entry, code);
  g.country = name(result.entry, "country", language);
  g.city = name(result.entry, "city", language);
  if (g.empty()) return std::nullopt;
  return g;
}

std::string checkGeoDatabase(const std::string& path) {
  try {
    MaxMindLocator probe(path);
    return {};
  } catch (const GeoDatabaseError& e) {
    return e.what();
  }
}

}  // namespace callpy::geoip
