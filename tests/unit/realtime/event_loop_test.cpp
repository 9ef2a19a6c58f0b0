#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "realtime/realtime_server.h"
#include "ws_test_client.h"

namespace callpy::realtime {
namespace {

using namespace std::chrono_literals;
using testing::clientClose;
using testing::clientFrame;
using testing::clientText;
using testing::RawPeer;

// What handlers saw, shared with the test thread.
struct Journal {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<ConnectionId> opened;
  std::vector<std::string> texts;
  std::vector<std::uint16_t> closes;

  bool waitFor(const std::function<bool()>& ready, std::chrono::milliseconds timeout = 5s) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, timeout, ready);
  }
  template <class F>
  void update(F f) {
    {
      std::lock_guard lock(mutex);
      f();
    }
    changed.notify_all();
  }
};

// Echoes text back; "close:<code>" makes the server close with that code.
class EchoHandler : public ConnectionHandler {
 public:
  explicit EchoHandler(Journal& j) : journal_(j) {}
  void onOpen(ConnectionRef c) override {
    journal_.update([&] { journal_.opened.push_back(c.id()); });
  }
  void onText(ConnectionRef c, std::string_view text) override {
    journal_.update([&] { journal_.texts.emplace_back(text); });
    if (text.rfind("close:", 0) == 0)
      c.close(static_cast<std::uint16_t>(std::stoi(std::string(text.substr(6)))), "asked");
    else
      c.sendText(text);
  }
  void onClose(std::uint16_t code) override {
    journal_.update([&] { journal_.closes.push_back(code); });
  }

 private:
  Journal& journal_;
};

struct Fixture : ::testing::Test {
  Journal journal;
  std::unique_ptr<RealtimeServer> server;

  void startServer(RealtimeOptions options = {}, unsigned loops = 2) {
    server = std::make_unique<RealtimeServer>(options);
    server->start(loops);
  }
  // A connected socket pair: one end adopted by the server, the other returned as the client.
  RawPeer connect(const std::string& address = "192.0.2.1", std::string initial = {}) {
    int sv[2];
    EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
    auto lease = server->leaseAddress(address);
    EXPECT_TRUE(lease);
    EXPECT_TRUE(server->adopt(sv[0], std::move(lease), std::make_unique<EchoHandler>(journal),
                              initial));
    return RawPeer(sv[1]);
  }
  std::size_t openedCount() {
    std::lock_guard lock(journal.mutex);
    return journal.opened.size();
  }
  ~Fixture() override {
    if (server) server->stop();
  }
};

TEST_F(Fixture, EchoesTextSentOneByteAtATime) {
  startServer();
  RawPeer peer = connect();
  peer.sendBytewise(clientText("héllo wörld"));
  auto f = peer.readFrame();
  ASSERT_TRUE(f);
  EXPECT_EQ(f->opcode, 0x1);
  EXPECT_FALSE(f->masked);
  EXPECT_EQ(f->payload, "héllo wörld");
  EXPECT_EQ(server->stats().openConnections, 1u);
  EXPECT_EQ(server->stats().messagesIn, 1u);
}

TEST_F(Fixture, DeliversBytesReadPastTheHandshake) {
  startServer();
  RawPeer peer = connect("192.0.2.1", clientText("early"));
  auto f = peer.readFrame();
  ASSERT_TRUE(f);
  EXPECT_EQ(f->payload, "early");
}

TEST_F(Fixture, FanOutQueuesOneBufferToEveryConnection) {
  startServer({}, 2);
  std::vector<RawPeer> peers;
  for (int i = 0; i < 5; ++i) peers.push_back(connect());
  ASSERT_TRUE(journal.waitFor([&] { return journal.opened.size() == 5; }));
  std::vector<ConnectionId> ids;
  {
    std::lock_guard lock(journal.mutex);
    ids = journal.opened;
  }
  SharedBuffer frame = encodeText(R"({"t":"msg","text":"to all"})");
  server->post(ids, frame);
  for (auto& p : peers) {
    auto f = p.readFrame();
    ASSERT_TRUE(f);
    EXPECT_EQ(f->payload, R"({"t":"msg","text":"to all"})");
  }
  // A stale id is ignored.
  server->post(ids[0] ^ (ConnectionId{1} << 40), frame);
}

TEST_F(Fixture, AnswersPingsWithPongs) {
  startServer();
  RawPeer peer = connect();
  peer.sendRaw(clientFrame(0x9, "are you there"));
  auto f = peer.readFrame();
  ASSERT_TRUE(f);
  EXPECT_EQ(f->opcode, 0xA);
  EXPECT_EQ(f->payload, "are you there");
}

