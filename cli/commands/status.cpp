// callpyctl status, callpyctl reload
#include <ctime>

#include "commands/common.h"

namespace callpy::cli {

namespace {

std::string duration(const Poco::JSON::Object::Ptr& obj, const std::string& key) {
  if (!obj->has(key)) return "-";
  long long seconds = 0;
  try {
    seconds = obj->getValue<Poco::Int64>(key);
  } catch (const Poco::Exception&) {
    return text(obj, key);
  }
  long long days = seconds / 86400, hours = seconds % 86400 / 3600, minutes = seconds % 3600 / 60;
  std::string out;
  if (days) out += std::to_string(days) + "d ";
  if (days || hours) out += std::to_string(hours) + "h ";
  out += std::to_string(minutes) + "m " + std::to_string(seconds % 60) + "s";
  return out;
}

std::string timestamp(const Poco::JSON::Object::Ptr& obj, const std::string& key) {
  if (!obj->has(key)) return "-";
  try {
    std::time_t t = static_cast<std::time_t>(obj->getValue<Poco::Int64>(key));
    std::tm utc{};
    gmtime_r(&t, &utc);
    char buffer[32];
    std::strftime(buffer, sizeof(buffer), "%Y-%m-%d %H:%M:%S UTC", &utc);
    return buffer;
  } catch (const Poco::Exception&) {
    return text(obj, key);
  }
}

std::string bytes(const Poco::JSON::Object::Ptr& obj, const std::string& key) {
  if (!obj->has(key)) return "-";
  try {
    double value = static_cast<double>(obj->getValue<Poco::Int64>(key));
    const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    int unit = 0;
    while (value >= 1024 && unit < 4) {
      value /= 1024;
      ++unit;
    }
    char buffer[32];
    std::snprintf(buffer, sizeof(buffer), unit ? "%.1f %s" : "%.0f %s", value, units[unit]);
    return buffer;
  } catch (const Poco::Exception&) {
    return text(obj, key);
  }
}

// The daemon's last error log lines (oldest first), each with its UTC time.
void renderLastErrors(std::ostream& out, const Poco::JSON::Object::Ptr& answer) {
  auto errors = list(answer, "last_errors");
  if (errors->size() == 0) {
    out << "last errors:      none\n";
    return;
  }
  out << "last errors:\n";
  for (std::size_t i = 0; i < errors->size(); ++i) {
    auto e = errors->getObject(static_cast<unsigned>(i));
    if (!e) continue;
    out << "  " << timestamp(e, "at") << "  " << text(e, "line") << '\n';
  }
}

}  // namespace

void addStatusCommand(CLI::App& app, Context& ctx) {
  CLI::App* verb = addCommand(app, "status", "Show the daemon's state");
  onRun(verb, ctx, [&ctx] {
    auto answer = expectOk(ctx.client().get("/status"));
    ctx.emit(answer, [&](std::ostream& out) {
      renderKeyValues(out, {{"version", text(answer, "version")},
                            {"started", timestamp(answer, "started_at")},
                            {"uptime", duration(answer, "uptime_s")},
                            {"listeners", text(answer, "listeners")},
                            {"schema version", text(answer, "schema_version")},
                            {"database size", bytes(answer, "db_size_bytes")},
                            {"outbox backlog", text(answer, "outbox_backlog")},
                            {"sites", text(answer, "sites")},
                            {"users", text(answer, "users")},
                            {"connections", text(answer, "websocket_connections") + " WebSocket"},
                            {"active dialogs", text(answer, "active_dialogs")},
                            {"messages", text(answer, "messages_stored")},
                            {"calls", text(answer, "calls_active") + " (" + text(answer, "call_legs") + " media legs, " +
                                         text(answer, "rtp_packets_relayed") + " packets relayed)"},
                            {"packets lost", text(answer, "rtp_packets_dropped") + " dropped on input, " +
                                                 text(answer, "rtp_send_failures") + " failed to send"},
                            {"errors logged", text(answer, "errors_total")}});
      renderLastErrors(out, answer);
    });
    return kExitOk;
  });
}

void addReloadCommand(CLI::App& app, Context& ctx) {
  CLI::App* verb = addCommand(app, "reload", "Re-read the config file and reconcile (like SIGHUP)");
  onRun(verb, ctx, [&ctx] {
    Response response = ctx.client().post("/reload");
    if (!response.ok()) {
      // A rejected config comes back as 400 with the loader's lines; show each, like `config
      // check`.
      auto error = child(response.object(), "error");
      auto lines = list(error, "errors");
      for (size_t i = 0; i < lines->size(); ++i) ctx.err() << cellText(lines->get(i)) << '\n';
    }
    auto answer = expectOk(response);
    ctx.emit(answer, [&](std::ostream& out) { out << "Configuration reloaded.\n"; });
    return kExitOk;
  });
}

}  // namespace callpy::cli
