// A leg's send accounting over real legs (callpy_rtp_packets_relayed_total, _dropped_total and
// callpy_rtp_send_failures_total): two client peers built from the daemon's own rtc modules
// (ICE, DTLS client, SRTP; client_peer.h) join a Room on 127.0.0.1. Audio the visitor sends is
// relayed to the operator and counted as relayed; once the operator leg's socket refuses to
// send, the same packets count as send failures, neither relayed nor dropped (dropped means
// refused on input), and so do the leg's own RTCP reports.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "client_peer.h"
#include "rtc/call/leg.h"
#include "rtc/call/room.h"
#include "rtc/dtls/certificate.h"
#include "rtc/dtls/dtls_context.h"

namespace callpy::rtc::call {
namespace {

using namespace std::chrono_literals;
using test::ClientPeer;
using test::eventually;

// What one leg's events said, written on the room thread, read by the test.
struct LegLog {
  std::mutex mutex;
  bool connected = false;
  std::string problem;
  void set(bool up, const std::string& why) {
    std::lock_guard lock(mutex);
    connected = connected || up;
    if (problem.empty()) problem = why;
  }
};

// A room on its media thread with the engine's per-thread counters, and two client peers on
// another thread (as browsers are other processes).
class TwoPartyCall {
 public:
  TwoPartyCall() {
    shared_.dtls = dtls::DtlsContext::create(dtls::Certificate::generateEcdsaP256());
    shared_.ice.interfaceAddresses = {"127.0.0.1"};
    shared_.counters = &counters;
    roomThread.runSync([&] { room_ = std::make_unique<Room>(roomThread, shared_); });
    peerThread.runSync([&] {
      visitor = std::make_unique<ClientPeer>(peerThread, "visitor");
      op = std::make_unique<ClientPeer>(peerThread, "operator");
    });
  }
  ~TwoPartyCall() {
    roomThread.runSync([&] { room_.reset(); });
    peerThread.runSync([&] {
      visitor.reset();
      op.reset();
    });
    roomThread.stop();  // runs the retired legs' deletions while the counters still exist
    peerThread.stop();
  }

  // Offers from `peer` as participant `key` and waits until both ends are connected (SRTP keyed).
  ::testing::AssertionResult join(ClientPeer& peer, const std::string& key) {
    std::string reason;
    bool gathering = false;
    peerThread.runSync([&] { gathering = peer.gather(&reason); });
    if (!gathering) return ::testing::AssertionFailure() << "gather: " << reason;
    if (!eventually([&] { return peer.gathered.load(); }))
      return ::testing::AssertionFailure() << "the peer did not finish gathering";
    std::string offer;
    peerThread.runSync([&] { offer = peer.offer(); });
    auto log = std::make_shared<LegLog>();
    LegEvents events;
    events.answer = [log, target = &peer, thread = &peerThread](const std::string& sdp) {
      thread->post([log, target, sdp] {
        std::string why;
        if (!target->applyAnswer(sdp, &why)) log->set(false, "answer: " + why);
      });
    };
    events.rejected = [log](const std::string& why) { log->set(false, "rejected: " + why); };
    events.state = [log](LegState s, const std::string& why) {
      if (s == LegState::Connected) log->set(true, "");
      if (s == LegState::Failed) log->set(false, "failed: " + why);
    };
    roomThread.runSync([&] { room_->offer(key, offer, events); });
    const bool up = eventually([&] {
      std::lock_guard lock(log->mutex);
      return (log->connected && peer.up.load()) || !log->problem.empty() || peer.failed.load();
    });
    std::lock_guard lock(log->mutex);
    if (!log->problem.empty()) return ::testing::AssertionFailure() << log->problem;
    if (!up || peer.failed.load()) return ::testing::AssertionFailure() << key << " did not connect";
    return ::testing::AssertionSuccess();
  }

  void sendAudio(ClientPeer& peer, std::uint16_t firstSeq, int count) {
    peerThread.runSync([&] {
      for (int i = 0; i < count; ++i) {
        EXPECT_TRUE(peer.sendAudio(static_cast<std::uint16_t>(firstSeq + i)));
      }
    });
  }
  void sendVideo(ClientPeer& peer, std::uint16_t firstSeq, int count) {
    peerThread.runSync([&] {
      for (int i = 0; i < count; ++i) {
        EXPECT_TRUE(peer.sendVideo(static_cast<std::uint16_t>(firstSeq + i)));
      }
    });
  }

  ThreadCounters counters;  // before the threads: retired legs count until the room thread stops
  ice::MediaThread roomThread{"test-room"};
  ice::MediaThread peerThread{"test-peers"};
  std::unique_ptr<ClientPeer> visitor, op;

 private:
  LegShared shared_;
  std::unique_ptr<Room> room_;
};

// The UDP sockets of this process bound to `port` (IPv4).
std::vector<int> udpSocketsOnPort(int port) {
  std::vector<int> fds;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    const int fd = std::stoi(entry.path().filename().string());
    int type = 0;
    socklen_t typeLength = sizeof type;
    if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &typeLength) != 0 || type != SOCK_DGRAM) continue;
    sockaddr_in addr{};
    socklen_t addrLength = sizeof addr;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &addrLength) != 0) continue;
    if (addr.sin_family == AF_INET && ntohs(addr.sin_port) == port) fds.push_back(fd);
  }
  return fds;
}

