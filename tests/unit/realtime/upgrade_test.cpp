// The hand-off from a real POCO HTTPServer to the realtime loops: after the upgrade no HTTP
// thread is busy, the socket stays open and echoes, and the HTTP server can even stop.
#include "realtime/upgrade.h"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/ServerSocket.h>
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "ws_test_client.h"

namespace callpy::realtime {
namespace {

using namespace std::chrono_literals;
using testing::clientClose;
using testing::clientText;
using testing::RawPeer;

class Echo : public ConnectionHandler {
 public:
  void onText(ConnectionRef c, std::string_view text) override { c.sendText(text); }
};

class UpgradeHandler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit UpgradeHandler(RealtimeServer& rt) : rt_(rt) {}
  void handleRequest(Poco::Net::HTTPServerRequest& req,
                     Poco::Net::HTTPServerResponse& res) override {
    auto allow = [](std::string_view origin, bool has) {
      return !has || origin == "https://shop.example";
    };
    upgradeToWebSocket(req, res, rt_, std::make_unique<Echo>(), allow);
  }

 private:
  RealtimeServer& rt_;
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit Factory(RealtimeServer& rt) : rt_(rt) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new UpgradeHandler(rt_);
  }

 private:
  RealtimeServer& rt_;
};

std::string upgradeRequest(const std::string& extra = {}, const std::string& version = "13") {
  return "GET /ws/visitor HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
         "Connection: keep-alive, Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
         "Sec-WebSocket-Version: " + version + "\r\n" + extra + "\r\n";
}

bool waitUntil(const std::function<bool()>& ready, std::chrono::milliseconds timeout = 5s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!ready()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(5ms);  // polling a counter POCO offers no event for
  }
  return true;
}

struct UpgradeFixture : ::testing::Test {
  RealtimeServer rt;
  std::unique_ptr<Poco::Net::HTTPServer> http;
  unsigned short port = 0;

  explicit UpgradeFixture(RealtimeOptions o = limitedOptions()) : rt(o) {
    rt.start(2);
    auto* params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(2);  // fewer threads than the sockets we will open
    params->setMaxQueued(16);
    params->setKeepAlive(true);
    params->setThreadIdleTime(Poco::Timespan(0, 50'000));  // idle pool threads end after 50 ms
    Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
    port = socket.address().port();
    http = std::make_unique<Poco::Net::HTTPServer>(new Factory(rt), socket, params);
    http->start();
  }
  static RealtimeOptions limitedOptions() {
    RealtimeOptions o;
    o.maxConnectionsPerAddress = 8;
    return o;
  }
  ~UpgradeFixture() override {
    http->stop();
    rt.stop();
  }

  RawPeer upgrade(const std::string& request = upgradeRequest()) {
    RawPeer peer = RawPeer::connectTcp(port);
    peer.sendRaw(request);
    const std::string head = peer.readHttpHead();
    EXPECT_EQ(head.rfind("HTTP/1.1 101 Switching Protocols\r\n", 0), 0u) << head;
    EXPECT_NE(head.find("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"),
              std::string::npos);
    return peer;
  }
};

std::string echo(RawPeer& peer, const std::string& text) {
  peer.sendRaw(clientText(text));
  auto f = peer.readFrame();
  return f ? f->payload : std::string("<no frame>");
}

TEST_F(UpgradeFixture, UpgradedSocketsHoldNoHttpThread) {
  std::vector<RawPeer> peers;
  for (int i = 0; i < 6; ++i) {  // three times the HTTP pool: held threads would starve us
    peers.push_back(upgrade());
    EXPECT_EQ(echo(peers.back(), "hello " + std::to_string(i)), "hello " + std::to_string(i));
  }
  // No HTTP connection is in progress and the pool shrinks back to the one idle thread POCO's
  // dispatcher always keeps waiting on its queue.
  ASSERT_TRUE(waitUntil([&] { return http->currentConnections() == 0; }))
      << "HTTP connections in progress: " << http->currentConnections();
  ASSERT_TRUE(waitUntil([&] { return http->currentThreads() <= 1; }))
      << "HTTP threads: " << http->currentThreads();
  // ...and it still answers HTTP while the WebSockets are open.
  {
    RawPeer plain = RawPeer::connectTcp(port);
    plain.sendRaw(upgradeRequest({}, "8"));
    EXPECT_EQ(plain.readHttpHead().rfind("HTTP/1.1 426", 0), 0u);
  }
  EXPECT_EQ(rt.stats().openConnections, 6u);
  for (auto& p : peers) EXPECT_EQ(echo(p, "still open"), "still open");
  // Stopping the HTTP server does not touch sockets it handed over.
  http->stop();
  EXPECT_EQ(echo(peers[0], "after http stop"), "after http stop");
  peers[0].sendRaw(clientClose(1000));
  auto f = peers[0].readFrame();
  ASSERT_TRUE(f);
  EXPECT_EQ(f->closeCode(), 1000);
  EXPECT_TRUE(peers[0].waitEof());
}

TEST_F(UpgradeFixture, FrameSentWithTheRequestIsNotLost) {
  RawPeer peer = upgrade(upgradeRequest() + clientText("pipelined"));
  auto f = peer.readFrame();
  ASSERT_TRUE(f);
  EXPECT_EQ(f->payload, "pipelined");
}

TEST_F(UpgradeFixture, BadHandshakesGetHttpErrors) {
  {
    RawPeer peer = RawPeer::connectTcp(port);
    peer.sendRaw(upgradeRequest({}, "8"));
    const std::string head = peer.readHttpHead();
    EXPECT_EQ(head.rfind("HTTP/1.1 426", 0), 0u) << head;
    EXPECT_NE(head.find("Sec-WebSocket-Version: 13"), std::string::npos);
  }
  {
    RawPeer peer = RawPeer::connectTcp(port);
    peer.sendRaw(upgradeRequest("Origin: https://evil.example\r\n"));
    EXPECT_EQ(peer.readHttpHead().rfind("HTTP/1.1 403", 0), 0u);
  }
  RawPeer allowed = upgrade(upgradeRequest("Origin: https://shop.example\r\n"));
  EXPECT_EQ(echo(allowed, "ok"), "ok");
  EXPECT_EQ(rt.stats().openConnections, 1u);
}

TEST_F(UpgradeFixture, PerAddressLimitAnswers503) {
  std::vector<RawPeer> peers;
  for (int i = 0; i < 8; ++i) peers.push_back(upgrade());
  RawPeer extra = RawPeer::connectTcp(port);
  extra.sendRaw(upgradeRequest());
  const std::string head = extra.readHttpHead();
  EXPECT_EQ(head.rfind("HTTP/1.1 503", 0), 0u) << head;
  EXPECT_EQ(rt.stats().rejectedByAddressLimit, 1u);
}

}  // namespace
}  // namespace callpy::realtime