TEST_F(Fixture, PeerInitiatedCloseIsEchoedAndTheSocketClosed) {
  startServer();
  RawPeer peer = connect();
  peer.sendRaw(clientClose(4001, "done"));
  auto f = peer.readFrame();
  ASSERT_TRUE(f);
  EXPECT_EQ(f->opcode, 0x8);
  EXPECT_EQ(f->closeCode(), 4001);
  EXPECT_TRUE(peer.waitEof());
  ASSERT_TRUE(journal.waitFor([&] { return journal.closes.size() == 1; }));
  EXPECT_EQ(journal.closes[0], 4001);
  ASSERT_TRUE(journal.waitFor([&] { return server->stats().openConnections == 0; }));
}

TEST_F(Fixture, ServerInitiatedCloseWaitsForTheReply) {
  startServer();
  RawPeer peer = connect();
  peer.sendRaw(clientText("close:4002"));
  auto f = peer.readFrame();
  ASSERT_TRUE(f);
  EXPECT_EQ(f->opcode, 0x8);
  EXPECT_EQ(f->closeCode(), 4002);
  EXPECT_EQ(f->payload.substr(2), "asked");
  // Still open until the client answers.
  EXPECT_FALSE(peer.waitEof(200ms));
  peer.sendRaw(clientClose(4002));
  EXPECT_TRUE(peer.waitEof());
  ASSERT_TRUE(journal.waitFor([&] { return journal.closes.size() == 1; }));
  EXPECT_EQ(journal.closes[0], 4002);
}

TEST_F(Fixture, CloseHandshakeTimesOut) {
  RealtimeOptions o;
  o.tick = 20ms;
  o.closeTimeout = 200ms;
  startServer(o);
  RawPeer peer = connect();
  ASSERT_TRUE(journal.waitFor([&] { return journal.opened.size() == 1; }));
  const auto start = std::chrono::steady_clock::now();
  server->close(journal.opened[0], close_code::kNormal, "bye");
  auto f = peer.readFrame();
  ASSERT_TRUE(f);
  EXPECT_EQ(f->closeCode(), 1000);
  EXPECT_TRUE(peer.waitEof(3s));  // the client never answers
  EXPECT_GE(std::chrono::steady_clock::now() - start, 150ms);
}

TEST_F(Fixture, ProtocolErrorDuringTheCloseHandshakeEndsItAtOnce) {
  RealtimeOptions o;
  o.closeTimeout = 30s;  // far longer than the wait below
  startServer(o);
  RawPeer peer = connect();
  peer.sendRaw(clientText("close:4003"));
  auto f = peer.readFrame();
  ASSERT_TRUE(f);
  EXPECT_EQ(f->closeCode(), 4003);
  testing::RawFrameOptions unmasked;
  unmasked.masked = false;
  peer.sendRaw(clientFrame(0x1, "garbage", unmasked));
  EXPECT_TRUE(peer.waitEof(3s));
  ASSERT_TRUE(journal.waitFor([&] { return journal.closes.size() == 1; }));
  EXPECT_EQ(journal.closes[0], 4003);
}

TEST_F(Fixture, ProtocolErrorClosesWith1002) {
  startServer();
  RawPeer peer = connect();
  testing::RawFrameOptions unmasked;
  unmasked.masked = false;
  peer.sendRaw(clientFrame(0x1, "not masked", unmasked));
  auto f = peer.readFrame();
  ASSERT_TRUE(f);
  EXPECT_EQ(f->opcode, 0x8);
  EXPECT_EQ(f->closeCode(), 1002);
  EXPECT_TRUE(peer.waitEof());
  ASSERT_TRUE(journal.waitFor([&] { return journal.closes.size() == 1; }));
  EXPECT_EQ(journal.closes[0], 1002);
  EXPECT_EQ(server->stats().protocolErrors, 1u);
  EXPECT_TRUE(journal.texts.empty());
}

TEST_F(Fixture, OversizeMessageClosesWith1009AndInvalidUtf8With1007) {
  RealtimeOptions o;
  o.limits.maxFrame = 1000;
  o.limits.maxMessage = 1000;
  startServer(o);
  RawPeer big = connect();
  big.sendRaw(clientText(std::string(1001, 'a')));
  auto f = big.readFrame();
  ASSERT_TRUE(f);
  EXPECT_EQ(f->closeCode(), 1009);
  RawPeer bad = connect();
  bad.sendRaw(clientText("\xC3\x28"));
  f = bad.readFrame();
  ASSERT_TRUE(f);
  EXPECT_EQ(f->closeCode(), 1007);
}

