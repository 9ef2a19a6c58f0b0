#pragma once
// The realtime gateway: WebSocket connections live on a few epoll loops (one per core at most),
// never on an HTTP thread. After the HTTP upgrade (realtime/upgrade.h) the socket is adopted here;
// other threads send to connections by id. Handlers run on the connection's loop thread.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "realtime/address_limiter.h"
#include "realtime/tls_io.h"
#include "realtime/ws_frame.h"

namespace callpy::observability {
class Metrics;
}

namespace callpy::realtime {

// Bits 0-7: loop index; 8-31: slot in the loop; 32-63: generation of the slot. Never 0.
using ConnectionId = std::uint64_t;

class RealtimeServer;

// A handle that stays safe to use after the connection is gone (calls then do nothing).
class ConnectionRef {
 public:
  ConnectionRef(RealtimeServer& server, ConnectionId id) : server_(&server), id_(id) {}
  ConnectionId id() const { return id_; }
  void send(SharedBuffer frame) const;
  void sendText(std::string_view text) const;
  void close(std::uint16_t code = close_code::kNormal, std::string_view reason = {}) const;

 private:
  RealtimeServer* server_;
  ConnectionId id_;
};

// Runs on the connection's loop thread; must not block.
class ConnectionHandler {
 public:
  virtual ~ConnectionHandler() = default;
  virtual void onOpen(ConnectionRef connection) { (void)connection; }
  virtual void onText(ConnectionRef connection, std::string_view text) = 0;
  // The protocol is JSON text; binary frames close the connection with 1003 unless overridden.
  virtual void onBinary(ConnectionRef connection, std::string_view data);
  // Once per connection, after which the handler is destroyed. code is what the peer sent, what we
  // sent when we closed first, or close_code::kAbnormal when the TCP connection just ended.
  virtual void onClose(std::uint16_t code) { (void)code; }
};

struct RealtimeOptions {
  FrameLimits limits;
  // Bytes a connection may have waiting to be written before it counts as a slow consumer and is
  // closed (1008). A single message larger than this is still accepted into an empty queue.
  std::size_t writeHighWater = 1 << 20;
  std::chrono::milliseconds pingInterval{30'000};  // ping after this long without data
  std::chrono::milliseconds pongTimeout{15'000};   // then drop if nothing arrives for this long
  std::chrono::milliseconds closeTimeout{5'000};   // wait for the peer's close reply
  std::chrono::milliseconds drainTimeout{5'000};   // stop(): give up on slow closers after this
  std::chrono::milliseconds tick{1'000};           // timer resolution
  int maxConnectionsPerAddress = 0;                // 0: unlimited
};

struct RealtimeStats {
  std::uint64_t openConnections = 0;
  std::uint64_t bytesQueued = 0;
  std::uint64_t slowConsumerCloses = 0;
  std::uint64_t protocolErrors = 0;
  std::uint64_t idleTimeouts = 0;
  std::uint64_t messagesIn = 0;
  std::uint64_t framesOut = 0;
  std::uint64_t rejectedByAddressLimit = 0;
};

namespace detail {
class EventLoop;
// Written by one loop thread each, read by anyone.
struct LoopCounters {
  std::atomic<std::uint64_t> open{0}, bytesQueued{0}, slowConsumerCloses{0}, protocolErrors{0},
      idleTimeouts{0}, messagesIn{0}, framesOut{0};
};
struct ServerCounters {
  std::vector<std::unique_ptr<LoopCounters>> loops;
  std::atomic<std::uint64_t> rejectedByAddressLimit{0};
};
}  // namespace detail

class RealtimeServer {
 public:
  explicit RealtimeServer(RealtimeOptions options = {});
  ~RealtimeServer();
  RealtimeServer(const RealtimeServer&) = delete;
  RealtimeServer& operator=(const RealtimeServer&) = delete;

  void start(unsigned loops);
  // Stops taking connections, closes open ones with 1001 Going Away, waits up to drainTimeout
  // for their close replies and joins the loops.
  void stop();

  // Counts the address against maxConnectionsPerAddress; empty when it is at the limit. Take it
  // before answering the upgrade, so a refused client gets an HTTP error instead of a 101.
  AddressLease leaseAddress(const std::string& address);
  // Takes ownership of a connected socket that has finished the handshake. initialBytes are bytes
  // the HTTP layer read past the request. Thread-safe. Returns false (and closes fd) when the
  // server is not running or the lease is empty. `tls`: the connection's TLS session when it
  // came over HTTPS (realtime/tls_socket.h); the loop then reads and writes through it.
  bool adopt(int fd, AddressLease lease, std::unique_ptr<ConnectionHandler> handler,
             std::string_view initialBytes = {}, SslPtr tls = {});

  // Thread-safe. Queues an encoded frame; unknown or closed ids are ignored.
  void post(ConnectionId id, SharedBuffer frame);
  // Fan-out: one buffer, many recipients, one lock per loop.
  void post(std::span<const ConnectionId> ids, const SharedBuffer& frame);
  void close(ConnectionId id, std::uint16_t code, std::string_view reason = {});

  RealtimeStats stats() const;
  // Adds callpy_ws_* gauges and counters to the metrics registry (once per process).
  void registerMetrics(observability::Metrics& metrics);
  const RealtimeOptions& options() const { return options_; }
  // Bytes of loop-side state per connection (not counting kernel socket buffers).
  static std::size_t connectionStateSize();

 private:
  detail::EventLoop* loopFor(ConnectionId id) const;

  RealtimeOptions options_;
  AddressLimiter limiter_;
  std::shared_ptr<detail::ServerCounters> counters_;
  std::vector<std::unique_ptr<detail::EventLoop>> loops_;
  std::atomic<unsigned> nextLoop_{0};
  std::atomic<bool> running_{false};
};

}  // namespace callpy::realtime
