// Validation of what the browser sends before it reaches libnice.
#include "rtc/ice/remote_candidate.h"

#include <gtest/gtest.h>

namespace callpy::rtc::ice {
namespace {

std::string normalised(std::string_view line) {
  std::string out, reason;
  return normaliseRemoteCandidate(line, out, reason) ? out : "ERROR: " + reason;
}

TEST(RemoteCandidate, NormalisesChromiumLines) {
  EXPECT_EQ(normalised("candidate:842163049 1 udp 2122260223 192.168.1.20 54321 typ host "
                       "generation 0 ufrag Xy12 network-id 1"),
            "a=candidate:842163049 1 UDP 2122260223 192.168.1.20 54321 typ host");
  EXPECT_EQ(normalised("a=candidate:1 1 UDP 1686052607 198.51.100.4 61000 typ srflx raddr "
                       "192.168.1.20 rport 54321\r\n"),
            "a=candidate:1 1 UDP 1686052607 198.51.100.4 61000 typ srflx raddr 192.168.1.20 "
            "rport 54321");
  EXPECT_EQ(normalised("candidate:2 1 udp 41885439 2001:db8::1 3478 typ relay raddr 0.0.0.0 rport 0"),
            "a=candidate:2 1 UDP 41885439 2001:db8::1 3478 typ relay");
}

TEST(RemoteCandidate, RejectsWithReasons) {
  EXPECT_EQ(normalised(""), "ERROR: not a candidate line (expected \"candidate:\")");
  EXPECT_EQ(normalised("candidate:1 1 udp 1 1.2.3.4 5 typ"), "ERROR: candidate line has too few fields");
  EXPECT_EQ(normalised("candidate:1 1 udp 1 1.2.3.4 5 host typ"), "ERROR: bad or missing candidate type");
  EXPECT_EQ(normalised("candidate:1 1 udp 1 1.2.3.4 5 typ weird"), "ERROR: bad or missing candidate type");
  EXPECT_EQ(normalised("candidate:1 x udp 1 1.2.3.4 5 typ host"), "ERROR: bad candidate component id");
  EXPECT_EQ(normalised("candidate:1 1 udp 4294967296 1.2.3.4 5 typ host"), "ERROR: bad candidate priority");
  EXPECT_EQ(normalised("candidate:1 1 udp 1 1.2.3.4 65536 typ host"), "ERROR: bad candidate port");
  EXPECT_EQ(normalised("candidate:1 1 udp 1 1.2.3.4 0 typ host"), "ERROR: bad candidate port");
  EXPECT_EQ(normalised("candidate:1 1 udp 1 host.example 5 typ host"),
            "ERROR: candidate address is not numeric");
  EXPECT_EQ(normalised("candidate:1 1 tcp 1 1.2.3.4 9 typ host tcptype active"),
            "ERROR: transport tcp not used (UDP only)");
  EXPECT_EQ(normalised("candidate:1 2 udp 1 1.2.3.4 5 typ host"), "ERROR: component 2 not used (rtcp-mux)");
  EXPECT_NE(normalised("candidate:1 1 udp 1 abc-def.local 5 typ host").find("mDNS candidate abc-def.local"),
            std::string::npos);
  EXPECT_EQ(normalised("candidate:b@d 1 udp 1 1.2.3.4 5 typ host"), "ERROR: bad candidate foundation");
  EXPECT_EQ(normalised("candidate:1 1 udp 1 1.2.3.4 5 typ host" + std::string(2000, ' ')),
            "ERROR: candidate line too long");
}

TEST(RemoteCandidate, IceCredentialSyntax) {
  EXPECT_TRUE(validIceCredential("abcd", 4));
  EXPECT_TRUE(validIceCredential("a+b/", 4));
  EXPECT_FALSE(validIceCredential("abc", 4));
  EXPECT_FALSE(validIceCredential("ab d", 4));
  EXPECT_FALSE(validIceCredential(std::string(257, 'a'), 4));
  EXPECT_TRUE(validIceCredential(std::string(256, 'a'), 22));
}

}  // namespace
}  // namespace callpy::rtc::ice
