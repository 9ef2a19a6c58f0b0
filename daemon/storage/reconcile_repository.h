#pragma once
// Brings the database in line with declared sites (DESIGN §6). Declared objects are marked
// managed_by_config (read-only in the panel); objects that used to be declared but no longer are
// released (managed_by_config = 0), never deleted, so history and panel edits survive a config
// mistake.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/sites/declared.h"
#include "storage/connection.h"

namespace callpy::storage {

struct ReconcileReport {
  int sitesCreated = 0;
  int sitesUpdated = 0;   // declared sites that already existed
  int sitesReleased = 0;  // no longer declared
  int departmentsCreated = 0;
  int departmentsUpdated = 0;
  int departmentsReleased = 0;
  int membershipsCreated = 0;
  int membershipsReleased = 0;
  // Operators the declaration named who had no account yet: created without a password, so they
  // need an invitation or reset link before they can sign in.
  std::vector<std::string> usersCreated;
};

// Makes the public widget key of a newly created site. Passed in so storage needs no randomness
// source and tests can predict the keys.
using WidgetKeySource = std::function<std::string()>;

// Runs on a connection the caller holds inside a transaction (a write job); `sites` is the whole
// declaration, so every managed site it does not name is released.
ReconcileReport reconcileDeclaredSites(Connection& c,
                                       const std::vector<core::sites::DeclaredSite>& sites,
                                       std::int64_t now, const WidgetKeySource& newWidgetKey);

}  // namespace callpy::storage
