#include "app/operations_status.h"

#include <Poco/JSON/Array.h>

#include "observability/metrics.h"
#include "observability/recent_errors.h"
#include "storage/database.h"
#include "storage/status_queries.h"

namespace callpy::app {

namespace obs = callpy::observability;

namespace {
storage::ChatCounts chatCounts(storage::Database& db) {
  return db.read([](storage::Connection& c) { return storage::countChat(c); });
}
}  // namespace

void addOperationsStatus(Poco::JSON::Object& status, storage::Database& db,
                         std::uint64_t websocketConnections, const CallFigures& calls) {
  const auto counts = chatCounts(db);
  status.set("active_dialogs", counts.activeDialogs);
  status.set("messages_stored", counts.messagesStored);
  status.set("websocket_connections", websocketConnections);
  status.set("calls_active", calls.active);
  status.set("call_legs", calls.legs);
  status.set("rtp_packets_relayed", calls.packetsRelayed);
  // Input drops and refused sends apart, as on /metrics: a relay that cannot get its packets
  // out shows in rtp_send_failures alone.
  status.set("rtp_packets_dropped", calls.packetsDropped);
  status.set("rtp_send_failures", calls.sendFailures);
  Poco::JSON::Array::Ptr errors = new Poco::JSON::Array;
  for (const auto& e : obs::RecentErrors::instance().snapshot()) {
    Poco::JSON::Object::Ptr item = new Poco::JSON::Object;
    item->set("at", e.at);
    item->set("line", e.line);
    errors->add(item);
  }
  status.set("last_errors", errors);
  status.set("errors_total", obs::RecentErrors::instance().total());
}

void registerOperationsMetrics(obs::Metrics& m, storage::Database& db, CallFiguresSource calls) {
  m.addCounter("callpy_messages_stored_total", "Chat messages stored (committed), since the database was created.",
               [&db] { return static_cast<double>(chatCounts(db).messagesStored); });
  m.addGauge("callpy_dialogs_active", "Open dialogs.",
             [&db] { return static_cast<double>(chatCounts(db).activeDialogs); });
  m.addGauge("callpy_calls_active", "Calls ringing or in progress.",
             [calls] { return static_cast<double>(calls().active); });
  m.addGauge("callpy_call_legs", "Browser connections (call legs) on the media path.",
             [calls] { return static_cast<double>(calls().legs); });
  m.addCounter("callpy_rtp_packets_received_total", "Datagrams received by the media path.",
               [calls] { return static_cast<double>(calls().packetsIn); });
  m.addCounter("callpy_rtp_packets_relayed_total", "RTP packets relayed to another call leg (SRTP).",
               [calls] { return static_cast<double>(calls().packetsRelayed); });
  m.addCounter("callpy_rtp_packets_dropped_total",
               "Datagrams dropped on input: failed SRTP checks, unknown streams, malformed packets "
               "(packets the socket refused to send are callpy_rtp_send_failures_total).",
               [calls] { return static_cast<double>(calls().packetsDropped); });
  m.addCounter("callpy_rtp_retransmits_total", "RTP packets resent from history after a NACK.",
               [calls] { return static_cast<double>(calls().retransmits); });
  m.addCounter("callpy_rtp_send_failures_total",
               "RTP/RTCP packets the media path could not send (socket buffer full, network "
               "unreachable, no working ICE pair): relayed, retransmitted or its own reports.",
               [calls] { return static_cast<double>(calls().sendFailures); });
  m.addCounter("callpy_log_errors_total", "Lines logged at priority error.",
               [] { return static_cast<double>(obs::RecentErrors::instance().total()); });
}

}  // namespace callpy::app
