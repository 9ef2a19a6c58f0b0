// IceLeg against real libnice on 127.0.0.1: two legs connect through trickled candidates and
// carry datagrams; config (port range, public IP) shows in the candidates; bad input is refused;
// the ICE timeout fires; close() frees the ports; consent loss fails the leg.
#include "rtc/ice/ice_leg.h"

#include <gtest/gtest.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <sys/socket.h>

#include <chrono>
#include <set>
#include <stdexcept>

#include "ice_test_support.h"
#include "rtc/ice/socket_poller.h"

namespace callpy::rtc::ice {
namespace {

using namespace std::chrono_literals;
using test::candidatePorts;
using test::Events;
using test::LegHarness;
using test::loopbackConfig;
using test::udpPortFree;

// A port range unlikely to collide with anything else on the box (and different per test binary
// run only by chance: each test checks the range is free first).
int freeRange(int count) {
  for (int base = 47000; base < 60000; base += 97) {
    bool free = true;
    for (int p = base; p < base + count && free; ++p) free = udpPortFree(p);
    if (free) return base;
  }
  return 0;
}

TEST(IceLeg, HasLocalCredentialsBeforeGathering) {
  MediaThread thread;
  LegHarness leg(thread, loopbackConfig(false));
  leg.on([](IceLeg& l) {
    EXPECT_GE(l.localUfrag().size(), 4u);
    EXPECT_GE(l.localPwd().size(), 22u);
    EXPECT_EQ(l.state(), IceState::New);
  });
}

TEST(IceLeg, GathersLoopbackHostCandidateAsSdpAttributeValue) {
  MediaThread thread;
  LegHarness leg(thread, loopbackConfig(false));
  leg.on([](IceLeg& l) { EXPECT_TRUE(l.gather()); });
  ASSERT_TRUE(leg.events().waitFor([](Events& e) { return e.gatheringDone; }, 5s));
  std::lock_guard lock(leg.events().mutex);
  ASSERT_EQ(leg.events().candidates.size(), 1u);
  const auto& line = leg.events().candidates[0];
  EXPECT_EQ(line.rfind("candidate:", 0), 0u) << line;
  EXPECT_NE(line.find(" 1 UDP "), std::string::npos) << line;
  EXPECT_NE(line.find(" 127.0.0.1 "), std::string::npos) << line;
  EXPECT_NE(line.find(" typ host"), std::string::npos) << line;
  EXPECT_EQ(line.find('\r'), std::string::npos);
  EXPECT_EQ(line.find('\n'), std::string::npos);
}

void expectConnectedAndCarryingData(LegHarness& a, LegHarness& b) {
  for (auto* h : {&a, &b}) {
    ASSERT_TRUE(h->events().waitFor([](Events& e) { return e.hasState(IceState::Connected); }, 10s));
  }
  for (auto* h : {&a, &b}) {
    std::lock_guard lock(h->events().mutex);
    const auto& states = h->events().states;
    ASSERT_FALSE(states.empty());
    EXPECT_EQ(states.back().first, IceState::Connected);
    // Reported once, with the pair for the logs.
    int connected = 0;
    for (const auto& s : states) connected += s.first == IceState::Connected;
    EXPECT_EQ(connected, 1);
    EXPECT_NE(states.back().second.find("local 127.0.0.1:"), std::string::npos) << states.back().second;
    EXPECT_NE(states.back().second.find("remote 127.0.0.1:"), std::string::npos);
  }
  const std::vector<std::uint8_t> ping = {0x80, 0x60, 0x00, 0x01, 0xde, 0xad, 0xbe, 0xef, 0x00, 0xff};
  const std::vector<std::uint8_t> pong = {0x90, 0xc8, 0x00, 0x06, 0x01, 0x02, 0x03};
  a.on([&](IceLeg& leg) { EXPECT_TRUE(leg.send(ping.data(), ping.size())); });
  ASSERT_TRUE(b.events().waitFor([](Events& e) { return !e.packets.empty(); }, 5s));
  b.on([&](IceLeg& leg) { EXPECT_TRUE(leg.send(pong.data(), pong.size())); });
  ASSERT_TRUE(a.events().waitFor([](Events& e) { return !e.packets.empty(); }, 5s));
  {
    std::scoped_lock lock(a.events().mutex, b.events().mutex);
    EXPECT_EQ(b.events().packets.front(), ping);
    EXPECT_EQ(a.events().packets.front(), pong);
  }
  // Host pairs: send() is a sendto() on the selected pair's socket, not libnice's send path.
  // A burst through it arrives complete and in order (loopback does not drop or reorder).
  a.on([&](IceLeg& leg) {
    EXPECT_TRUE(leg.sendsDirectly());
    for (int i = 0; i < 200; ++i) {
      std::vector<std::uint8_t> packet = ping;
      packet[2] = static_cast<std::uint8_t>(i >> 8);
      packet[3] = static_cast<std::uint8_t>(i);
      EXPECT_TRUE(leg.send(packet.data(), packet.size()));
    }
  });
  b.on([&](IceLeg& leg) { EXPECT_TRUE(leg.sendsDirectly()); });
  // Received through the thread's epoll set: one socket per leg (one address), no GSource each.
  for (auto* h : {&a, &b}) h->on([](IceLeg& leg) { EXPECT_EQ(leg.watchedSockets(), 1u); });
  ASSERT_TRUE(b.events().waitFor([](Events& e) { return e.packets.size() >= 201; }, 5s));
  std::lock_guard lock(b.events().mutex);
  for (int i = 0; i < 200; ++i) EXPECT_EQ(b.events().packets[1 + i][3], static_cast<std::uint8_t>(i));
}

TEST(IceLeg, TwoLegsOnTwoThreadsConnectAndExchangeDatagrams) {
  MediaThread threadA;
  MediaThread threadB;
  LegHarness a(threadA, loopbackConfig(true));
  LegHarness b(threadB, loopbackConfig(false));
  test::connectLegs(a, b);
  expectConnectedAndCarryingData(a, b);
}

TEST(IceLeg, TwoLegsOnOneThreadConnect) {
  MediaThread thread;
  LegHarness a(thread, loopbackConfig(false));  // controlled first: order must not matter
  LegHarness b(thread, loopbackConfig(true));
  test::connectLegs(a, b);
  expectConnectedAndCarryingData(a, b);
}

TEST(IceLeg, StunLookingDatagramsAreNotDeliveredAsPackets) {
  MediaThread thread;
  LegHarness a(thread, loopbackConfig(true));
  LegHarness b(thread, loopbackConfig(false));
  test::connectLegs(a, b);
  ASSERT_TRUE(b.events().waitFor([](Events& e) { return e.hasState(IceState::Connected); }, 10s));
  ASSERT_TRUE(a.events().waitFor([](Events& e) { return e.hasState(IceState::Connected); }, 10s));
  // First byte 0x01 is in the STUN range (RFC 7983) but not a valid STUN message; then a DTLS
  // record (first byte 22) that must arrive.
  const std::uint8_t junk[] = {0x01, 0x01, 0x00, 0x00, 0x11};
  const std::uint8_t dtls[] = {22, 0xfe, 0xfd, 0, 0};
  a.on([&](IceLeg& leg) {
    leg.send(junk, sizeof junk);
    EXPECT_TRUE(leg.send(dtls, sizeof dtls));
  });
  ASSERT_TRUE(b.events().waitFor([](Events& e) { return !e.packets.empty(); }, 5s));
  b.on([](IceLeg&) {});  // anything queued before this has been delivered
  std::lock_guard lock(b.events().mutex);
  ASSERT_EQ(b.events().packets.size(), 1u);
  EXPECT_EQ(b.events().packets[0].front(), 22);
}

TEST(IceLeg, PortRangeIsRespected) {
  const int base = freeRange(3);
  ASSERT_NE(base, 0);
  MediaThread thread;
  auto config = loopbackConfig(false);
  config.portMin = static_cast<std::uint16_t>(base);
  config.portMax = static_cast<std::uint16_t>(base + 2);
  std::vector<std::unique_ptr<LegHarness>> legs;
  std::set<int> ports;
  for (int i = 0; i < 3; ++i) {
    legs.push_back(std::make_unique<LegHarness>(thread, config));
    legs.back()->on([](IceLeg& l) { EXPECT_TRUE(l.gather()); });
    ASSERT_TRUE(legs.back()->events().waitFor([](Events& e) { return e.gatheringDone; }, 5s));
    std::lock_guard lock(legs.back()->events().mutex);
    for (int p : candidatePorts(legs.back()->events().candidates)) {
      EXPECT_GE(p, base);
      EXPECT_LE(p, base + 2);
      ports.insert(p);
    }
  }
  EXPECT_EQ(ports.size(), 3u);  // three legs, three distinct ports of the range
  // The range is exhausted now: a fourth leg cannot open a socket.
  LegHarness fourth(thread, config);
  bool gathered = true;
  std::string reason;
  fourth.on([&](IceLeg& l) { gathered = l.gather(&reason); });
  EXPECT_FALSE(gathered);
  EXPECT_FALSE(reason.empty());
}

TEST(IceLeg, WithoutConfiguredAddressesLoopbackIsSkippedUnlessAlone) {
  bool hasOtherAddress = false;
  ifaddrs* list = nullptr;
  ASSERT_EQ(getifaddrs(&list), 0);
  for (ifaddrs* i = list; i != nullptr; i = i->ifa_next)
    if (i->ifa_addr != nullptr && (i->ifa_flags & IFF_UP) && !(i->ifa_flags & IFF_LOOPBACK) &&
        (i->ifa_addr->sa_family == AF_INET || i->ifa_addr->sa_family == AF_INET6))
      hasOtherAddress = true;
  freeifaddrs(list);
  MediaThread thread;
  LegHarness leg(thread, IceConfig{});
  leg.on([](IceLeg& l) { EXPECT_TRUE(l.gather()); });
  ASSERT_TRUE(leg.events().waitFor([](Events& e) { return e.gatheringDone; }, 5s));
  std::lock_guard lock(leg.events().mutex);
  ASSERT_FALSE(leg.events().candidates.empty());
  bool loopback = false;
  for (const auto& line : leg.events().candidates)
    loopback = loopback || line.find(" 127.0.0.1 ") != std::string::npos ||
               line.find(" ::1 ") != std::string::npos;
  EXPECT_EQ(loopback, !hasOtherAddress);
}

TEST(IceLeg, PublicIpReplacesTheHostAddressInCandidates) {
  MediaThread thread;
  auto config = loopbackConfig(false);
  config.publicIp = "203.0.113.7";
  LegHarness leg(thread, config);
  leg.on([](IceLeg& l) { l.gather(); });
  ASSERT_TRUE(leg.events().waitFor([](Events& e) { return e.gatheringDone; }, 5s));
  std::lock_guard lock(leg.events().mutex);
  ASSERT_EQ(leg.events().candidates.size(), 1u);
  const auto& line = leg.events().candidates[0];
  EXPECT_NE(line.find(" 203.0.113.7 "), std::string::npos) << line;
  EXPECT_EQ(line.find("127.0.0.1"), std::string::npos) << line;
  EXPECT_TRUE(udpPortFree(candidatePorts({line})[0]) == false);  // the port is the real socket's
}

TEST(IceLeg, ConnectsThroughPeerReflexiveWhenTheControllingPeersCandidatesAreHidden) {
  // The Chromium case with mDNS: the browser's (controlling) candidates are unusable, only ours
  // reach it; its checks teach our agent a peer-reflexive candidate.
  MediaThread thread;
  LegHarness browser(thread, loopbackConfig(true));
  LegHarness daemon(thread, loopbackConfig(false));
  std::string ufragB, pwdB, ufragD, pwdD;
  browser.on([&](IceLeg& l) { ufragB = l.localUfrag(); pwdB = l.localPwd(); });
  daemon.on([&](IceLeg& l) { ufragD = l.localUfrag(); pwdD = l.localPwd(); });
  browser.on([&](IceLeg& l) { l.setRemoteCredentials(ufragD, pwdD); });
  daemon.on([&](IceLeg& l) { l.setRemoteCredentials(ufragB, pwdB); });
  auto toBrowser = browser.poster();
  thread.runSync([&] {
    daemon.onCandidateHook = [toBrowser](const std::string& line) {
      toBrowser([line](IceLeg& l) { l.addRemoteCandidate(line); });
    };
    daemon.onGatheringDoneHook = [toBrowser] { toBrowser([](IceLeg& l) { l.remoteGatheringDone(); }); };
  });
  daemon.on([](IceLeg& l) { l.gather(); });
  browser.on([](IceLeg& l) { l.gather(); });
  expectConnectedAndCarryingData(browser, daemon);
}

TEST(IceLeg, BadConfigIsRefused) {
  MediaThread thread;
  thread.runSync([&] {
    IceCallbacks none;
    auto config = loopbackConfig(false);
    config.interfaceAddresses = {"eth0"};
    EXPECT_THROW(IceLeg(thread, config, none), std::invalid_argument);
    config = loopbackConfig(false);
    config.publicIp = "example.com";
    EXPECT_THROW(IceLeg(thread, config, none), std::invalid_argument);
    config = loopbackConfig(false);
    config.portMin = 5000;
    config.portMax = 4000;
    EXPECT_THROW(IceLeg(thread, config, none), std::invalid_argument);
  });
}

TEST(IceLeg, RemoteInputIsValidated) {
  MediaThread thread;
  LegHarness leg(thread, loopbackConfig(false));
  leg.on([](IceLeg& l) {
    std::string reason;
    EXPECT_FALSE(l.setRemoteCredentials("ab", "0123456789012345678901", &reason));
    EXPECT_NE(reason.find("ufrag"), std::string::npos);
    EXPECT_FALSE(l.setRemoteCredentials("abcd", "short", &reason));
    EXPECT_NE(reason.find("pwd"), std::string::npos);
    EXPECT_TRUE(l.setRemoteCredentials("abcd", "0123456789012345678901", &reason));

    EXPECT_FALSE(l.addRemoteCandidate("garbage", &reason));
    EXPECT_FALSE(reason.empty());
    EXPECT_FALSE(l.addRemoteCandidate("candidate:1 1 udp 2122260223 10.0.0.1", &reason));
    EXPECT_FALSE(l.addRemoteCandidate(
        "candidate:3 1 udp 2122260223 0b3c1e2a-58f4-4a8e-9f62-1b2f8a1c9d0e.local 54321 typ host",
        &reason));
    EXPECT_NE(reason.find("mDNS"), std::string::npos) << reason;
    EXPECT_FALSE(l.addRemoteCandidate(
        "candidate:2 1 tcp 1518280447 127.0.0.1 9 typ host tcptype active", &reason));
    EXPECT_NE(reason.find("UDP only"), std::string::npos) << reason;
    EXPECT_FALSE(l.addRemoteCandidate("candidate:1 2 udp 2122260222 127.0.0.1 40001 typ host", &reason));
    EXPECT_NE(reason.find("component"), std::string::npos) << reason;

    // What Chromium trickles (lower-case transport, extensions after the type).
    EXPECT_TRUE(l.addRemoteCandidate(
        "candidate:842163049 1 udp 1677729535 127.0.0.1 40002 typ srflx raddr 0.0.0.0 rport 0 "
        "generation 0 ufrag abcd network-cost 999",
        &reason))
        << reason;
    EXPECT_TRUE(l.addRemoteCandidate("a=candidate:1 1 UDP 2122260223 127.0.0.1 40003 typ host\r\n",
                                     &reason))
        << reason;
  });
}

TEST(IceLeg, IceTimeoutWhenThePeerNeverAnswers) {
  MediaThread thread;
  auto config = loopbackConfig(false);
  config.iceTimeout = 400ms;
  LegHarness leg(thread, config);
  const auto start = std::chrono::steady_clock::now();
  leg.on([](IceLeg& l) {
    l.setRemoteCredentials("abcd", "0123456789012345678901");
    l.gather();
  });
  ASSERT_TRUE(leg.events().waitFor([](Events& e) { return e.hasState(IceState::Failed); }, 5s));
  std::lock_guard lock(leg.events().mutex);
  EXPECT_EQ(leg.events().states.back().second, "ICE timeout");
  EXPECT_GE(leg.events().stateTimes.back() - start, 400ms);
}

TEST(IceLeg, CloseFreesThePortsAndSilencesCallbacks) {
  MediaThread thread;
  LegHarness a(thread, loopbackConfig(true));
  LegHarness b(thread, loopbackConfig(false));
  test::connectLegs(a, b);
  ASSERT_TRUE(b.events().waitFor([](Events& e) { return e.hasState(IceState::Connected); }, 10s));
  ASSERT_TRUE(a.events().waitFor([](Events& e) { return e.hasState(IceState::Connected); }, 10s));
  std::vector<int> ports;
  {
    std::lock_guard lock(b.events().mutex);
    ports = candidatePorts(b.events().candidates);
  }
  ASSERT_FALSE(ports.empty());
  for (int p : ports) EXPECT_FALSE(udpPortFree(p));
  std::size_t statesBefore = 0;
  b.on([&](IceLeg& l) {
    l.close();
    EXPECT_EQ(l.state(), IceState::Closed);
    const std::uint8_t byte = 0x80;
    EXPECT_FALSE(l.send(&byte, 1));
    EXPECT_EQ(l.watchedSockets(), 0u);
    EXPECT_EQ(thread.sockets().size(), 1u);  // a's socket only
    l.close();  // idempotent
  });
  for (int p : ports) EXPECT_TRUE(udpPortFree(p)) << "port " << p << " still bound after close()";
  {
    std::lock_guard lock(b.events().mutex);
    statesBefore = b.events().states.size();
  }
  // Traffic towards the closed leg must not reach its callbacks.
  const std::uint8_t data[] = {0x80, 1, 2, 3};
  a.on([&](IceLeg& l) { l.send(data, sizeof data); });
  thread.runSync([] {});
  std::lock_guard lock(b.events().mutex);
  EXPECT_TRUE(b.events().packets.empty());
  EXPECT_EQ(b.events().states.size(), statesBefore);
}

// Leg::forward counts a false send() as a send failure (callpy_rtp_send_failures_total):
// a datagram the kernel refuses on the direct path must come back false, not as sent.
TEST(IceLeg, SendReportsADatagramTheKernelRefuses) {
  MediaThread thread;
  LegHarness a(thread, loopbackConfig(true));
  LegHarness b(thread, loopbackConfig(false));
  test::connectLegs(a, b);
  ASSERT_TRUE(a.events().waitFor([](Events& e) { return e.hasState(IceState::Connected); }, 10s));
  a.on([](IceLeg& leg) {
    ASSERT_TRUE(leg.sendsDirectly());
    // Above IPv4's largest UDP payload (65,507 bytes): sendto() fails with EMSGSIZE.
    std::vector<std::uint8_t> big(65520, 0x80);
    EXPECT_FALSE(leg.send(big.data(), big.size()));
    const std::uint8_t small[] = {0x80, 0, 0, 1};
    EXPECT_TRUE(leg.send(small, sizeof small));
  });
  ASSERT_TRUE(b.events().waitFor([](Events& e) { return !e.packets.empty(); }, 5s));
  std::lock_guard lock(b.events().mutex);
  EXPECT_EQ(b.events().packets.size(), 1u);
}

TEST(IceLeg, CloseFromInsideTheStateCallbackFreesThePortsRightAfter) {
  MediaThread thread;
  auto config = loopbackConfig(false);
  config.iceTimeout = 200ms;
  LegHarness leg(thread, config);
  thread.runSync([&] {
    leg.onStateHook = [](IceLeg& l, IceState state) {
      if (state == IceState::Failed) l.close();
    };
  });
  leg.on([](IceLeg& l) { l.gather(); });
  ASSERT_TRUE(leg.events().waitFor([](Events& e) { return e.hasState(IceState::Failed); }, 5s));
  std::vector<int> ports;
  {
    std::lock_guard lock(leg.events().mutex);
    ports = candidatePorts(leg.events().candidates);
  }
  ASSERT_EQ(ports.size(), 1u);
  leg.on([](IceLeg& l) { EXPECT_EQ(l.state(), IceState::Closed); });
  thread.runSync([] {});  // the deferred part of close() runs from an idle queued before this
  EXPECT_TRUE(udpPortFree(ports[0]));
}

TEST(IceLeg, ConsentLossAfterThePeerVanishesFailsTheControlledLeg) {
  ASSERT_NO_FATAL_FAILURE(test::expectConsentLossAfterPeerVanishes(false));  // ~10 s, libnice 0.1.21
}

}  // namespace
}  // namespace callpy::rtc::ice
