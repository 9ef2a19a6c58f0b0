// Parser over real browser offers (fixtures/) and over broken ones: every error names its line.
#include "rtc/sdp/parser.h"

#include <gtest/gtest.h>

#include <random>

#include "sdp_fixtures.h"

namespace callpy::rtc::sdp {
namespace {

using testing::fixture;
using testing::kAllFixtures;
using testing::parseOk;
using testing::replaceAll;

std::size_t lineOf(const std::string& text, const std::string& needle) {
  const std::size_t pos = text.find(needle);
  EXPECT_NE(pos, std::string::npos) << needle;
  return 1 + static_cast<std::size_t>(std::count(text.begin(), text.begin() + pos, '\n'));
}

TEST(SdpParser, EveryFixtureParses) {
  for (const auto& name : kAllFixtures) {
    SCOPED_TRACE(name);
    const std::string text = fixture(name);
    const ParseResult r = parse(text);
    ASSERT_TRUE(r.ok()) << "line " << r.error.line << ": " << r.error.message;
    EXPECT_FALSE(r.description->media.empty());
    ASSERT_NE(r.description->bundle(), nullptr);
    for (const auto& m : r.description->media) {
      EXPECT_FALSE(m.mid.empty());
      EXPECT_FALSE(m.iceUfrag.empty());
      EXPECT_FALSE(m.fingerprints.empty());
      EXPECT_EQ(m.setup, Setup::ActPass);
    }
  }
}

TEST(SdpParser, ChromeOffer) {
  const std::string text = fixture("chrome_offer.sdp");
  const SessionDescription d = parseOk(text);
  EXPECT_EQ(d.sessionId, "4215775240449105457");
  EXPECT_TRUE(d.extmapAllowMixed);
  ASSERT_EQ(d.media.size(), 3u);
  EXPECT_EQ(*d.bundle(), (std::vector<std::string>{"0", "1", "2"}));

  const MediaSection& a = d.media[0];
  EXPECT_EQ(a.kind, MediaKind::Audio);
  EXPECT_EQ(a.line, lineOf(text, "m=audio"));
  EXPECT_EQ(a.port, 9);
  EXPECT_EQ(a.proto, "UDP/TLS/RTP/SAVPF");
  EXPECT_EQ(a.mid, "0");
  EXPECT_TRUE(a.rtcpMux);
  EXPECT_TRUE(a.rtcpRsize);
  EXPECT_EQ(a.direction, Direction::SendRecv);
  EXPECT_EQ(a.iceUfrag, "Xs7J");
  EXPECT_EQ(a.icePwd, "nGx3y0F2mQp8Zr1aVtKb5cWd");
  ASSERT_EQ(a.fingerprints.size(), 1u);
  EXPECT_EQ(a.fingerprints[0].algorithm, "sha-256");
  EXPECT_EQ(a.fingerprints[0].value.size(), 95u);
  ASSERT_EQ(a.codecs.size(), 8u);
  EXPECT_EQ(a.codecs[0].payloadType, 111);
  EXPECT_EQ(a.codecs[0].name, "opus");
  EXPECT_EQ(a.codecs[0].clockRate, 48000u);
  EXPECT_EQ(a.codecs[0].channels, 2);
  EXPECT_EQ(a.codecs[0].fmtp, "minptime=10;useinbandfec=1");
  EXPECT_EQ(a.codecs[0].feedback, std::vector<std::string>{"transport-cc"});
  EXPECT_EQ(a.codecs[1].name, "red");
  ASSERT_NE(a.findExtension("urn:ietf:params:rtp-hdrext:sdes:mid"), nullptr);
  EXPECT_EQ(a.findExtension("urn:ietf:params:rtp-hdrext:sdes:mid")->id, 4);
  ASSERT_EQ(a.ssrcs.size(), 1u);
  EXPECT_EQ(a.ssrcs[0].ssrc, 3527842176u);
  EXPECT_EQ(a.ssrcs[0].cname, "kQ5Zt1x9vR0bC2dE");
  EXPECT_EQ(a.ssrcs[0].trackId, "3c1b2a4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d");
  EXPECT_EQ(a.msidStream, "7f3a9b2c-1d4e-4f5a-9b6c-2d8e0f1a3b4c");

  const MediaSection& v = d.media[1];
  EXPECT_EQ(v.kind, MediaKind::Video);
  EXPECT_EQ(v.codecs.size(), 25u);
  const Codec* vp8 = v.findCodec(96);
  ASSERT_NE(vp8, nullptr);
  EXPECT_EQ(vp8->name, "VP8");
  EXPECT_EQ(vp8->feedback,
            (std::vector<std::string>{"goog-remb", "transport-cc", "ccm fir", "nack", "nack pli"}));
  ASSERT_NE(v.findCodec(97), nullptr);
  EXPECT_EQ(v.findCodec(97)->fmtp, "apt=96");
  EXPECT_EQ(v.findCodec(118)->name, "ulpfec");
  EXPECT_EQ(v.extensions.size(), 11u);
  // The RTX SSRC of the FID group is not a media SSRC.
  ASSERT_EQ(v.ssrcs.size(), 1u);
  EXPECT_EQ(v.ssrcs[0].ssrc, 2712285312u);
  ASSERT_EQ(v.ssrcGroups.size(), 1u);
  EXPECT_EQ(v.ssrcGroups[0].semantics, "FID");
  EXPECT_EQ(v.ssrcGroups[0].ssrcs, (std::vector<std::uint32_t>{2712285312u, 1437298364u}));

  const MediaSection& app = d.media[2];
  EXPECT_EQ(app.kind, MediaKind::Application);
  EXPECT_EQ(app.proto, "UDP/DTLS/SCTP");
  EXPECT_EQ(app.formats, std::vector<std::string>{"webrtc-datachannel"});
  EXPECT_TRUE(app.codecs.empty());
}

TEST(SdpParser, FirefoxSessionLevelFingerprintIsInherited) {
  const SessionDescription d = parseOk(fixture("firefox_offer.sdp"));
  ASSERT_EQ(d.media.size(), 3u);
  ASSERT_EQ(d.fingerprints.size(), 1u);
  for (const auto& m : d.media) {
    ASSERT_EQ(m.fingerprints.size(), 1u);
    EXPECT_EQ(m.fingerprints[0].value, d.fingerprints[0].value);
    EXPECT_EQ(m.iceUfrag, "c3a9e1f7");  // media level in Firefox offers
    EXPECT_EQ(m.setup, Setup::ActPass);
  }
  EXPECT_TRUE(d.iceUfrag.empty());
  const MediaSection& a = d.media[0];
  EXPECT_EQ(a.findCodec(109)->name, "opus");
  EXPECT_EQ(a.findCodec(109)->fmtp, "maxplaybackrate=48000;stereo=1;useinbandfec=1");
  EXPECT_EQ(a.findCodec(9)->channels, 1);
  EXPECT_EQ(a.findExtension("urn:ietf:params:rtp-hdrext:csrc-audio-level")->id, 2);
  ASSERT_EQ(a.ssrcs.size(), 1u);
  EXPECT_EQ(a.ssrcs[0].ssrc, 2875498239u);
  EXPECT_EQ(a.msidTrack, "{e1f2a3b4-c5d6-4e7f-8a9b-0c1d2e3f4a5b}");
  const MediaSection& v = d.media[1];
  EXPECT_EQ(v.findCodec(120)->name, "VP8");
  EXPECT_EQ(v.findCodec(126)->name, "H264");
  EXPECT_EQ(v.findCodec(126)->fmtp,
            "profile-level-id=42e01f;level-asymmetry-allowed=1;packetization-mode=1");
  // The FID group comes after the a=ssrc lines in Firefox offers.
  ASSERT_EQ(v.ssrcs.size(), 1u);
  EXPECT_EQ(v.ssrcs[0].ssrc, 1838404000u);
}

TEST(SdpParser, AiortcOfferCandidatesAndPerSectionCredentials) {
  const SessionDescription d = parseOk(fixture("aiortc_offer.sdp"));
  ASSERT_EQ(d.media.size(), 3u);
  EXPECT_NE(d.media[0].iceUfrag, d.media[1].iceUfrag);  // aiortc 1.4 repeats no credentials
  for (const auto& m : d.media) {
    EXPECT_EQ(m.candidates.size(), 2u);
    EXPECT_EQ(m.candidates[0].rfind("candidate:", 0), 0u);
    EXPECT_TRUE(m.endOfCandidates);
  }
  EXPECT_EQ(d.media[0].findCodec(0)->name, "PCMU");
  EXPECT_EQ(d.media[2].proto, "DTLS/SCTP");
}

TEST(SdpParser, RecvonlyAndTwoVideoOffers) {
  const SessionDescription r = parseOk(fixture("chrome_recvonly_video.sdp"));
  ASSERT_EQ(r.media.size(), 2u);
  EXPECT_EQ(r.media[1].direction, Direction::RecvOnly);
  EXPECT_TRUE(r.media[1].ssrcs.empty());
  const SessionDescription t = parseOk(fixture("chrome_two_video.sdp"));
  ASSERT_EQ(t.media.size(), 3u);
  EXPECT_EQ(t.media[2].kind, MediaKind::Video);
  EXPECT_EQ(t.media[2].ssrcs.at(0).ssrc, 1122334455u);
  EXPECT_EQ(t.findMid("2"), &t.media[2]);
}

TEST(SdpParser, LfLineEndsParseTheSame) {
  const std::string crlf = fixture("chrome_offer.sdp");
  const SessionDescription a = parseOk(crlf);
  const SessionDescription b = parseOk(replaceAll(crlf, "\r\n", "\n"));
  ASSERT_EQ(a.media.size(), b.media.size());
  for (std::size_t i = 0; i < a.media.size(); ++i) {
    EXPECT_EQ(a.media[i].codecs.size(), b.media[i].codecs.size());
    EXPECT_EQ(a.media[i].line, b.media[i].line);
  }
}

struct BadCase {
  const char* name;
  std::string from;  // replaced in the Chrome offer (first occurrence)
  std::string to;
  std::string messagePart;
};

TEST(SdpParser, ErrorsNameTheLine) {
  const std::string base = fixture("chrome_offer.sdp");
  const std::vector<BadCase> cases = {
      {"rtpmap rate", "a=rtpmap:111 opus/48000/2", "a=rtpmap:111 opus/fast/2", "clock rate"},
      {"rtpmap pt", "a=rtpmap:111 opus/48000/2", "a=rtpmap:300 opus/48000/2", "0-127"},
      {"rtpmap twice", "a=rtpmap:63 red/48000/2", "a=rtpmap:111 red/48000/2", "second a=rtpmap"},
      {"m= pt", "m=audio 9 UDP/TLS/RTP/SAVPF 111", "m=audio 9 UDP/TLS/RTP/SAVPF 128",
       "payload type"},
      {"m= pt twice", "m=audio 9 UDP/TLS/RTP/SAVPF 111 63", "m=audio 9 UDP/TLS/RTP/SAVPF 111 111",
       "twice"},
      {"m= port", "m=audio 9 ", "m=audio 70000 ", "port"},
      {"m= no format", "m=application 9 UDP/DTLS/SCTP webrtc-datachannel",
       "m=application 9 UDP/DTLS/SCTP", "at least one format"},
      {"duplicate mid", "a=mid:1", "a=mid:0", "duplicate mid"},
      {"bad mid", "a=mid:1", "a=mid:{1}", "a=mid"},
      {"fingerprint", "a=fingerprint:sha-256 A1:2B", "a=fingerprint:sha-256 G1:2B", "hex pairs"},
      {"setup", "a=setup:actpass", "a=setup:server", "a=setup"},
      {"ufrag", "a=ice-ufrag:Xs7J", "a=ice-ufrag:Xs", "ice-ufrag"},
      {"pwd", "a=ice-pwd:nGx3y0F2mQp8Zr1aVtKb5cWd", "a=ice-pwd:n_x3y0F2mQp8Zr1aVtKb5cWd",
       "ice-pwd"},
      {"extmap id", "a=extmap:1 urn", "a=extmap:0 urn", "1-255"},
      {"extmap twice", "a=extmap:2 http", "a=extmap:1 http", "twice"},
      {"ssrc overflow", "a=ssrc:3527842176 cname", "a=ssrc:4294967296 cname", "a=ssrc"},
      {"ssrc-group", "a=ssrc-group:FID 2712285312", "a=ssrc-group:FID -2712285312", "32-bit"},
      {"control byte", "a=rtcp-rsize", "a=rtcp\x01rsize", "control character"},
      {"not a type", "a=rtcp-rsize", "rtcp-rsize", "<letter>="},
      {"fmtp non-ascii", "a=fmtp:111 minptime=10", "a=fmtp:111 minptime=\xc3\xa9", "non-ASCII"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const std::size_t pos = base.find(c.from);
    ASSERT_NE(pos, std::string::npos);
    std::string text = base;
    text.replace(pos, c.from.size(), c.to);
    const ParseResult r = parse(text);
    ASSERT_FALSE(r.ok());
    const std::size_t expectedLine =
        1 + static_cast<std::size_t>(std::count(text.begin(), text.begin() + pos, '\n'));
    EXPECT_EQ(r.error.line, expectedLine) << r.error.message;
    EXPECT_NE(r.error.message.find(c.messagePart), std::string::npos) << r.error.message;
  }
}

TEST(SdpParser, WholeInputErrors) {
  EXPECT_EQ(parse("").error.message, "empty description");
  EXPECT_EQ(parse("\r\n\r\n").error.message, "empty description");
  const ParseResult v1 = parse("\nv=1\r\n");
  EXPECT_EQ(v1.error.line, 2u);
  EXPECT_EQ(v1.error.message, "description must start with v=0");
  EXPECT_EQ(parse("v=0\r\nv=0\r\n").error.line, 2u);

  const std::string big = "v=0\r\n" + std::string(kMaxInputBytes, 'x');
  const ParseResult tooBig = parse(big);
  EXPECT_EQ(tooBig.error.line, 0u);
  EXPECT_NE(tooBig.error.message.find("64 KiB"), std::string::npos);

  const ParseResult longLine = parse("v=0\r\ns=" + std::string(5000, 'x') + "\r\n");
  EXPECT_EQ(longLine.error.line, 2u);
}

TEST(SdpParser, CountLimits) {
  std::string many = "v=0\r\n";
  for (int i = 0; i < 65; ++i) many += "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n";
  const ParseResult r = parse(many);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error.line, 66u);
  EXPECT_NE(r.error.message.find("64 m="), std::string::npos);

  std::string fmts = "v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF";
  for (int pt = 0; pt < 65; ++pt) fmts += " " + std::to_string(pt);
  EXPECT_NE(parse(fmts + "\r\n").error.message.find("64 formats"), std::string::npos);

  std::string cands = "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n";
  for (int i = 0; i < 65; ++i) cands += "a=candidate:1 1 udp 1 10.0.0.1 5000 typ host\r\n";
  EXPECT_EQ(parse(cands).error.line, 67u);
}

TEST(SdpParser, UnknownThingsAreIgnored) {
  const SessionDescription d = parseOk(
      "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nb=AS:30\r\n"
      "a=x-unknown:whatever\r\nm=text 9 RTP/AVP 98\r\na=rtpmap:98 t140/1000\r\n"
      "a=rtpmap:99 notlisted/1000\r\na=foo\r\n");
  ASSERT_EQ(d.media.size(), 1u);
  EXPECT_EQ(d.media[0].kind, MediaKind::Other);
  EXPECT_EQ(d.media[0].codecs.size(), 1u);
  EXPECT_EQ(d.media[0].codecs[0].name, "t140");
}

// Every prefix and a few thousand random byte mutations of a real offer: no crash, no hang, and
// an error always carries a line inside the input.
TEST(SdpParser, TruncatedAndMutatedOffersNeverCrash) {
  const std::string base = fixture("firefox_offer.sdp");
  for (std::size_t n = 0; n <= base.size(); n += 7)
    (void)parse(std::string_view(base).substr(0, n));
  std::mt19937 rng(12345);
  for (int i = 0; i < 3000; ++i) {
    std::string t = base;
    for (int k = 0; k < 4; ++k) {
      t[rng() % t.size()] = static_cast<char>(rng() & 0xFF);
    }
    const ParseResult r = parse(t);
    if (!r.ok()) {
      EXPECT_LE(r.error.line, static_cast<std::size_t>(std::count(t.begin(), t.end(), '\n') + 1));
      EXPECT_FALSE(r.error.message.empty());
    }
  }
}

}  // namespace
}  // namespace callpy::rtc::sdp
