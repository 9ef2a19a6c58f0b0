#pragma once
// The operations half of `callpyctl status` and /metrics (issue 6 §6): chat figures, calls,
// WebSocket connections and the last error lines, kept out of daemon.cpp, which only wires.
#include <Poco/JSON/Object.h>

#include <cstdint>
#include <functional>

namespace callpy::storage {
class Database;
}
namespace callpy::observability {
class Metrics;
}

namespace callpy::app {

// What the media path reports (rtc/call MediaEngine and the call registry), read when asked.
struct CallFigures {
  std::uint64_t active = 0;  // calls ringing or in progress
  std::uint64_t legs = 0;    // browser connections to the media path
  std::uint64_t packetsIn = 0, packetsRelayed = 0, packetsDropped = 0, retransmits = 0;
  std::uint64_t sendFailures = 0;  // packets the socket refused (not in packetsDropped)
};
using CallFiguresSource = std::function<CallFigures()>;

// Adds active_dialogs, messages_stored, calls_active, call_legs, rtp_packets_relayed,
// rtp_packets_dropped, rtp_send_failures, websocket_connections and last_errors ([{at, line}], oldest first) to the admin status answer.
void addOperationsStatus(Poco::JSON::Object& status, storage::Database& db,
                         std::uint64_t websocketConnections, const CallFigures& calls);

// callpy_messages_stored_total, callpy_dialogs_active, callpy_calls_active, callpy_call_legs,
// callpy_rtp_packets_{received,relayed,dropped}_total, callpy_rtp_retransmits_total,
// callpy_rtp_send_failures_total, callpy_log_errors_total.
void registerOperationsMetrics(observability::Metrics& metrics, storage::Database& db,
                               CallFiguresSource calls);

}  // namespace callpy::app
