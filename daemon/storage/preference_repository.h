#pragma once
// SQLite implementation of core's PreferenceStore port (users.preferences JSON, migration 0004).
#include "core/ports/preference_store.h"
#include "storage/database.h"

namespace callpy::storage {

class PreferenceRepository : public core::ports::PreferenceStore {
 public:
  explicit PreferenceRepository(Database& db) : db_(db) {}
  core::accounts::Preferences loadPreferences(std::int64_t userId) override;
  void savePreferences(std::int64_t userId, const core::accounts::Preferences& p) override;

 private:
  Database& db_;
};

}  // namespace callpy::storage
