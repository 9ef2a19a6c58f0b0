#pragma once
// One epoll loop thread owning a set of non-blocking WebSocket connections (internal to
// realtime/; use RealtimeServer). Level-triggered: one read per readiness event keeps a flooding
// client from starving the others; EPOLLOUT is armed only while a write queue is stuck.
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "realtime/address_limiter.h"
#include "realtime/realtime_server.h"
#include "realtime/ws_frame.h"

namespace callpy::realtime::detail {

enum class ConnState : std::uint8_t {
  Open,
  Closing,   // we sent a close frame and wait for the peer's (or the timeout)
  Flushing,  // a close frame is queued as the last frame; the socket closes once it is written
  Dead,      // closed; the object lives until the end of the loop iteration
};

// Everything the loop keeps per connection. Kept small: idle connections hold no buffers.
struct Connection {
  Connection(const FrameLimits& limits) : parser(limits) {}

  FrameParser parser;
  std::unique_ptr<ConnectionHandler> handler;
  std::vector<SharedBuffer> queue;  // frames waiting to be written, from queueHead on
  AddressLease lease;
  SslPtr tls;  // set for a WebSocket that came over HTTPS: all I/O goes through it
  ConnectionId id = 0;
  int fd = -1;
  std::uint32_t queueHead = 0;
  std::uint32_t headOffset = 0;   // bytes of queue[queueHead] already written
  std::uint32_t queuedBytes = 0;  // not yet written
  std::uint32_t lastActivity = 0; // tick of the last byte received
  std::uint32_t mark = 0;         // tick the ping was sent or the close began
  std::uint32_t due = 0;          // tick of this connection's live timer entry
  std::uint16_t closeCode = close_code::kAbnormal;
  ConnState state = ConnState::Open;
  bool awaitingPong = false;
  bool writeArmed = false;
  bool dirty = false;  // in the loop's flush list
};

struct Adoption {
  int fd = -1;
  AddressLease lease;
  std::unique_ptr<ConnectionHandler> handler;
  std::string initialBytes;
  SslPtr tls;
};

class EventLoop : private FrameSink {
 public:
  EventLoop(RealtimeServer& server, unsigned index, const RealtimeOptions& options,
            LoopCounters& counters);
  ~EventLoop() override;

  void start();
  void requestStop();
  void join();

  // Thread-safe.
  bool adopt(Adoption adoption);
  void post(ConnectionId id, SharedBuffer frame);
  void postMany(const ConnectionId* ids, std::size_t n, const SharedBuffer& frame);
  void close(ConnectionId id, std::uint16_t code, std::string reason);
  bool onLoopThread() const;

  // Loop thread only.
  void sendNow(ConnectionId id, SharedBuffer frame);
  void closeNow(ConnectionId id, std::uint16_t code, std::string_view reason);

 private:
  struct Slot {
    std::unique_ptr<Connection> conn;
    std::uint32_t generation = 0;
  };
  struct TimerEntry {
    std::uint32_t slot;
    std::uint32_t tick;
  };
  struct Outgoing {
    ConnectionId id;
    SharedBuffer frame;
  };
  struct CloseRequest {
    ConnectionId id;
    std::uint16_t code;
    std::string reason;
  };

  void run();
  void wake();
  void drainInbox();
  void open(Adoption adoption);
  Connection* find(ConnectionId id) const;
  void onReadable(Connection* c);
  void feed(Connection* c, char* data, std::size_t n);
  bool enqueue(Connection* c, SharedBuffer frame, bool control);
  void flush(Connection* c);
  void setWriteInterest(Connection* c, bool on);
  void startClose(Connection* c, std::uint16_t code, std::string_view reason, ConnState next);
  void slowConsumer(Connection* c);
  void destroy(Connection* c, std::uint16_t code);
  void schedule(Connection* c, std::uint32_t tick);
  void runTimers();
  void evaluate(Connection* c, std::uint32_t tick);
  void updateNow();
  int msUntilNextTick() const;
  void beginDrain();
  std::uint32_t ticks(std::chrono::milliseconds d) const;
  void addQueued(std::int64_t delta);

  // FrameSink for the connection being fed.
  void onMessage(Opcode opcode, std::string_view payload) override;
  void onPing(std::string_view payload) override;
  void onPong(std::string_view payload) override;
  void onClose(std::uint16_t code, std::string_view reason) override;

  RealtimeServer& server_;
  const unsigned index_;
  const RealtimeOptions& options_;
  LoopCounters& counters_;
  int epollFd_ = -1;
  int wakeFd_ = -1;
  std::thread thread_;
  std::thread::id threadId_;

  // Cross-thread inbox; the only lock on the way to a connection.
  std::mutex inboxMutex_;
  std::vector<Outgoing> sends_;
  std::vector<Adoption> adoptions_;
  std::vector<CloseRequest> closes_;
  bool stopRequested_ = false;
  bool wakePending_ = false;
  bool accepting_ = true;

  // Loop-thread state.
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> freeSlots_;
  std::vector<Connection*> dirty_;
  // TLS connections with records already decrypted inside OpenSSL when their read buffer filled:
  // epoll cannot announce those bytes, so the next iteration reads them without waiting.
  std::vector<ConnectionId> tlsBacklog_;
  std::vector<std::unique_ptr<Connection>> graveyard_;
  std::vector<std::vector<TimerEntry>> wheel_;
  std::unique_ptr<char[]> readBuffer_;
  Connection* feeding_ = nullptr;
  std::chrono::steady_clock::time_point epoch_;
  std::uint32_t now_ = 1;
  std::uint32_t lastTimerTick_ = 1;
  std::uint32_t drainDeadline_ = 0;
  std::size_t live_ = 0;
  bool stopping_ = false;
};

}  // namespace callpy::realtime::detail
