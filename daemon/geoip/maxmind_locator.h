#pragma once
// core::ports::GeoLocator over a MaxMind DB file (GeoLite2-City, GeoIP2-City, DB-IP's
// dbip-city-lite and other files with the same "country"/"city" → "names" layout).
// The file is memory-mapped once; lookups are read-only and thread-safe (libmaxminddb's
// MMDB_lookup_string on an opened database touches no shared state).
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "core/ports/geo_locator.h"

namespace callpy::geoip {

class GeoDatabaseError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class MaxMindLocator : public core::ports::GeoLocator {
 public:
  // Throws GeoDatabaseError with a readable reason (missing file, not a MaxMind DB, corrupt).
  explicit MaxMindLocator(const std::string& path);
  ~MaxMindLocator() override;
  MaxMindLocator(const MaxMindLocator&) = delete;
  MaxMindLocator& operator=(const MaxMindLocator&) = delete;

  std::optional<core::ports::GeoLocation> locate(const std::string& address,
                                                 const std::string& language) const override;

  const std::string& databaseType() const { return type_; }

 private:
  struct Handle;
  std::unique_ptr<Handle> db_;
  std::string type_;
};

// Opens the file the way the daemon will and returns why it cannot be used ("" when it can):
// for config validation (geoip.database).
std::string checkGeoDatabase(const std::string& path);

}  // namespace callpy::geoip
