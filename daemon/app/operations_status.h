#pragma once
// The operations half of `callpyctl status` and /metrics (issue 6 §6): chat figures, calls,
// WebSocket connections and the last error lines, kept out of daemon.cpp, which only wires.
#include <Poco/JSON/Object.h>

#include <cstdint>

namespace callpy::storage {
class Database;
}
namespace callpy::observability {
class Metrics;
}

namespace callpy::app {

// Adds active_dialogs, messages_stored, calls_active (0: calls are not implemented yet, and the
// answer says so in calls_note), websocket_connections and last_errors ([{at, line}], oldest
// first) to the admin status answer.
void addOperationsStatus(Poco::JSON::Object& status, storage::Database& db,
                         std::uint64_t websocketConnections);

// callpy_messages_stored_total, callpy_dialogs_active, callpy_calls_active,
// callpy_log_errors_total.
void registerOperationsMetrics(observability::Metrics& metrics, storage::Database& db);

}  // namespace callpy::app
