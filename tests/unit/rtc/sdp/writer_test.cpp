// The answer re-parses with our own parser and has what Chromium needs from an SFU answer.
#include "rtc/sdp/writer.h"

#include <gtest/gtest.h>

#include "rtc/sdp/negotiation.h"
#include "sdp_fixtures.h"

namespace callpy::rtc::sdp {
namespace {

using testing::fixture;
using testing::kAllFixtures;
using testing::parseOk;

const char kOurFingerprint[] =
    "0F:1E:2D:3C:4B:5A:69:78:87:96:A5:B4:C3:D2:E1:F0:0F:1E:2D:3C:4B:5A:69:78:87:96:A5:B4:C3:D2:E1:"
    "F0";

LocalTransport local() {
  LocalTransport l;
  l.iceUfrag = "cPyU";
  l.icePwd = "k3Qz9vW2xR7tY1uI5oP8aS4d";
  l.fingerprintSha256 = kOurFingerprint;
  l.candidates = {"candidate:1 1 udp 2130706431 192.0.2.10 40000 typ host",
                  "a=candidate:2 1 udp 2130706175 2001:db8::10 40002 typ host"};
  l.sessionId = "7001";
  return l;
}

OutgoingTrack track(std::uint32_t ssrc, const char* id) {
  return OutgoingTrack{ssrc, "callpy", "callpy-stream", id};
}

struct Answer {
  SessionDescription offer;
  Negotiation negotiation;
  std::string text;
  SessionDescription parsed;
};

Answer answer(const std::string& offerText, std::vector<std::optional<OutgoingTrack>> out = {}) {
  Answer a;
  a.offer = parseOk(offerText);
  const NegotiationResult n = negotiate(a.offer);
  EXPECT_TRUE(n.ok()) << n.error;
  if (!n.ok()) return a;
  a.negotiation = *n.negotiation;
  a.text = writeAnswer(a.offer, a.negotiation, local(), out);
  EXPECT_FALSE(a.text.empty());
  a.parsed = parseOk(a.text);
  return a;
}

std::size_t count(const std::string& s, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t p = s.find(needle); p != std::string::npos; p = s.find(needle, p + 1)) ++n;
  return n;
}

TEST(SdpWriter, EveryFixtureAnswerReparsesWithTheSameMidsInOrder) {
  for (const auto& name : kAllFixtures) {
    SCOPED_TRACE(name);
    const Answer a = answer(fixture(name));
    ASSERT_EQ(a.parsed.media.size(), a.offer.media.size());
    for (std::size_t i = 0; i < a.offer.media.size(); ++i) {
      EXPECT_EQ(a.parsed.media[i].mid, a.offer.media[i].mid);
      EXPECT_EQ(a.parsed.media[i].media, a.offer.media[i].media);
      const bool accepted = a.negotiation.sections[i].accepted.has_value();
      EXPECT_EQ(a.parsed.media[i].port == 0, !accepted);
    }
    // CRLF everywhere, no bare LF.
    EXPECT_EQ(count(a.text, "\n"), count(a.text, "\r\n"));
    EXPECT_EQ(a.text.substr(a.text.size() - 2), "\r\n");
  }
}

TEST(SdpWriter, ChromeAnswerContents) {
  const Answer a = answer(fixture("chrome_offer.sdp"),
                          {track(1111, "audio-track"), track(2222, "video-track"), std::nullopt});
  const std::string& t = a.text;
  EXPECT_EQ(t.rfind("v=0\r\no=- 7001 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n", 0), 0u);
  EXPECT_NE(t.find("a=group:BUNDLE 0 1\r\n"), std::string::npos);
  EXPECT_EQ(count(t, "a=setup:passive\r\n"), 2u);
  EXPECT_EQ(count(t, "a=setup:"), 2u);
  EXPECT_EQ(count(t, "a=rtcp-mux\r\n"), 2u);
  EXPECT_EQ(count(t, "a=ice-options:trickle\r\n"), 2u);
  EXPECT_NE(t.find(std::string("a=fingerprint:sha-256 ") + kOurFingerprint), std::string::npos);
  EXPECT_NE(t.find("m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"), std::string::npos);
  EXPECT_NE(t.find("a=rtpmap:111 opus/48000/2\r\n"), std::string::npos);
  EXPECT_NE(t.find("a=fmtp:111 minptime=10;useinbandfec=1\r\n"), std::string::npos);
  EXPECT_NE(t.find("m=video 9 UDP/TLS/RTP/SAVPF 96\r\n"), std::string::npos);
  EXPECT_NE(t.find("a=rtcp-fb:96 nack\r\na=rtcp-fb:96 nack pli\r\na=rtcp-fb:96 ccm fir\r\n"),
            std::string::npos);
  EXPECT_EQ(t.find("transport-cc"), std::string::npos);
  EXPECT_EQ(t.find("goog-remb"), std::string::npos);
  EXPECT_EQ(t.find("rtx"), std::string::npos);
  EXPECT_EQ(count(t, "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid\r\n"), 2u);
  EXPECT_EQ(count(t, "a=extmap:"), 2u);
  // The data channel section is rejected but keeps its mid.
  EXPECT_NE(t.find("m=application 0 UDP/DTLS/SCTP webrtc-datachannel\r\nc=IN IP4 0.0.0.0\r\n"
                   "a=mid:2\r\n"),
            std::string::npos);
  // Outgoing tracks.
  EXPECT_NE(t.find("a=msid:callpy-stream audio-track\r\n"), std::string::npos);
  EXPECT_NE(t.find("a=ssrc:1111 cname:callpy\r\na=ssrc:1111 msid:callpy-stream audio-track\r\n"),
            std::string::npos);
  EXPECT_NE(t.find("a=ssrc:2222 msid:callpy-stream video-track\r\n"), std::string::npos);
  // Candidates then end-of-candidates, once, in the BUNDLE-tag section.
  EXPECT_NE(t.find("a=candidate:1 1 udp 2130706431 192.0.2.10 40000 typ host\r\n"
                   "a=candidate:2 1 udp 2130706175 2001:db8::10 40002 typ host\r\n"
                   "a=end-of-candidates\r\n"),
            std::string::npos);
  EXPECT_EQ(count(t, "a=end-of-candidates"), 1u);

  const SessionDescription& p = a.parsed;
  EXPECT_EQ(*p.bundle(), (std::vector<std::string>{"0", "1"}));
  EXPECT_EQ(p.media[0].candidates.size(), 2u);
  EXPECT_TRUE(p.media[0].endOfCandidates);
  EXPECT_EQ(p.media[0].setup, Setup::Passive);
  EXPECT_EQ(p.media[0].iceUfrag, "cPyU");
  EXPECT_EQ(p.media[0].ssrcs.at(0).ssrc, 1111u);
  EXPECT_EQ(p.media[1].ssrcs.at(0).trackId, "video-track");
  EXPECT_EQ(p.media[1].codecs.size(), 1u);
  EXPECT_EQ(p.media[2].port, 0);
  EXPECT_TRUE(p.extmapAllowMixed);
}

TEST(SdpWriter, NoTrackLinesWhereTheDaemonDoesNotSend) {
  // Offer sendonly -> answer recvonly: a track given there is not written.
  std::string offer = fixture("chrome_audio_only.sdp");
  offer.replace(offer.find("a=sendrecv"), 10, "a=sendonly");
  const Answer a = answer(offer, {track(1111, "t")});
  EXPECT_NE(a.text.find("a=recvonly\r\n"), std::string::npos);
  EXPECT_EQ(a.text.find("a=ssrc:"), std::string::npos);
  EXPECT_EQ(a.text.find("a=msid:"), std::string::npos);

  const Answer r = answer(fixture("chrome_recvonly_video.sdp"), {std::nullopt, track(5, "v")});
  EXPECT_EQ(std::count(r.text.begin(), r.text.end(), '\n'),
            std::count(r.text.begin(), r.text.end(), '\r'));
  EXPECT_EQ(count(r.text, "a=sendonly\r\n"), 2u);
  EXPECT_EQ(count(r.text, "a=ssrc:5 "), 2u);
  EXPECT_EQ(r.parsed.media[1].direction, Direction::SendOnly);
}

TEST(SdpWriter, RejectedRtpSectionKeepsOneFormatWithItsRtpmap) {
  // Camera section stopped (port 0), screen-share section still live.
  std::string offer = fixture("chrome_two_video.sdp");
  offer.replace(offer.find("m=video 9 "), 10, "m=video 0 ");
  const Answer a = answer(offer);
  EXPECT_NE(a.text.find("m=video 0 UDP/TLS/RTP/SAVPF 96\r\nc=IN IP4 0.0.0.0\r\na=mid:1\r\n"
                        "a=inactive\r\na=rtpmap:96 VP8/90000\r\n"),
            std::string::npos);
  EXPECT_NE(a.text.find("a=group:BUNDLE 0 2\r\n"), std::string::npos);
}

TEST(SdpWriter, TrickleWithoutEndOfCandidates) {
  const SessionDescription offer = parseOk(fixture("firefox_offer.sdp"));
  const Negotiation n = *negotiate(offer).negotiation;
  LocalTransport l = local();
  l.candidates.clear();
  l.endOfCandidates = false;
  l.port = 40000;
  const std::string t = writeAnswer(offer, n, l, {});
  EXPECT_EQ(t.find("candidate"), std::string::npos);
  EXPECT_NE(t.find("m=audio 40000 UDP/TLS/RTP/SAVPF 109\r\n"), std::string::npos);
  EXPECT_EQ(t.find("a=extmap-allow-mixed"), std::string::npos);  // Firefox did not offer it
  EXPECT_TRUE(parse(t).ok());
}

TEST(SdpWriter, InvalidLocalInputGivesNoAnswer) {
  const SessionDescription offer = parseOk(fixture("chrome_offer.sdp"));
  const Negotiation n = *negotiate(offer).negotiation;
  auto broken = [&](auto mutate) {
    LocalTransport l = local();
    mutate(l);
    return writeAnswer(offer, n, l, {}).empty();
  };
  EXPECT_FALSE(broken([](LocalTransport&) {}));
  EXPECT_TRUE(broken([](LocalTransport& l) { l.iceUfrag = "ab"; }));
  EXPECT_TRUE(broken([](LocalTransport& l) { l.icePwd += "\r\na=inject"; }));
  EXPECT_TRUE(broken([](LocalTransport& l) { l.fingerprintSha256 = "AB:CD"; }));
  EXPECT_TRUE(broken([](LocalTransport& l) { l.candidates.push_back("candidate:1 1\r\nx=y"); }));
  EXPECT_TRUE(broken([](LocalTransport& l) { l.candidates.push_back("typ host"); }));
  EXPECT_TRUE(broken([](LocalTransport& l) { l.sessionId = "12a"; }));
  EXPECT_TRUE(writeAnswer(offer, n, local(), {track(1, "bad id")}).empty());
  Negotiation shorter = n;
  shorter.sections.pop_back();
  EXPECT_TRUE(writeAnswer(offer, shorter, local(), {}).empty());
}

}  // namespace
}  // namespace callpy::rtc::sdp
