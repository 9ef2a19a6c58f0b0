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
                         std::uint64_t websocketConnections) {
  const auto counts = chatCounts(db);
  status.set("active_dialogs", counts.activeDialogs);
  status.set("messages_stored", counts.messagesStored);
  status.set("websocket_connections", websocketConnections);
  status.set("calls_active", 0);
  status.set("calls_note", "calls are not implemented yet");
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

void registerOperationsMetrics(obs::Metrics& m, storage::Database& db) {
  m.addCounter("callpy_messages_stored_total", "Chat messages stored (committed), since the database was created.",
               [&db] { return static_cast<double>(chatCounts(db).messagesStored); });
  m.addGauge("callpy_dialogs_active", "Open dialogs.",
             [&db] { return static_cast<double>(chatCounts(db).activeDialogs); });
  // Calls (rtc/) are not implemented yet: the gauge is always 0 so dashboards can be built now.
  m.addGauge("callpy_calls_active", "Calls in progress (always 0 until calls are implemented).",
             [] { return 0.0; });
  m.addCounter("callpy_log_errors_total", "Lines logged at priority error.",
               [] { return static_cast<double>(obs::RecentErrors::instance().total()); });
}

}  // namespace callpy::app
