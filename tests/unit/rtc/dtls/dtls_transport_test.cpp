// Two real DtlsTransports (OpenSSL) talking through an in-memory wire.
#include "rtc/dtls/dtls_transport.h"

#include <gtest/gtest.h>

#include <deque>
#include <random>
#include <thread>
#include <vector>

#include "rtc/srtp/srtp_session.h"

namespace callpy::rtc::dtls {
namespace {

using namespace std::chrono_literals;
using Datagram = std::vector<std::uint8_t>;

std::shared_ptr<const DtlsContext> sharedContext() {
  static const auto context = DtlsContext::create(Certificate::generateEcdsaP256());
  return context;
}
std::shared_ptr<const DtlsContext> otherContext() {
  static const auto context = DtlsContext::create(Certificate::generateEcdsaP256());
  return context;
}

// What one transport reported.
struct Observed {
  std::optional<srtp::SrtpKeys> keys;
  std::optional<std::string> failure;
  int connectedCalls = 0;
  int closedCalls = 0;
  std::vector<Datagram> sent;
};

// The two ends and the queues between them. Datagrams are queued, never delivered from inside
// a send callback (the transport must not be re-entered).
class Wire {
 public:
  Wire(DtlsConfig clientConfig = {}, DtlsConfig serverConfig = {},
       std::optional<std::string> clientExpects = std::nullopt,
       std::optional<std::string> serverExpects = std::nullopt,
       std::shared_ptr<const DtlsContext> clientContext = otherContext()) {
    client = std::make_unique<DtlsTransport>(
        clientContext, Role::Client,
        clientExpects.value_or(sharedContext()->fingerprintSha256()), callbacks(clientSide, toServer),
        std::move(clientConfig));
    server = std::make_unique<DtlsTransport>(
        sharedContext(), Role::Server,
        serverExpects.value_or(clientContext->fingerprintSha256()), callbacks(serverSide, toClient),
        std::move(serverConfig));
  }

  // Delivers queued datagrams until both queues are empty; drop filters see every datagram.
  void pump() {
    for (int guard = 0; guard < 1000 && (!toServer.empty() || !toClient.empty()); ++guard) {
      if (!toServer.empty()) {
        Datagram d = std::move(toServer.front());
        toServer.pop_front();
        if (!(dropToServer && dropToServer(d))) server->handleDatagram(d.data(), d.size());
      }
      if (!toClient.empty()) {
        Datagram d = std::move(toClient.front());
        toClient.pop_front();
        if (!(dropToClient && dropToClient(d))) client->handleDatagram(d.data(), d.size());
      }
    }
  }

  // Runs both transports' timers on real time until done() or a 5 s test deadline.
  template <typename Done>
  bool runTimersUntil(Done done) {
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (!done()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      auto wait = 50ms;
      for (auto* t : {client.get(), server.get()}) {
        if (auto next = t->nextTimeout()) wait = std::min(wait, *next);
      }
      std::this_thread::sleep_for(wait);
      client->handleTimeout();
      server->handleTimeout();
      pump();
    }
    return true;
  }

  bool bothConnected() const {
    return client->state() == DtlsState::Connected && server->state() == DtlsState::Connected;
  }

  Observed clientSide;
  Observed serverSide;
  std::deque<Datagram> toServer;
  std::deque<Datagram> toClient;
  std::function<bool(const Datagram&)> dropToServer;
  std::function<bool(const Datagram&)> dropToClient;
  std::unique_ptr<DtlsTransport> client;
  std::unique_ptr<DtlsTransport> server;

