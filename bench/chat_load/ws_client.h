#pragma once
// A minimal client-side WebSocket (RFC 6455) on non-blocking sockets and one epoll loop.
//
// Written from the RFC on purpose, sharing nothing with the daemon's codec: a bug in the server's
// framing or handshake must show up here as a failure, not cancel out. It does what the load
// generator needs and no more: the upgrade (with Sec-WebSocket-Accept checked), masked text
// frames out, unfragmented text frames in, pings answered, close frames recorded.
#include <sys/epoll.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace callpy::bench {

enum class Role : std::uint8_t { kVisitor, kOperator };

struct Conn {
  enum class State : std::uint8_t { kConnecting, kUpgrading, kOpen, kClosed };
  int fd = -1;
  std::uint32_t index = 0;
  State state = State::kConnecting;
  Role role = Role::kVisitor;
  bool wantWrite = false;  // EPOLLOUT armed
  bool dirty = false;      // in the loop's flush list
  std::string key;         // Sec-WebSocket-Key sent, to check the accept value
  std::string in;          // unparsed input (kept only between reads)
  std::string out;         // pending output

  // Application state, owned by the phases.
  bool welcomed = false;
  std::int64_t dialog = 0;
  std::uint64_t sent = 0;       // messages sent
  std::uint32_t outstanding = 0;  // messages sent and not yet acknowledged
  std::uint16_t closeCode = 0;  // from the server's close frame (0: none)
  int httpStatus = 0;           // the upgrade's answer
  std::string error;            // why it closed, when it was not a close frame
};

struct Target {
  std::string host;  // dotted IPv4
  int port = 0;
  std::string visitorPath;  // /ws/visitor?key=...
  std::string operatorPath = "/ws/operator";
  std::string cookie;       // for operators
  int sources = 0;          // 127.0.0.2 .. 127.0.0.(1+sources); 0: let the kernel choose
};

class Loop {
 public:
  explicit Loop(Target target);
  ~Loop();
  Loop(const Loop&) = delete;
  Loop& operator=(const Loop&) = delete;

  // Starts a connection; the upgrade follows when the TCP connect completes. Returns nullptr and
  // sets `error` when the socket cannot even be created.
  Conn* open(Role role, std::string* error = nullptr);
  // Queues a masked text frame; the bytes go out at the end of the current poll (or flush()).
  void sendText(Conn& c, std::string_view text);
  void flush();
  void close(Conn& c, std::string_view why);
  // Waits at most timeoutNs for events and handles them. Returns the number of events.
  int poll(std::int64_t timeoutNs);

  std::vector<std::unique_ptr<Conn>>& conns() { return conns_; }
  std::size_t liveCount() const { return live_; }

  // Called when the upgrade is accepted (101 with the right accept value).
  std::function<void(Conn&)> onOpen;
  // One complete text frame.
  std::function<void(Conn&, std::string_view)> onText;
  // The connection is gone (close frame, EOF, error, refused upgrade).
  std::function<void(Conn&)> onClosed;

  // Protocol violations seen from the server (bad framing, masked server frames, fragments...).
  std::uint64_t protocolErrors = 0;
  std::uint64_t pingsAnswered = 0;

 private:
  void handle(Conn& c, std::uint32_t events);
  void onWritable(Conn& c);
  void onReadable(Conn& c);
  bool parseUpgrade(Conn& c);              // false: not complete yet
  std::size_t parseFrames(Conn& c, const char* data, std::size_t size);  // bytes consumed
  void queueFrame(Conn& c, std::uint8_t opcode, std::string_view payload);
  bool flushOne(Conn& c);
  void arm(Conn& c, bool wantWrite);
  void markDirty(Conn& c);
  void fail(Conn& c, std::string why);

  Target target_;
  int epoll_ = -1;
  std::uint64_t rng_;
  std::uint32_t nextSource_ = 0;
  std::size_t live_ = 0;
  std::vector<std::unique_ptr<Conn>> conns_;
  std::vector<Conn*> dirty_;
  std::vector<epoll_event> events_;
  std::string readBuf_;
};

// Base64 of SHA-1(key + RFC 6455 GUID): the value the server must answer with.
std::string expectedAccept(std::string_view key);

}  // namespace callpy::bench
