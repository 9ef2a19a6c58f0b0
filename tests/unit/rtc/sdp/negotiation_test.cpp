// Negotiation over real browser offers: chosen codecs keep the offer's payload types, feedback is
// limited to NACK/PLI/FIR, and every refusal says why.
#include "rtc/sdp/negotiation.h"

#include <gtest/gtest.h>

#include "sdp_fixtures.h"

namespace callpy::rtc::sdp {
namespace {

using testing::dropPayloadTypes;
using testing::filterLines;
using testing::fixture;
using testing::kAllFixtures;
using testing::parseOk;
using testing::replaceAll;

Negotiation negotiateOk(const std::string& text) {
  const NegotiationResult r = negotiate(parseOk(text));
  EXPECT_TRUE(r.ok()) << r.error;
  return r.ok() ? *r.negotiation : Negotiation{};
}

std::string negotiateError(const std::string& text) {
  const NegotiationResult r = negotiate(parseOk(text));
  EXPECT_FALSE(r.ok());
  return r.error;
}

TEST(SdpNegotiation, EveryFixtureNegotiates) {
  for (const auto& name : kAllFixtures) {
    SCOPED_TRACE(name);
    const Negotiation n = negotiateOk(fixture(name));
    ASSERT_FALSE(n.sections.empty());
    EXPECT_FALSE(n.bundleMids.empty());
    EXPECT_EQ(n.remoteFingerprintSha256.size(), 95u);
  }
}

TEST(SdpNegotiation, ChromeOfferPicksOpusAndVp8WithTheOffersPayloadTypes) {
  const Negotiation n = negotiateOk(fixture("chrome_offer.sdp"));
  ASSERT_EQ(n.sections.size(), 3u);
  ASSERT_TRUE(n.sections[0].accepted);
  const AcceptedMedia& a = *n.sections[0].accepted;
  EXPECT_EQ(a.mid, "0");
  EXPECT_EQ(a.kind, MediaKind::Audio);
  EXPECT_EQ(a.codec.payloadType, 111);
  EXPECT_EQ(a.codec.name, "opus");
  EXPECT_EQ(a.codec.fmtp, "minptime=10;useinbandfec=1");
  EXPECT_FALSE(a.feedback.nack);  // Chrome offers only transport-cc for Opus
  EXPECT_FALSE(a.feedback.pli);
  EXPECT_EQ(a.direction, Direction::SendRecv);
  EXPECT_EQ(a.midExtensionId, 4);
  ASSERT_EQ(a.remoteSsrcs.size(), 1u);
  EXPECT_EQ(a.remoteSsrcs[0].ssrc, 3527842176u);

  ASSERT_TRUE(n.sections[1].accepted);
  const AcceptedMedia& v = *n.sections[1].accepted;
  EXPECT_EQ(v.codec.payloadType, 96);
  EXPECT_EQ(v.codec.name, "VP8");
  EXPECT_TRUE(v.feedback.nack);
  EXPECT_TRUE(v.feedback.pli);
  EXPECT_TRUE(v.feedback.fir);
  EXPECT_EQ(v.midExtensionId, 4);
  ASSERT_EQ(v.remoteSsrcs.size(), 1u);  // the RTX SSRC is not a media SSRC
  EXPECT_EQ(v.remoteSsrcs[0].ssrc, 2712285312u);

  EXPECT_FALSE(n.sections[2].accepted);  // the data channel
  EXPECT_NE(n.sections[2].rejectReason.find("application"), std::string::npos);
  EXPECT_EQ(n.bundleMids, (std::vector<std::string>{"0", "1"}));
  EXPECT_EQ(n.remoteIceUfrag, "Xs7J");
  EXPECT_EQ(n.remoteIcePwd, "nGx3y0F2mQp8Zr1aVtKb5cWd");
  EXPECT_EQ(n.remoteSetup, Setup::ActPass);
  EXPECT_TRUE(n.extmapAllowMixed);
}

TEST(SdpNegotiation, FirefoxOfferPicks109And120) {
  const Negotiation n = negotiateOk(fixture("firefox_offer.sdp"));
  EXPECT_EQ(n.sections[0].accepted->codec.payloadType, 109);
  EXPECT_EQ(n.sections[0].accepted->midExtensionId, 3);
  EXPECT_EQ(n.sections[1].accepted->codec.payloadType, 120);
  EXPECT_TRUE(n.sections[1].accepted->feedback.fir);
  EXPECT_EQ(n.sections[1].accepted->remoteSsrcs.at(0).ssrc, 1838404000u);
  EXPECT_EQ(n.remoteFingerprintSha256.substr(0, 5), "8D:3F");  // from the session level
  EXPECT_EQ(n.remoteIceUfrag, "c3a9e1f7");
}

TEST(SdpNegotiation, H264WhenVp8IsAbsentPrefersConstrainedBaselineMode1) {
  // Chrome lists 102 (42001f baseline, mode 1) before 106 (42e01f constrained baseline, mode 1).
  const Negotiation n = negotiateOk(dropPayloadTypes(fixture("chrome_offer.sdp"), {96, 97}));
  const AcceptedMedia& v = *n.sections[1].accepted;
  EXPECT_EQ(v.codec.name, "H264");
  EXPECT_EQ(v.codec.payloadType, 106);
  EXPECT_EQ(fmtpParameter(v.codec.fmtp, "profile-level-id"), "42e01f");
  EXPECT_TRUE(v.feedback.nack && v.feedback.pli && v.feedback.fir);

  // Without constrained baseline in mode 1, plain baseline in mode 1 (102), never mode 0.
  const Negotiation b =
      negotiateOk(dropPayloadTypes(fixture("chrome_offer.sdp"), {96, 97, 106, 107}));
  EXPECT_EQ(b.sections[1].accepted->codec.payloadType, 102);

  // Only mode 0 and main/high profiles left: the video section is rejected, audio still works.
  const Negotiation none =
      negotiateOk(dropPayloadTypes(fixture("chrome_offer.sdp"), {96, 97, 102, 103, 106, 107}));
  EXPECT_FALSE(none.sections[1].accepted);
  EXPECT_NE(none.sections[1].rejectReason.find("VP8 or H.264"), std::string::npos);
  EXPECT_EQ(none.bundleMids, std::vector<std::string>{"0"});

  // Firefox: 126 is mode 1, 97 is mode 0.
  const Negotiation ff = negotiateOk(dropPayloadTypes(fixture("firefox_offer.sdp"), {120, 124}));
  EXPECT_EQ(ff.sections[1].accepted->codec.payloadType, 126);
}

TEST(SdpNegotiation, H264ProfileClasses) {
  EXPECT_EQ(h264Profile("profile-level-id=42e01f"), H264Profile::ConstrainedBaseline);
  EXPECT_EQ(h264Profile("profile-level-id=42C01F"), H264Profile::ConstrainedBaseline);
  EXPECT_EQ(h264Profile("profile-level-id=4d801f"), H264Profile::ConstrainedBaseline);
  EXPECT_EQ(h264Profile("profile-level-id=42001f"), H264Profile::Baseline);
  EXPECT_EQ(h264Profile("packetization-mode=1"), H264Profile::Baseline);  // RFC 6184 default
  EXPECT_EQ(h264Profile("profile-level-id=4d001f"), H264Profile::Other);
  EXPECT_EQ(h264Profile("profile-level-id=64001f"), H264Profile::Other);
  EXPECT_EQ(h264Profile("profile-level-id=42e0"), H264Profile::Unknown);
  EXPECT_EQ(h264Profile("profile-level-id=zze01f"), H264Profile::Unknown);
  EXPECT_EQ(fmtpParameter("a=1; packetization-mode = 1 ;c", "packetization-mode"), "1");
  EXPECT_EQ(fmtpParameter("a=1", "b"), "");
}

TEST(SdpNegotiation, DirectionsMirrorTheOffer) {
  const Negotiation r = negotiateOk(fixture("chrome_recvonly_video.sdp"));
  EXPECT_EQ(r.sections[0].accepted->direction, Direction::SendOnly);
  EXPECT_EQ(r.sections[1].accepted->direction, Direction::SendOnly);
  EXPECT_TRUE(r.sections[1].accepted->remoteSsrcs.empty());

  const Negotiation s =
      negotiateOk(replaceAll(fixture("chrome_audio_only.sdp"), "a=sendrecv", "a=sendonly"));
  EXPECT_EQ(s.sections[0].accepted->direction, Direction::RecvOnly);
  EXPECT_EQ(s.sections[0].accepted->remoteSsrcs.size(), 1u);
}

TEST(SdpNegotiation, TwoVideoSectionsAreBothAccepted) {
  const Negotiation n = negotiateOk(fixture("chrome_two_video.sdp"));
  ASSERT_EQ(n.sections.size(), 3u);
  EXPECT_EQ(n.sections[1].accepted->codec.payloadType, 96);
  EXPECT_EQ(n.sections[2].accepted->codec.payloadType, 96);
  EXPECT_EQ(n.sections[2].accepted->remoteSsrcs.at(0).ssrc, 1122334455u);
  EXPECT_EQ(n.bundleMids, (std::vector<std::string>{"0", "1", "2"}));
}

TEST(SdpNegotiation, AiortcTransportComesFromTheFirstAcceptedSection) {
  const Negotiation n = negotiateOk(fixture("aiortc_offer.sdp"));
  EXPECT_EQ(n.remoteIceUfrag, parseOk(fixture("aiortc_offer.sdp")).media[0].iceUfrag);
  EXPECT_EQ(n.sections[0].accepted->codec.payloadType, 96);
  EXPECT_EQ(n.sections[1].accepted->codec.payloadType, 97);
  EXPECT_FALSE(n.sections[1].accepted->feedback.fir);  // aiortc offers no ccm fir
  EXPECT_FALSE(n.sections[2].accepted);
}

TEST(SdpNegotiation, DataChannelFirstMakesTheAudioSectionTheTag) {
  // A page that creates its data channel before adding tracks gets m=application as mid 0.
  const SessionDescription d = parseOk(fixture("chrome_offer.sdp"));
  SessionDescription moved = d;
  std::rotate(moved.media.begin(), moved.media.begin() + 2, moved.media.end());
  moved.groups[0].mids = {"2", "0", "1"};
  const NegotiationResult r = negotiate(moved);
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_FALSE(r.negotiation->sections[0].accepted);
  EXPECT_EQ(r.negotiation->bundleMids, (std::vector<std::string>{"0", "1"}));
}

TEST(SdpNegotiation, PortZeroSectionIsRejected) {
  const Negotiation n =
      negotiateOk(replaceAll(fixture("chrome_offer.sdp"), "m=video 9", "m=video 0"));
  EXPECT_FALSE(n.sections[1].accepted);
  EXPECT_NE(n.sections[1].rejectReason.find("port 0"), std::string::npos);
}

TEST(SdpNegotiation, ErrorsAreClear) {
  const std::string chrome = fixture("chrome_offer.sdp");
  EXPECT_NE(negotiateError(replaceAll(chrome, "UDP/TLS/RTP/SAVPF", "RTP/AVP"))
                .find("transport must be UDP/TLS/RTP/SAVPF, not RTP/AVP"),
            std::string::npos);
  EXPECT_NE(negotiateError(replaceAll(chrome, "a=group:BUNDLE 0 1 2", "a=group:BUNDLE 2"))
                .find("BUNDLE is required"),
            std::string::npos);
  EXPECT_NE(
      negotiateError(
          filterLines(chrome, [](const std::string& l) { return l.rfind("a=group:", 0) == 0; }))
          .find("BUNDLE"),
      std::string::npos);
  EXPECT_NE(negotiateError(replaceAll(chrome, "a=rtcp-mux\r\n", "")).find("a=rtcp-mux is required"),
            std::string::npos);
  EXPECT_NE(
      negotiateError(
          filterLines(chrome, [](const std::string& l) { return l.rfind("a=ice-pwd", 0) == 0; }))
          .find("a=ice-ufrag and a=ice-pwd are required"),
      std::string::npos);
  EXPECT_NE(negotiateError(replaceAll(chrome, "a=fingerprint:sha-256", "a=fingerprint:sha-1"))
                .find("sha-256 a=fingerprint is required"),
            std::string::npos);
  EXPECT_NE(negotiateError(replaceAll(chrome, "a=setup:actpass", "a=setup:passive"))
                .find("a=setup must be actpass or active, not passive"),
            std::string::npos);
  const std::string noCodecs = negotiateError(dropPayloadTypes(chrome, {111, 96, 102, 106}));
  EXPECT_NE(noCodecs.find("no usable audio or video section"), std::string::npos);
  EXPECT_NE(noCodecs.find("no Opus/48000/2 codec offered"), std::string::npos);
  EXPECT_EQ(negotiateError("v=0\r\n"), "the offer has no m= sections");
  EXPECT_NE(negotiateError(replaceAll(chrome, "a=mid:", "a=x-mid:")).find("a=mid is missing"),
            std::string::npos);

  // a=setup:active is fine (we answer passive either way).
  EXPECT_EQ(negotiateOk(replaceAll(chrome, "a=setup:actpass", "a=setup:active")).remoteSetup,
            Setup::Active);
}

}  // namespace
}  // namespace callpy::rtc::sdp
