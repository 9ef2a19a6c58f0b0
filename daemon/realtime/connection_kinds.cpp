#include "realtime/connection_kinds.h"

#include <array>

#include "observability/metrics.h"

namespace callpy::realtime {
namespace {

std::array<std::atomic<std::int64_t>, kConnectionKinds>& counts() {
  static std::array<std::atomic<std::int64_t>, kConnectionKinds> c{};
  return c;
}

std::atomic<std::int64_t>& countOf(ConnectionKind kind) {
  return counts()[static_cast<std::size_t>(kind)];
}

}  // namespace

const char* connectionKindLabel(ConnectionKind kind) {
  switch (kind) {
    case ConnectionKind::Visitor: return "visitor";
    case ConnectionKind::Operator: return "operator";
    case ConnectionKind::CallDevice: return "call_device";
  }
  return "unknown";
}

std::int64_t openConnections(ConnectionKind kind) {
  return countOf(kind).load(std::memory_order_relaxed);
}

ConnectionKindCount::ConnectionKindCount(ConnectionKind kind) : kind_(kind) {
  countOf(kind_).fetch_add(1, std::memory_order_relaxed);
}

ConnectionKindCount::~ConnectionKindCount() { countOf(kind_).fetch_sub(1, std::memory_order_relaxed); }

void registerConnectionKindMetrics(observability::Metrics& metrics) {
  observability::Metrics::LabelledSeries series;
  for (auto kind : {ConnectionKind::Visitor, ConnectionKind::Operator, ConnectionKind::CallDevice}) {
    series.emplace_back(connectionKindLabel(kind),
                        [kind] { return static_cast<double>(openConnections(kind)); });
  }
  metrics.addGaugeFamily("callpy_ws_connections",
                         "Open WebSocket connections by kind (visitor, operator, call_device).",
                         "kind", std::move(series));
}

}  // namespace callpy::realtime
