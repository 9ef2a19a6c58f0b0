#pragma once
// SQLite implementation of core's SiteStore port (sites, origins, departments, working hours).
#include "core/ports/site_store.h"
#include "storage/database.h"

namespace callpy::storage {

class SiteRepository : public core::ports::SiteStore {
 public:
  explicit SiteRepository(Database& db) : db_(db) {}
  void read(const std::function<void(core::ports::SiteTx&)>& work) override;
  void write(const std::function<void(core::ports::SiteTx&)>& work) override;

 private:
  Database& db_;
};

// Address lists (offline_emails) are stored comma-separated: validated addresses hold no commas.
std::vector<std::string> splitList(const std::string& text);
std::string joinList(const std::vector<std::string>& items);

// Hours rows of one site, shared with reconcile_repository.
core::sites::WorkingHours loadHours(Connection& c, const std::string& siteId);
void saveHours(Connection& c, const std::string& siteId, const core::sites::WorkingHours& hours);

}  // namespace callpy::storage
