#include "realtime/realtime_server.h"

#include <unistd.h>

#include "observability/metrics.h"
#include "realtime/connection_kinds.h"
#include "realtime/event_loop.h"

namespace callpy::realtime {

void ConnectionRef::send(SharedBuffer frame) const { server_->post(id_, std::move(frame)); }

void ConnectionRef::sendText(std::string_view text) const { server_->post(id_, encodeText(text)); }

void ConnectionRef::close(std::uint16_t code, std::string_view reason) const {
  server_->close(id_, code, reason);
}

void ConnectionHandler::onBinary(ConnectionRef connection, std::string_view) {
  connection.close(close_code::kUnsupportedData, "binary frames are not supported");
}

RealtimeServer::RealtimeServer(RealtimeOptions options)
    : options_(std::move(options)),
      limiter_(options_.maxConnectionsPerAddress),
      counters_(std::make_shared<detail::ServerCounters>()) {}

RealtimeServer::~RealtimeServer() { stop(); }

void RealtimeServer::start(unsigned loops) {
  if (running_.exchange(true)) return;
  loops = std::clamp(loops, 1u, 255u);
  for (unsigned i = 0; i < loops; ++i) {
    counters_->loops.push_back(std::make_unique<detail::LoopCounters>());
    loops_.push_back(
        std::make_unique<detail::EventLoop>(*this, i, options_, *counters_->loops.back()));
  }
  for (auto& loop : loops_) loop->start();
}

void RealtimeServer::stop() {
  if (!running_.exchange(false)) return;
  for (auto& loop : loops_) loop->requestStop();
  for (auto& loop : loops_) loop->join();
}

AddressLease RealtimeServer::leaseAddress(const std::string& address) {
  AddressLease lease = limiter_.acquire(address);
  if (!lease) counters_->rejectedByAddressLimit.fetch_add(1, std::memory_order_relaxed);
  return lease;
}

bool RealtimeServer::adopt(int fd, AddressLease lease, std::unique_ptr<ConnectionHandler> handler,
                           std::string_view initialBytes, SslPtr tls) {
  if (!running_.load() || !lease || !handler || loops_.empty()) {
    ::close(fd);
    return false;
  }
  // Round robin: connections are long-lived and cheap when idle, so counts even out.
  const unsigned n = nextLoop_.fetch_add(1, std::memory_order_relaxed) % loops_.size();
  detail::Adoption a;
  a.fd = fd;
  a.lease = std::move(lease);
  a.handler = std::move(handler);
  a.initialBytes.assign(initialBytes);
  a.tls = std::move(tls);
  if (!loops_[n]->adopt(std::move(a))) {
    ::close(fd);
    return false;
  }
  return true;
}

detail::EventLoop* RealtimeServer::loopFor(ConnectionId id) const {
  const auto index = static_cast<std::size_t>(id & 0xFF);
  return index < loops_.size() ? loops_[index].get() : nullptr;
}

void RealtimeServer::post(ConnectionId id, SharedBuffer frame) {
  if (auto* loop = loopFor(id)) loop->post(id, std::move(frame));
}

void RealtimeServer::post(std::span<const ConnectionId> ids, const SharedBuffer& frame) {
  if (ids.empty()) return;
  if (loops_.size() == 1) return loops_[0]->postMany(ids.data(), ids.size(), frame);
  // Group by loop so each loop's inbox lock is taken once.
  std::vector<std::vector<ConnectionId>> byLoop(loops_.size());
  for (ConnectionId id : ids)
    if ((id & 0xFF) < loops_.size()) byLoop[id & 0xFF].push_back(id);
  for (std::size_t i = 0; i < byLoop.size(); ++i)
    if (!byLoop[i].empty()) loops_[i]->postMany(byLoop[i].data(), byLoop[i].size(), frame);
}

void RealtimeServer::close(ConnectionId id, std::uint16_t code, std::string_view reason) {
  if (auto* loop = loopFor(id)) loop->close(id, code, std::string(reason));
}

RealtimeStats RealtimeServer::stats() const {
  RealtimeStats s;
  for (const auto& l : counters_->loops) {
    s.openConnections += l->open.load(std::memory_order_relaxed);
    s.bytesQueued += l->bytesQueued.load(std::memory_order_relaxed);
    s.slowConsumerCloses += l->slowConsumerCloses.load(std::memory_order_relaxed);
    s.protocolErrors += l->protocolErrors.load(std::memory_order_relaxed);
    s.idleTimeouts += l->idleTimeouts.load(std::memory_order_relaxed);
    s.messagesIn += l->messagesIn.load(std::memory_order_relaxed);
    s.framesOut += l->framesOut.load(std::memory_order_relaxed);
  }
  s.rejectedByAddressLimit = counters_->rejectedByAddressLimit.load(std::memory_order_relaxed);
  return s;
}

void RealtimeServer::registerMetrics(observability::Metrics& metrics) {
  // The lambdas hold the counters, not the server: /metrics may be rendered after it is gone.
  std::weak_ptr<detail::ServerCounters> weak = counters_;
  auto sum = [weak](std::atomic<std::uint64_t> detail::LoopCounters::*field) {
    return [weak, field]() -> double {
      auto c = weak.lock();
      if (!c) return 0;
      std::uint64_t total = 0;
      for (const auto& l : c->loops) total += ((*l).*field).load(std::memory_order_relaxed);
      return static_cast<double>(total);
    };
  };
  registerConnectionKindMetrics(metrics);  // callpy_ws_connections{kind="..."}
  metrics.addGauge("callpy_ws_bytes_queued", "Bytes waiting in WebSocket write queues.",
                   sum(&detail::LoopCounters::bytesQueued));
  metrics.addCounter("callpy_ws_slow_consumer_closes_total",
                     "Connections closed because their write queue passed the high-water mark.",
                     sum(&detail::LoopCounters::slowConsumerCloses));
  metrics.addCounter("callpy_ws_protocol_errors_total", "Connections failed for protocol errors.",
                     sum(&detail::LoopCounters::protocolErrors));
  metrics.addCounter("callpy_ws_idle_timeouts_total", "Connections dropped for missing pongs.",
                     sum(&detail::LoopCounters::idleTimeouts));
  metrics.addCounter("callpy_ws_messages_received_total", "WebSocket messages received.",
                     sum(&detail::LoopCounters::messagesIn));
  metrics.addCounter("callpy_ws_frames_sent_total", "WebSocket frames queued for sending.",
                     sum(&detail::LoopCounters::framesOut));
  metrics.addCounter("callpy_ws_rejected_by_address_limit_total",
                     "WebSocket upgrades refused by the per-address connection limit.",
                     [weak]() -> double {
                       auto c = weak.lock();
                       return c ? static_cast<double>(c->rejectedByAddressLimit.load()) : 0;
                     });
}

std::size_t RealtimeServer::connectionStateSize() { return sizeof(detail::Connection); }

}  // namespace callpy::realtime