TEST_F(Fixture, SlowConsumerIsClosedNotBufferedForever) {
  RealtimeOptions o;
  o.writeHighWater = 64 * 1024;
  startServer(o, 1);
  RawPeer peer = connect();  // never reads
  ASSERT_TRUE(journal.waitFor([&] { return journal.opened.size() == 1; }));
  const ConnectionId id = journal.opened[0];
  SharedBuffer chunk = encodeText(std::string(16 * 1024, 'x'));
  std::uint64_t maxQueued = 0;
  for (int i = 0; i < 2000 && server->stats().slowConsumerCloses == 0; ++i) {
    server->post(id, chunk);
    maxQueued = std::max(maxQueued, server->stats().bytesQueued);
  }
  ASSERT_TRUE(journal.waitFor([&] { return journal.closes.size() == 1; }, 10s));
  EXPECT_EQ(journal.closes[0], close_code::kPolicyViolation);
  EXPECT_EQ(server->stats().slowConsumerCloses, 1u);
  EXPECT_LE(maxQueued, o.writeHighWater + chunk->size());
  ASSERT_TRUE(journal.waitFor([&] { return server->stats().bytesQueued == 0; }));
  // What the client finally reads is whole frames, then EOF (the close frame may have been lost
  // with the unread data, but nothing is cut in the middle of a frame).
  bool sawEof = false;
  while (!sawEof) {
    bool eof = false;
    if (!peer.readSome(2s, &eof)) {
      ASSERT_TRUE(eof) << "connection not closed";
      sawEof = true;
    }
  }
  std::string rest = peer.buffered();
  while (auto fr = testing::takeServerFrame(rest)) EXPECT_TRUE(fr->opcode == 0x1 || fr->opcode == 0x8);
  EXPECT_TRUE(rest.empty());
}

TEST_F(Fixture, PingsIdleConnectionsAndDropsSilentOnes) {
  RealtimeOptions o;
  o.tick = 20ms;
  o.pingInterval = 100ms;
  o.pongTimeout = 200ms;
  startServer(o);
  RawPeer alive = connect();
  RawPeer silent = connect();
  // The live client answers every ping for a while and stays connected.
  int pongs = 0;
  const auto until = std::chrono::steady_clock::now() + 700ms;
  while (std::chrono::steady_clock::now() < until) {
    auto f = alive.readFrame(300ms);
    ASSERT_TRUE(f) << "no ping within 300 ms";
    ASSERT_EQ(f->opcode, 0x9);
    alive.sendRaw(clientFrame(0xA, f->payload));
    ++pongs;
  }
  EXPECT_GE(pongs, 3);
  auto ping = silent.readFrame(1s);
  ASSERT_TRUE(ping);
  EXPECT_EQ(ping->opcode, 0x9);
  EXPECT_TRUE(silent.waitEof(2s));
  EXPECT_GE(server->stats().idleTimeouts, 1u);
  EXPECT_EQ(server->stats().openConnections, 1u);
  alive.sendRaw(clientText("still here"));
  auto echo = alive.readFrame();
  while (echo && echo->opcode == 0x9) echo = alive.readFrame();
  ASSERT_TRUE(echo);
  EXPECT_EQ(echo->payload, "still here");
}

TEST_F(Fixture, LimitsConnectionsPerAddressAcrossLoops) {
  RealtimeOptions o;
  o.maxConnectionsPerAddress = 2;
  startServer(o, 2);
  RawPeer a = connect("198.51.100.7");
  RawPeer b = connect("198.51.100.7");
  EXPECT_FALSE(server->leaseAddress("198.51.100.7"));
  EXPECT_TRUE(server->leaseAddress("198.51.100.8"));
  EXPECT_EQ(server->stats().rejectedByAddressLimit, 1u);
  a.sendRaw(clientClose(1000));
  ASSERT_TRUE(a.waitEof());
  ASSERT_TRUE(journal.waitFor([&] { return journal.closes.size() == 1; }));
  EXPECT_TRUE(server->leaseAddress("198.51.100.7"));
}

TEST_F(Fixture, StopSaysGoingAwayToEveryConnection) {
  RealtimeOptions o;
  o.drainTimeout = 2s;
  startServer(o, 2);
  RawPeer a = connect();
  RawPeer b = connect();
  ASSERT_TRUE(journal.waitFor([&] { return journal.opened.size() == 2; }));
  std::thread stopper([&] { server->stop(); });
  for (RawPeer* p : {&a, &b}) {
    auto f = p->readFrame();
    ASSERT_TRUE(f);
    EXPECT_EQ(f->opcode, 0x8);
    EXPECT_EQ(f->closeCode(), 1001);
    p->sendRaw(clientClose(1001));
    EXPECT_TRUE(p->waitEof());
  }
  stopper.join();
  EXPECT_EQ(journal.closes, (std::vector<std::uint16_t>{1001, 1001}));
  int sv[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  EXPECT_FALSE(server->adopt(sv[0], server->leaseAddress("x"), std::make_unique<EchoHandler>(journal)));
  ::close(sv[1]);
}

TEST(ConnectionState, StaysSmall) {
  // Loop-side memory per idle connection; the kernel socket (~4-5 KiB) comes on top.
  std::printf("sizeof(Connection) = %zu bytes\n", RealtimeServer::connectionStateSize());
  EXPECT_LE(RealtimeServer::connectionStateSize(), 192u);
}

}  // namespace
}  // namespace callpy::realtime
