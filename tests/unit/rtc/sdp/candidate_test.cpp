// ICE candidate lines as Chrome, Firefox, aiortc and libnice write them.
#include "rtc/sdp/candidate.h"

#include <gtest/gtest.h>

namespace callpy::rtc::sdp {
namespace {

Candidate parseOk(std::string_view line) {
  const CandidateResult r = parseCandidate(line);
  EXPECT_TRUE(r.ok()) << line << ": " << r.error;
  return r.ok() ? *r.candidate : Candidate{};
}

TEST(SdpCandidate, ChromeUdpHostIPv4) {
  const Candidate c = parseOk(
      "candidate:3348485187 1 udp 2122260223 192.168.1.23 54400 typ host generation 0 "
      "ufrag Xs7J network-id 1 network-cost 10");
  EXPECT_EQ(c.foundation, "3348485187");
  EXPECT_EQ(c.component, 1u);
  EXPECT_EQ(c.transport, CandidateTransport::Udp);
  EXPECT_EQ(c.priority, 2122260223u);
  EXPECT_EQ(c.address, "192.168.1.23");
  EXPECT_EQ(c.family, AddressFamily::IPv4);
  EXPECT_EQ(c.port, 54400);
  EXPECT_EQ(c.type, CandidateType::Host);
  ASSERT_EQ(c.extensions.size(), 4u);
  EXPECT_EQ(c.extensions[1], (std::pair<std::string, std::string>{"ufrag", "Xs7J"}));
  EXPECT_EQ(unusableReason(c), "");
}

TEST(SdpCandidate, SrflxRelayIPv6AndPrefixes) {
  const Candidate s = parseOk(
      "a=candidate:842163049 1 udp 1686052607 203.0.113.7 61234 typ srflx raddr 192.168.1.23 "
      "rport 54400 generation 0\r\n");
  EXPECT_EQ(s.type, CandidateType::Srflx);
  EXPECT_EQ(s.relatedAddress, "192.168.1.23");
  EXPECT_EQ(s.relatedPort, 54400);
  const Candidate r = parseOk(
      "candidate:3 1 UDP 92217087 198.51.100.9 3478 typ relay raddr 203.0.113.7 rport 61234");
  EXPECT_EQ(r.type, CandidateType::Relay);
  EXPECT_EQ(r.transport, CandidateTransport::Udp);  // Firefox writes UDP in capitals
  const Candidate v6 = parseOk("2 1 udp 2122262783 2001:db8::1f 49152 typ host");
  EXPECT_EQ(v6.family, AddressFamily::IPv6);
  EXPECT_EQ(v6.address, "2001:db8::1f");
  EXPECT_EQ(unusableReason(v6), "");
}

TEST(SdpCandidate, TcpMdnsAndRtcpComponentAreFlagged) {
  const Candidate tcp =
      parseOk("candidate:1 1 tcp 1518280447 192.168.1.23 9 typ host tcptype active generation 0");
  EXPECT_EQ(tcp.transport, CandidateTransport::Tcp);
  EXPECT_EQ(tcp.tcpType, "active");
  EXPECT_EQ(unusableReason(tcp), "TCP candidates are not supported");
  const Candidate mdns = parseOk(
      "candidate:1 1 udp 2122260223 4b3f2c1d-9e8a-4f7b-a6c5-d4e3f2a1b0c9.local 54400 typ host");
  EXPECT_EQ(mdns.family, AddressFamily::Hostname);
  EXPECT_NE(unusableReason(mdns).find("mDNS"), std::string_view::npos);
  const Candidate rtcp = parseOk("candidate:1 2 udp 2122260222 192.168.1.23 54401 typ host");
  EXPECT_NE(unusableReason(rtcp).find("component"), std::string_view::npos);
}

TEST(SdpCandidate, GarbageIsAnError) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "candidate needs"},
      {"candidate:", "candidate needs"},
      {"candidate:1 1 udp 1 10.0.0.1 5000 typ", "candidate needs"},
      {"candidate:1 1 sctp 1 10.0.0.1 5000 typ host", "UDP or TCP"},
      {"candidate:1 0 udp 1 10.0.0.1 5000 typ host", "component"},
      {"candidate:1 1 udp 4294967296 10.0.0.1 5000 typ host", "priority"},
      {"candidate:1 1 udp -5 10.0.0.1 5000 typ host", "priority"},
      {"candidate:1 1 udp 1 10.0.0.256 5000 typ host", "address"},
      {"candidate:1 1 udp 1 <script> 5000 typ host", "address"},
      {"candidate:1 1 udp 1 10.0.0.1 65536 typ host", "port"},
      {"candidate:1 1 udp 1 10.0.0.1 5000 type host", "'typ'"},
      {"candidate:1 1 udp 1 10.0.0.1 5000 typ local", "type must be"},
      {"candidate:1 1 udp 1 10.0.0.1 5000 typ host generation", "without a value"},
      {"candidate:1 1 udp 1 10.0.0.1 5000 typ srflx raddr x_y rport 1", "raddr"},
      {"candidate:1 1 udp 1 10.0.0.1 5000 typ host\x01", "non-printable"},
      {"candidate:f_o 1 udp 1 10.0.0.1 5000 typ host", "foundation"},
      {"candidate:1 1 udp 1 10.0.0.1 5000 typ host " + std::string(1100, 'a'), "1024"},
  };
  for (const auto& [line, part] : cases) {
    const CandidateResult r = parseCandidate(line);
    EXPECT_FALSE(r.ok()) << line;
    EXPECT_NE(r.error.find(part), std::string::npos) << line << " -> " << r.error;
  }
}

TEST(SdpCandidate, FormatRoundTrips) {
  const std::string line =
      "candidate:842163049 1 udp 1686052607 203.0.113.7 61234 typ srflx raddr 192.168.1.23 rport "
      "54400 generation 0 network-id 1";
  EXPECT_EQ(formatCandidate(parseOk(line)), line);
  const std::string tcp = "candidate:1 1 tcp 1518280447 192.168.1.23 9 typ host tcptype passive";
  EXPECT_EQ(formatCandidate(parseOk(tcp)), tcp);
}

TEST(SdpCandidate, RewriteAddressForOneToOneNat) {
  const CandidateResult r =
      rewriteAddress("candidate:1 1 udp 2130706431 10.0.0.5 40000 typ host", "203.0.113.50");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(formatCandidate(*r.candidate),
            "candidate:1 1 udp 2130706431 203.0.113.50 40000 typ host");
  const CandidateResult v6 =
      rewriteAddress("candidate:2 1 udp 1 fd00::2 40002 typ host", "2001:db8::50");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6.candidate->address, "2001:db8::50");
  EXPECT_NE(rewriteAddress("candidate:1 1 udp 1 10.0.0.5 40000 typ host", "2001:db8::50")
                .error.find("family"),
            std::string::npos);
  EXPECT_NE(rewriteAddress("candidate:1 1 udp 1 10.0.0.5 40000 typ host", "example.com")
                .error.find("IP literal"),
            std::string::npos);
  EXPECT_FALSE(rewriteAddress("garbage", "203.0.113.50").ok());
}

}  // namespace
}  // namespace callpy::rtc::sdp
