#pragma once
// Open WebSocket sessions by kind, for /metrics (callpy_ws_connections{kind="..."}). Each session
// class holds a ConnectionKindCount member, so the figure follows the session object's life:
// counted when the upgrade creates it, uncounted when the closed connection frees it.
#include <atomic>
#include <cstddef>
#include <cstdint>

namespace callpy::observability {
class Metrics;
}

namespace callpy::realtime {

enum class ConnectionKind : std::uint8_t { Visitor, Operator, CallDevice };
inline constexpr std::size_t kConnectionKinds = 3;

// The label value in /metrics: visitor, operator, call_device.
const char* connectionKindLabel(ConnectionKind kind);

// Process-wide, as the metrics registry is.
std::int64_t openConnections(ConnectionKind kind);

class ConnectionKindCount {
 public:
  explicit ConnectionKindCount(ConnectionKind kind);
  ~ConnectionKindCount();
  ConnectionKindCount(const ConnectionKindCount&) = delete;
  ConnectionKindCount& operator=(const ConnectionKindCount&) = delete;

 private:
  ConnectionKind kind_;
};

// Adds the callpy_ws_connections gauge family, one series per kind (all kinds, also at 0).
void registerConnectionKindMetrics(observability::Metrics& metrics);

}  // namespace callpy::realtime