 private:
  static DtlsCallbacks callbacks(Observed& seen, std::deque<Datagram>& out) {
    DtlsCallbacks c;
    c.send = [&seen, &out](const std::uint8_t* data, std::size_t size) {
      seen.sent.emplace_back(data, data + size);
      out.emplace_back(data, data + size);
    };
    c.connected = [&seen](const srtp::SrtpKeys& keys) {
      seen.keys = keys;
      ++seen.connectedCalls;
    };
    c.failed = [&seen](const std::string& reason) { seen.failure = reason; };
    c.closed = [&seen] { ++seen.closedCalls; };
    return c;
  }
};

bool allZero(const std::uint8_t* data, std::size_t n) {
  return std::all_of(data, data + n, [](std::uint8_t b) { return b == 0; });
}

TEST(DtlsTransportTest, HandshakeAgreesOnAes256GcmAndMirroredKeys) {
  Wire wire;
  wire.server->start();
  EXPECT_TRUE(wire.toClient.empty()) << "the server waits for the ClientHello";
  wire.client->start();
  EXPECT_EQ(wire.toServer.size(), 1u) << "ClientHello";
  wire.pump();

  ASSERT_TRUE(wire.bothConnected()) << wire.clientSide.failure.value_or("") << " / "
                                    << wire.serverSide.failure.value_or("");
  EXPECT_EQ(wire.clientSide.connectedCalls, 1);
  EXPECT_EQ(wire.serverSide.connectedCalls, 1);
  ASSERT_TRUE(wire.clientSide.keys && wire.serverSide.keys);
  const srtp::SrtpKeys& keys = *wire.serverSide.keys;
  EXPECT_EQ(keys.profile, srtp::SrtpProfile::AeadAes256Gcm);
  EXPECT_EQ(*wire.clientSide.keys, keys);
  EXPECT_EQ(wire.server->keys(), keys);
  EXPECT_NE(keys.clientKey, keys.serverKey);
  EXPECT_FALSE(allZero(keys.clientKey.data(), 32));
  EXPECT_FALSE(allZero(keys.serverSalt.data(), 12));
  EXPECT_TRUE(allZero(keys.clientSalt.data() + 12, 2)) << "GCM salt is 12 bytes";
}

TEST(DtlsTransportTest, EachDatagramIsWholeRecordsWithinTheMtu) {
  DtlsConfig small;
  small.mtu = 600;  // forces the certificate flight into several datagrams
  Wire wire(small, small);
  wire.client->start();
  wire.pump();
  ASSERT_TRUE(wire.bothConnected());
  for (const Observed* side : {&wire.clientSide, &wire.serverSide}) {
    ASSERT_FALSE(side->sent.empty());
    for (const Datagram& d : side->sent) {
      EXPECT_LE(d.size(), 600u);
      // Walk the DTLS record headers (13 bytes: type, version, epoch+seq, length).
      std::size_t offset = 0;
      while (offset + 13 <= d.size()) {
        EXPECT_GE(d[offset], 20);
        EXPECT_LE(d[offset], 25);
        EXPECT_EQ(d[offset + 1], 0xFE) << "DTLS version major";
        offset += 13 + (static_cast<std::size_t>(d[offset + 11]) << 8 | d[offset + 12]);
      }
      EXPECT_EQ(offset, d.size()) << "datagram ends on a record boundary";
    }
  }
}

TEST(DtlsTransportTest, KeysDriveWorkingSrtpSessions) {
  Wire wire;
  wire.client->start();
  wire.pump();
  ASSERT_TRUE(wire.bothConnected());
  srtp::SrtpSession daemon(*wire.serverSide.keys, true);
  srtp::SrtpSession browser(*wire.clientSide.keys, false);
  std::vector<std::uint8_t> packet(200 + srtp::kMaxTrailerLength, 0x5A);
  packet[0] = 0x80;
  packet[1] = 111;
  std::size_t len = 200;
  ASSERT_EQ(browser.protectRtp(packet.data(), len, packet.size()), srtp::SrtpStatus::Ok);
  ASSERT_EQ(daemon.unprotectRtp(packet.data(), len), srtp::SrtpStatus::Ok);
  EXPECT_EQ(len, 200u);
  ASSERT_EQ(daemon.protectRtp(packet.data(), len, packet.size()), srtp::SrtpStatus::Ok);
  EXPECT_EQ(browser.unprotectRtp(packet.data(), len), srtp::SrtpStatus::Ok);
}

TEST(DtlsTransportTest, ClientOfferingOnlyCmSha1GetsIt) {
  DtlsConfig client;
  client.srtpProfiles = {srtp::SrtpProfile::Aes128CmHmacSha1_80};
  Wire wire(client);
  wire.client->start();
  wire.pump();
  ASSERT_TRUE(wire.bothConnected());
  EXPECT_EQ(wire.serverSide.keys->profile, srtp::SrtpProfile::Aes128CmHmacSha1_80);
  EXPECT_EQ(*wire.clientSide.keys, *wire.serverSide.keys);
  EXPECT_FALSE(allZero(wire.serverSide.keys->clientSalt.data(), 14));
}

TEST(DtlsTransportTest, ServerPreferenceWinsOverClientOrder) {
  DtlsConfig client;
  client.srtpProfiles = {srtp::SrtpProfile::Aes128CmHmacSha1_80, srtp::SrtpProfile::AeadAes128Gcm};
  Wire wire(client);
  wire.client->start();
  wire.pump();
  ASSERT_TRUE(wire.bothConnected());
  EXPECT_EQ(wire.serverSide.keys->profile, srtp::SrtpProfile::AeadAes128Gcm);
}

TEST(DtlsTransportTest, NoCommonSrtpProfileFails) {
  DtlsConfig client;
  client.srtpProfiles = {srtp::SrtpProfile::AeadAes128Gcm};
  DtlsConfig server;
  server.srtpProfiles = {srtp::SrtpProfile::Aes128CmHmacSha1_80};
  Wire wire(client, server);
  wire.client->start();
  wire.pump();
  EXPECT_FALSE(wire.client->state() == DtlsState::Connected);
  EXPECT_TRUE(wire.clientSide.failure.has_value() || wire.serverSide.failure.has_value());
  EXPECT_EQ(wire.clientSide.connectedCalls + wire.serverSide.connectedCalls, 0);
}

TEST(DtlsTransportTest, FingerprintIsComparedCaseInsensitively) {
  std::string lower = otherContext()->fingerprintSha256();
  std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
  Wire wire({}, {}, std::nullopt, lower);
  wire.client->start();
  wire.pump();
  EXPECT_TRUE(wire.bothConnected());
}

TEST(DtlsTransportTest, ServerSeeingTheWrongClientCertificateFailsBothSides) {
  // The server expects its own fingerprint, not the client's.
  Wire wire({}, {}, std::nullopt, sharedContext()->fingerprintSha256());
  wire.client->start();
  wire.pump();
  EXPECT_EQ(wire.server->state(), DtlsState::Failed);
  EXPECT_EQ(wire.serverSide.failure, "fingerprint mismatch");
  EXPECT_EQ(wire.client->state(), DtlsState::Failed) << "the alert reaches the client";
  ASSERT_TRUE(wire.clientSide.failure.has_value());
  EXPECT_NE(wire.clientSide.failure->find("alert"), std::string::npos) << *wire.clientSide.failure;
  EXPECT_EQ(wire.clientSide.connectedCalls + wire.serverSide.connectedCalls, 0);
}

TEST(DtlsTransportTest, ClientSeeingTheWrongServerCertificateFailsBothSides) {
  Wire wire({}, {}, otherContext()->fingerprintSha256());
  wire.client->start();
  wire.pump();
  EXPECT_EQ(wire.client->state(), DtlsState::Failed);
  EXPECT_EQ(wire.clientSide.failure, "fingerprint mismatch");
  EXPECT_EQ(wire.server->state(), DtlsState::Failed);
  EXPECT_EQ(wire.clientSide.connectedCalls + wire.serverSide.connectedCalls, 0);
}

TEST(DtlsTransportTest, LostClientHelloIsRetransmitted) {
  DtlsConfig fast;
  fast.initialRetransmit = 20ms;
  Wire wire(fast, fast);
  int dropped = 0;
  wire.dropToServer = [&](const Datagram&) { return dropped++ == 0; };
  wire.client->start();
  wire.pump();
  EXPECT_EQ(wire.server->state(), DtlsState::New) << "nothing arrived";
  ASSERT_TRUE(wire.client->nextTimeout().has_value());
  EXPECT_LE(*wire.client->nextTimeout(), 20ms);
  ASSERT_TRUE(wire.runTimersUntil([&] { return wire.bothConnected(); }));
  EXPECT_EQ(*wire.clientSide.keys, *wire.serverSide.keys);
  EXPECT_EQ(dropped, static_cast<int>(wire.clientSide.sent.size()));
}

TEST(DtlsTransportTest, LostServerFlightIsRecovered) {
  DtlsConfig fast;
  fast.initialRetransmit = 20ms;
  Wire wire(fast, fast);
  // Everything the server sends in answer to the first ClientHello is lost.
  bool dropping = true;
  wire.dropToClient = [&](const Datagram&) { return dropping; };
  wire.client->start();
  wire.pump();
  const std::size_t firstFlight = wire.serverSide.sent.size();
  ASSERT_GE(firstFlight, 1u);
  ASSERT_EQ(wire.client->state(), DtlsState::Connecting);
  dropping = false;
  ASSERT_TRUE(wire.runTimersUntil([&] { return wire.bothConnected(); }));
  EXPECT_GT(wire.serverSide.sent.size(), firstFlight) << "the flight was sent again";
}

TEST(DtlsTransportTest, LostFinalServerFlightIsAnsweredAgain) {
  DtlsConfig fast;
  fast.initialRetransmit = 20ms;
  Wire wire(fast, fast);
  // Drop what the server sends once it is connected (its ChangeCipherSpec + Finished).
  wire.dropToClient = [&](const Datagram&) {
    return wire.server->state() == DtlsState::Connected && wire.clientSide.sent.size() < 8;
  };
  wire.client->start();
  wire.pump();
  ASSERT_EQ(wire.server->state(), DtlsState::Connected);
  ASSERT_EQ(wire.client->state(), DtlsState::Connecting);
  wire.dropToClient = nullptr;
  ASSERT_TRUE(wire.runTimersUntil([&] { return wire.bothConnected(); }));
  EXPECT_EQ(*wire.clientSide.keys, *wire.serverSide.keys);
  EXPECT_EQ(wire.serverSide.connectedCalls, 1);
}

TEST(DtlsTransportTest, GarbageDatagramsNeitherCrashNorConnect) {
  std::mt19937 rng(1234);
  Wire wire;
  std::vector<std::uint8_t> junk;
  for (int i = 0; i < 500; ++i) {
    junk.resize(rng() % 300);
    for (auto& b : junk) b = static_cast<std::uint8_t>(rng());
    if (!junk.empty()) junk[0] = static_cast<std::uint8_t>(20 + rng() % 44);  // looks like DTLS
    if (junk.size() > 2 && i % 2 == 0) {
      junk[1] = 0xFE;  // and half of them carry a plausible version
      junk[2] = 0xFD;
    }
    wire.server->handleDatagram(junk.data(), junk.size());
    wire.client->handleDatagram(junk.data(), junk.size());
  }
  wire.server->handleDatagram(nullptr, 0);
  EXPECT_NE(wire.server->state(), DtlsState::Connected);
  EXPECT_NE(wire.client->state(), DtlsState::Connected);
  EXPECT_EQ(wire.serverSide.connectedCalls + wire.clientSide.connectedCalls, 0);
}

TEST(DtlsTransportTest, GarbageDuringTheHandshakeIsIgnored) {
  Wire wire;
  wire.client->start();
  // Random bytes after each real datagram, with a wrong version: dropped by the record layer.
  std::mt19937 rng(99);
  for (int round = 0; round < 20 && !wire.bothConnected(); ++round) {
    std::vector<std::uint8_t> junk(100);
    for (auto& b : junk) b = static_cast<std::uint8_t>(rng());
    junk[0] = 22;
    junk[1] = 0x03;
    wire.server->handleDatagram(junk.data(), junk.size());
    wire.client->handleDatagram(junk.data(), junk.size());
    wire.pump();
  }
  EXPECT_TRUE(wire.bothConnected()) << wire.serverSide.failure.value_or("") << " / "
                                    << wire.clientSide.failure.value_or("");
}

TEST(DtlsTransportTest, HandshakeDeadlineFails) {
  auto fakeNow = std::chrono::steady_clock::now();
  DtlsConfig config;
  config.clock = [&fakeNow] { return fakeNow; };
  std::optional<std::string> failure;
  int sends = 0;
  DtlsCallbacks callbacks;
  callbacks.send = [&](const std::uint8_t*, std::size_t) { ++sends; };  // into the void
  callbacks.failed = [&](const std::string& reason) { failure = reason; };
  DtlsTransport client(sharedContext(), Role::Client, otherContext()->fingerprintSha256(),
                       callbacks, config);
  client.start();
  EXPECT_EQ(sends, 1);
  ASSERT_TRUE(client.nextTimeout().has_value());
  EXPECT_LE(*client.nextTimeout(), 10000ms);

  fakeNow += 9999ms;
  client.handleTimeout();
  EXPECT_EQ(client.state(), DtlsState::Connecting);
  EXPECT_LE(*client.nextTimeout(), 1ms);
  fakeNow += 1ms;
  client.handleTimeout();
  EXPECT_EQ(client.state(), DtlsState::Failed);
  EXPECT_EQ(failure, "DTLS handshake timed out");
  EXPECT_FALSE(client.nextTimeout().has_value());
}

TEST(DtlsTransportTest, ServerDeadlineStartsWithTheFirstDatagram) {
  auto fakeNow = std::chrono::steady_clock::now();
  DtlsConfig config;
  config.clock = [&fakeNow] { return fakeNow; };
  config.handshakeTimeout = 2000ms;
  Wire wire({}, config);
  wire.server->start();
  EXPECT_FALSE(wire.server->nextTimeout().has_value());
  fakeNow += 60s;  // ICE took a minute: no deadline yet
  wire.server->handleTimeout();
  EXPECT_EQ(wire.server->state(), DtlsState::Connecting);

  wire.dropToClient = [](const Datagram&) { return true; };  // the client never answers
  wire.client->start();
  wire.pump();
  ASSERT_TRUE(wire.server->nextTimeout().has_value());
  EXPECT_LE(*wire.server->nextTimeout(), 2000ms);
  fakeNow += 2000ms;
  wire.server->handleTimeout();
  EXPECT_EQ(wire.server->state(), DtlsState::Failed);
  EXPECT_EQ(wire.serverSide.failure, "DTLS handshake timed out");
}

TEST(DtlsTransportTest, CloseNotifyClosesThePeer) {
  Wire wire;
  wire.client->start();
  wire.pump();
  ASSERT_TRUE(wire.bothConnected());
  const std::size_t before = wire.clientSide.sent.size();
  wire.client->close();
  EXPECT_EQ(wire.client->state(), DtlsState::Closed);
  EXPECT_EQ(wire.clientSide.sent.size(), before + 1) << "close_notify";
  wire.pump();
  EXPECT_EQ(wire.server->state(), DtlsState::Closed);
  EXPECT_EQ(wire.serverSide.closedCalls, 1);
  EXPECT_EQ(wire.clientSide.closedCalls, 0) << "close() itself reports nothing";
  EXPECT_FALSE(wire.serverSide.failure.has_value());

  // After close nothing is processed or sent.
  const std::size_t serverSent = wire.serverSide.sent.size();
  const Datagram replay = wire.clientSide.sent.front();
  wire.server->handleDatagram(replay.data(), replay.size());
  wire.server->handleTimeout();
  EXPECT_EQ(wire.serverSide.sent.size(), serverSent);
  EXPECT_FALSE(wire.server->nextTimeout().has_value());
}

TEST(DtlsTransportTest, TransportMayBeDestroyedFromItsCallback) {
  Wire wire;
  wire.server.reset();
  std::unique_ptr<DtlsTransport> server;
  DtlsCallbacks callbacks;
  callbacks.send = [&](const std::uint8_t* d, std::size_t n) { wire.toClient.emplace_back(d, d + n); };
  bool connected = false;
  callbacks.connected = [&](const srtp::SrtpKeys& keys) {
    connected = keys.profile == srtp::SrtpProfile::AeadAes256Gcm;
    server.reset();  // the call layer tears the leg down from here
  };
  server = std::make_unique<DtlsTransport>(sharedContext(), Role::Server,
                                           otherContext()->fingerprintSha256(), callbacks);
  wire.client->start();
  for (int i = 0; i < 20 && server && !wire.toServer.empty(); ++i) {
    Datagram d = std::move(wire.toServer.front());
    wire.toServer.pop_front();
    server->handleDatagram(d.data(), d.size());
    while (!wire.toClient.empty()) {
      Datagram back = std::move(wire.toClient.front());
      wire.toClient.pop_front();
      wire.client->handleDatagram(back.data(), back.size());
    }
  }
  EXPECT_TRUE(connected);
  EXPECT_EQ(server, nullptr);
}

}  // namespace
}  // namespace callpy::rtc::dtls