// The socket of the leg whose browser answered `peer`'s offer stops sending. No seam in the leg:
// the kernel refuses. shutdown(SHUT_WR) on an unconnected UDP socket answers ENOTCONN but still
// marks it send-shut, so every later sendto() fails with EPIPE while receiving goes on: a socket
// that refuses to send, as EAGAIN/ENOBUFS or an unreachable route do, which loopback cannot
// produce on demand. (The oversized datagram ice_leg_test uses cannot pass Leg::forward's size
// check.)
::testing::AssertionResult breakLegSocket(const ClientPeer& peer) {
  const int port = peer.answerPort();
  if (port == 0) return ::testing::AssertionFailure() << "no candidate in the answer";
  const auto fds = udpSocketsOnPort(port);
  if (fds.size() != 1)
    return ::testing::AssertionFailure() << fds.size() << " sockets on the leg's port " << port;
  ::shutdown(fds[0], SHUT_WR);
  return ::testing::AssertionSuccess();
}

TEST(LegSendFailure, RelayedWhenSentAndSendFailureWhenTheSocketRefuses) {
  TwoPartyCall call;
  ASSERT_TRUE(call.join(*call.visitor, "visitor"));
  ASSERT_TRUE(call.join(*call.op, "operator-1"));
  auto& c = call.counters;

  // Healthy: every packet the visitor sends reaches the operator, counted once as relayed.
  constexpr int kPackets = 20;
  call.sendAudio(*call.visitor, 0, kPackets);
  ASSERT_TRUE(eventually([&] { return call.op->receivedAudio.load() >= kPackets; }))
      << "the operator received " << call.op->receivedAudio.load();
  call.roomThread.runSync([] {});
  EXPECT_EQ(c.packetsRelayed.load(), static_cast<std::uint64_t>(kPackets));
  EXPECT_EQ(c.sendFailures.load(), 0u);
  EXPECT_EQ(c.packetsDropped.load(), 0u);

  // The operator leg's socket stops sending.
  ASSERT_TRUE(breakLegSocket(*call.op));

  const auto in0 = c.packetsIn.load();
  const auto relayed0 = c.packetsRelayed.load();
  const auto dropped0 = c.packetsDropped.load();
  const auto failures0 = c.sendFailures.load();
  call.sendAudio(*call.visitor, kPackets, kPackets);
  // Only the visitor's packets come in now (the operator's peer sends nothing but STUN).
  ASSERT_TRUE(eventually([&] { return c.packetsIn.load() >= in0 + kPackets; }));
  call.roomThread.runSync([] {});  // the last of them has been through Leg::forward
  EXPECT_EQ(c.packetsRelayed.load(), relayed0);
  EXPECT_EQ(c.packetsDropped.load(), dropped0) << "a refused send is not an input drop";
  // At least the refused RTP (the leg's RTCP timer may have failed a report meanwhile too).
  EXPECT_GE(c.sendFailures.load() - failures0, static_cast<std::uint64_t>(kPackets));
  call.peerThread.runSync([] {});
  EXPECT_EQ(call.op->receivedAudio.load(), static_cast<std::uint64_t>(kPackets));

  // The leg's own RTCP (receiver/sender reports every second) leaves through the same socket:
  // with no media coming any more, only a report can add a failure.
  const auto afterRtp = c.sendFailures.load();
  EXPECT_TRUE(eventually([&] { return c.sendFailures.load() > afterRtp; }, 5s))
      << "no refused RTCP report counted";
  EXPECT_EQ(c.packetsRelayed.load(), relayed0);
}

TEST(LegSendFailure, RetransmitsWhenSentAndSendFailuresWhenTheSocketRefuses) {
  TwoPartyCall call;
  ASSERT_TRUE(call.join(*call.visitor, "visitor"));
  ASSERT_TRUE(call.join(*call.op, "operator-1"));
  auto& c = call.counters;

  // 17 one-packet frames: the first source keeps its sequence numbers, so 0..16 is what the
  // operator received and what one NACK (PID 0 + a 16-bit mask) asks for again.
  constexpr int kFrames = 17;
  call.sendVideo(*call.visitor, 0, kFrames);
  ASSERT_TRUE(eventually([&] { return call.op->receivedVideo.load() >= kFrames; }))
      << "the operator received " << call.op->receivedVideo.load() << " video packets";
  const std::uint32_t track = call.op->videoSsrc.load();
  std::vector<std::uint16_t> all;
  for (int i = 0; i < kFrames; ++i) all.push_back(static_cast<std::uint16_t>(i));
  auto nack = [&] {
    bool sent = false;
    call.peerThread.runSync([&] { sent = call.op->sendNack(track, all); });
    return sent;
  };

  // Healthy: each NACKed packet is resent from the history, counted as a retransmit.
  ASSERT_TRUE(nack());
  ASSERT_TRUE(eventually([&] { return c.retransmits.load() >= kFrames; }))
      << "retransmits " << c.retransmits.load();
  call.roomThread.runSync([] {});
  EXPECT_EQ(c.retransmits.load(), static_cast<std::uint64_t>(kFrames));
  EXPECT_EQ(c.sendFailures.load(), 0u);

  ASSERT_TRUE(breakLegSocket(*call.op));
  const auto in0 = c.packetsIn.load();
  const auto dropped0 = c.packetsDropped.load();
  const auto failures0 = c.sendFailures.load();
  ASSERT_TRUE(nack());  // the operator's side still sends; the leg still receives
  ASSERT_TRUE(eventually([&] { return c.packetsIn.load() >= in0 + 1; }));
  call.roomThread.runSync([] {});  // the NACK has been answered
  EXPECT_EQ(c.retransmits.load(), static_cast<std::uint64_t>(kFrames));
  EXPECT_EQ(c.packetsDropped.load(), dropped0);
  // The 17 refused resends (and perhaps a report the RTCP timer failed meanwhile).
  EXPECT_GE(c.sendFailures.load() - failures0, static_cast<std::uint64_t>(kFrames));
}

}  // namespace
}  // namespace callpy::rtc::call
