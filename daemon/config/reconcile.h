#pragma once
// Brings the database in line with the sites declared in the config (DESIGN §6). Declared
// objects are marked managed_by_config (read-only in the panel); objects the config used to
// manage but no longer declares are released (managed_by_config = 0), never deleted, so history
// and panel edits survive a config mistake.
#include <cstdint>
#include <string>
#include <vector>

#include "config/config.h"
#include "storage/database.h"

namespace callpy::config {

struct ReconcileReport {
  int sitesCreated = 0;
  int sitesUpdated = 0;   // declared sites that already existed
  int sitesReleased = 0;  // no longer declared
  int departmentsCreated = 0;
  int departmentsUpdated = 0;
  int departmentsReleased = 0;
  int membershipsCreated = 0;
  int membershipsReleased = 0;
  // Operators the config named who had no account yet: created without a password, so they need
  // an invitation or reset link before they can sign in.
  std::vector<std::string> usersCreated;
};

// Runs as one write job (one transaction) and waits for it to be durable.
ReconcileReport reconcileSites(storage::Database& db, const Config& config, std::int64_t now);
// The same work on a connection the caller already holds inside a transaction.
ReconcileReport reconcileSitesOn(storage::Connection& c, const Config& config, std::int64_t now);

// 32 lowercase hex characters from /dev/urandom (128 bits), the public id of a site's widget.
std::string newWidgetKey();

}  // namespace callpy::config
