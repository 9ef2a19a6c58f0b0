#pragma once
// Where an IP address is, from a local database (F12: the Visitors list names visitors by their
// location). Implemented by daemon/geoip (libmaxminddb); absent when no database is configured.
#include <optional>
#include <string>

namespace callpy::core::ports {

struct GeoLocation {
  std::string countryCode;  // ISO 3166-1 alpha-2, e.g. "RU"; may be ""
  std::string country;      // in the requested language, else English; may be ""
  std::string city;         // likewise; "" when the database has no city for the address
  bool empty() const { return country.empty() && city.empty() && countryCode.empty(); }
  bool operator==(const GeoLocation&) const = default;
};

class GeoLocator {
 public:
  virtual ~GeoLocator() = default;
  // `address` is a textual IPv4 or IPv6 address; `language` a two-letter code ("ru", "en").
  // nullopt when the address is not in the database or is not an address. Must be thread-safe
  // and fast (called on the gateway's workers for every visitor connection).
  virtual std::optional<GeoLocation> locate(const std::string& address,
                                            const std::string& language) const = 0;
};

}  // namespace callpy::core::ports
