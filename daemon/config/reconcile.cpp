#include "config/reconcile.h"

#include <Poco/RandomStream.h>

#include <vector>

namespace callpy::config {

std::string newWidgetKey() {
  static constexpr char kHex[] = "0123456789abcdef";
  unsigned char bytes[16];
  Poco::RandomInputStream random;
  random.read(reinterpret_cast<char*>(bytes), sizeof bytes);
  std::string key;
  key.reserve(32);
  for (unsigned char b : bytes) {
    key.push_back(kHex[b >> 4]);
    key.push_back(kHex[b & 0x0f]);
  }
  return key;
}

ReconcileReport reconcileSitesOn(storage::Connection& c, const Config& config, std::int64_t now) {
  // A SiteDecl is a DeclaredSite plus its line in the file; storage needs only the declaration.
  std::vector<core::sites::DeclaredSite> declared(config.sites.begin(), config.sites.end());
  return storage::reconcileDeclaredSites(c, declared, now, newWidgetKey);
}

ReconcileReport reconcileSites(storage::Database& db, const Config& config, std::int64_t now) {
  return db.writeSync([&](storage::Connection& c) { return reconcileSitesOn(c, config, now); });
}

}  // namespace callpy::config
