#pragma once
// Reconciles the sites declared in the config into the database (DESIGN §6). The SQL lives in
// storage/reconcile_repository; this only hands it the declaration and a widget-key source.
#include <cstdint>
#include <string>

#include "config/config.h"
#include "storage/database.h"
#include "storage/reconcile_repository.h"

namespace callpy::config {

using ReconcileReport = storage::ReconcileReport;

// Runs as one write job (one transaction) and waits for it to be durable.
ReconcileReport reconcileSites(storage::Database& db, const Config& config, std::int64_t now);
// The same work on a connection the caller already holds inside a transaction.
ReconcileReport reconcileSitesOn(storage::Connection& c, const Config& config, std::int64_t now);

// 32 lowercase hex characters from /dev/urandom (128 bits), the public id of a site's widget.
std::string newWidgetKey();

}  // namespace callpy::config
