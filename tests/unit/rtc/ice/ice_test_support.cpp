#include "ice_test_support.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <sstream>

namespace callpy::rtc::ice::test {

void connectLegs(LegHarness& a, LegHarness& b) {
  std::string ufragA, pwdA, ufragB, pwdB;
  a.on([&](IceLeg& leg) { ufragA = leg.localUfrag(); pwdA = leg.localPwd(); });
  b.on([&](IceLeg& leg) { ufragB = leg.localUfrag(); pwdB = leg.localPwd(); });
  a.on([&](IceLeg& leg) { leg.setRemoteCredentials(ufragB, pwdB); });
  b.on([&](IceLeg& leg) { leg.setRemoteCredentials(ufragA, pwdA); });
  auto wire = [](LegHarness& from, LegHarness& to) {
    auto post = to.poster();
    from.thread().runSync([&] {
      from.onCandidateHook = [post](const std::string& line) {
        post([line](IceLeg& leg) { leg.addRemoteCandidate(line); });
      };
      from.onGatheringDoneHook = [post] { post([](IceLeg& leg) { leg.remoteGatheringDone(); }); };
    });
  };
  wire(a, b);
  wire(b, a);
  a.on([](IceLeg& leg) { leg.gather(); });
  b.on([](IceLeg& leg) { leg.gather(); });
}

void expectConsentLossAfterPeerVanishes(bool survivorControlling) {
  using namespace std::chrono_literals;
  MediaThread thread;
  LegHarness survivor(thread, loopbackConfig(survivorControlling));
  LegHarness peer(thread, loopbackConfig(!survivorControlling));
  connectLegs(survivor, peer);
  ASSERT_TRUE(survivor.events().waitFor([](Events& e) { return e.hasState(IceState::Connected); }, 10s));
  ASSERT_TRUE(peer.events().waitFor([](Events& e) { return e.hasState(IceState::Connected); }, 10s));
  const auto vanished = std::chrono::steady_clock::now();
  peer.on([](IceLeg& l) { l.close(); });  // the port closes: no more consent responses
  ASSERT_TRUE(survivor.events().waitFor([](Events& e) { return e.hasState(IceState::Failed); }, 60s));
  std::lock_guard lock(survivor.events().mutex);
  EXPECT_EQ(survivor.events().states.back().second, "ICE consent lost");
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
      survivor.events().stateTimes.back() - vanished);
  std::printf("consent lost reported %lld ms after the peer vanished (%s)\n",
              static_cast<long long>(took.count()), survivorControlling ? "controlling" : "controlled");
  EXPECT_LE(took, 40s);
}

std::vector<int> candidatePorts(const std::vector<std::string>& lines) {
  std::vector<int> ports;
  for (const auto& line : lines) {
    std::istringstream in(line);
    std::string field;
    for (int i = 0; i < 6 && in >> field; ++i) {
    }
    ports.push_back(std::stoi(field));  // field 6: foundation component transport prio addr PORT
  }
  return ports;
}

bool udpPortFree(int port) {
  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

}  // namespace callpy::rtc::ice::test
