#include "rtc/rtp/rtp_packet.h"

#include <gtest/gtest.h>

#include <vector>

#include "rtc/rtp/demux.h"

namespace callpy::rtc::rtp {
namespace {

using Bytes = std::vector<std::uint8_t>;

// V=2, PT 96, seq 0x1234, ts 0x01020304, ssrc 0xAABBCCDD, payload "hi".
Bytes plain() {
  return {0x80, 0x60, 0x12, 0x34, 0x01, 0x02, 0x03, 0x04, 0xAA, 0xBB, 0xCC, 0xDD, 'h', 'i'};
}

TEST(Demux, ClassifiesByFirstAndSecondByte) {
  const std::uint8_t stun[] = {0x00, 0x01};
  const std::uint8_t dtls[] = {22, 0xFE};
  const std::uint8_t rtp[] = {0x80, 0x60};
  const std::uint8_t rtpMarker[] = {0x80, 0xE0};  // marker + PT 96 = 224: not RTCP
  const std::uint8_t sr[] = {0x80, 200};
  const std::uint8_t psfb[] = {0x81, 206};
  const std::uint8_t other[] = {70, 0};
  EXPECT_EQ(classify(stun, 2), PacketKind::Stun);
  EXPECT_EQ(classify(dtls, 2), PacketKind::Dtls);
  EXPECT_EQ(classify(rtp, 2), PacketKind::Rtp);
  EXPECT_EQ(classify(rtpMarker, 2), PacketKind::Rtp);
  EXPECT_EQ(classify(sr, 2), PacketKind::Rtcp);
  EXPECT_EQ(classify(psfb, 2), PacketKind::Rtcp);
  EXPECT_EQ(classify(other, 2), PacketKind::Unknown);
  EXPECT_EQ(classify(rtp, 1), PacketKind::Unknown);
  EXPECT_EQ(classify(rtp, 0), PacketKind::Unknown);
}

TEST(RtpPacket, ParsesFixedHeader) {
  Bytes b = plain();
  auto p = RtpPacket::parse(b.data(), b.size());
  ASSERT_TRUE(p);
  EXPECT_FALSE(p->marker());
  EXPECT_EQ(p->payloadType(), 96);
  EXPECT_EQ(p->sequenceNumber(), 0x1234);
  EXPECT_EQ(p->timestamp(), 0x01020304u);
  EXPECT_EQ(p->ssrc(), 0xAABBCCDDu);
  EXPECT_EQ(p->csrcCount(), 0u);
  EXPECT_FALSE(p->hasExtension());
  EXPECT_EQ(p->headerLength(), 12u);
  ASSERT_EQ(p->payloadLength(), 2u);
  EXPECT_EQ(p->payload()[0], 'h');
}

TEST(RtpPacket, CsrcsAndPadding) {
  // CC=2, P set, marker + PT 111; payload 3 bytes then 4 bytes of padding (count 4).
  Bytes b = {0xA2, 0xEF, 0x00, 0x01, 0, 0, 0, 9, 0, 0, 0, 7,  // header
             0, 0, 0, 1, 0, 0, 0, 2,                          // CSRCs
             'a', 'b', 'c', 0, 0, 0, 4};
  auto p = RtpPacket::parse(b.data(), b.size());
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->marker());
  EXPECT_EQ(p->payloadType(), 111);
  EXPECT_EQ(p->csrcCount(), 2u);
  EXPECT_EQ(p->csrc(0), 1u);
  EXPECT_EQ(p->csrc(1), 2u);
  EXPECT_EQ(p->headerLength(), 20u);
  EXPECT_EQ(p->paddingLength(), 4u);
  EXPECT_EQ(p->payloadLength(), 3u);
  EXPECT_EQ(p->payload()[2], 'c');
}

TEST(RtpPacket, OneByteExtensions) {
  // X set; profile 0xBEDE, 2 words: id 1 len 1 (0x11 0x22), padding 0, id 3 len 2 (a b c)... then
  // id 5 len 1 would overflow: the block holds exactly 8 bytes.
  Bytes b = {0x90, 0x60, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1,
             0xBE, 0xDE, 0x00, 0x02,
             0x11, 0x22, 0x33, 0x00, 0x32, 'a', 'b', 'c',
             'P'};
  auto p = RtpPacket::parse(b.data(), b.size());
  ASSERT_TRUE(p);
  EXPECT_EQ(p->extensionProfile(), 0xBEDE);
  auto e1 = p->extension(1);
  ASSERT_TRUE(e1);
  ASSERT_EQ(e1->size(), 2u);
  EXPECT_EQ((*e1)[0], 0x22);
  EXPECT_EQ((*e1)[1], 0x33);
  auto e3 = p->extension(3);
  ASSERT_TRUE(e3);
  ASSERT_EQ(e3->size(), 3u);
  EXPECT_EQ((*e3)[2], 'c');
  EXPECT_FALSE(p->extension(2));
  EXPECT_FALSE(p->extension(15));
  EXPECT_FALSE(p->extension(0));
  EXPECT_EQ(p->headerLength(), 24u);
  EXPECT_EQ(p->payloadLength(), 1u);
}

TEST(RtpPacket, OneByteExtensionStopsAtReservedIdAndOverrun) {
  Bytes b = {0x90, 0x60, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1,
             0xBE, 0xDE, 0x00, 0x01, 0xF0, 0x10, 0x99, 0x00};  // id 15 first: stop
  auto p = RtpPacket::parse(b.data(), b.size());
  ASSERT_TRUE(p);
  EXPECT_FALSE(p->extension(1));
  b[16] = 0x13;  // id 1 claims 4 bytes, only 3 remain in the block
  p = RtpPacket::parse(b.data(), b.size());
  ASSERT_TRUE(p);
  EXPECT_FALSE(p->extension(1));
}

TEST(RtpPacket, TwoByteExtensions) {
  // profile 0x1000 (appbits 0), 2 words: id 20 len 0, padding, id 200 len 3.
  Bytes b = {0x90, 0x60, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1,
             0x10, 0x00, 0x00, 0x02,
             20, 0, 0, 200, 3, 'x', 'y', 'z'};
  auto p = RtpPacket::parse(b.data(), b.size());
  ASSERT_TRUE(p);
  auto e20 = p->extension(20);
  ASSERT_TRUE(e20);
  EXPECT_EQ(e20->size(), 0u);
  auto e200 = p->extension(200);
  ASSERT_TRUE(e200);
  ASSERT_EQ(e200->size(), 3u);
  EXPECT_EQ((*e200)[0], 'x');
  EXPECT_FALSE(p->extension(1));
  EXPECT_EQ(p->payloadLength(), 0u);
}

TEST(RtpPacket, UnknownExtensionProfileHasNoElements) {
  Bytes b = {0x90, 0x60, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0x12, 0x34, 0x00, 0x01, 0x10, 0, 0, 0};
  auto p = RtpPacket::parse(b.data(), b.size());
  ASSERT_TRUE(p);
  EXPECT_FALSE(p->extension(1));
}

TEST(RtpPacket, RejectsMalformed) {
  Bytes shortHdr = {0x80, 0x60, 0, 1, 0, 0, 0, 1, 0, 0, 0};
  EXPECT_FALSE(RtpPacket::parse(shortHdr.data(), shortHdr.size()));
  Bytes v1 = plain();
  v1[0] = 0x40;
  EXPECT_FALSE(RtpPacket::parse(v1.data(), v1.size()));
  Bytes csrcOverrun = plain();
  csrcOverrun[0] = 0x81;  // one CSRC but only 2 bytes follow
  EXPECT_FALSE(RtpPacket::parse(csrcOverrun.data(), csrcOverrun.size()));
  Bytes extHeaderOverrun = plain();
  extHeaderOverrun[0] = 0x90;  // extension header needs 4 bytes, 2 remain
  EXPECT_FALSE(RtpPacket::parse(extHeaderOverrun.data(), extHeaderOverrun.size()));
  Bytes extOverrun = {0x90, 0x60, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0xBE, 0xDE, 0x00, 0x02, 0, 0, 0, 0};
  EXPECT_FALSE(RtpPacket::parse(extOverrun.data(), extOverrun.size()));
  Bytes padZero = plain();
  padZero[0] = 0xA0;
  padZero.back() = 0;
  EXPECT_FALSE(RtpPacket::parse(padZero.data(), padZero.size()));
  Bytes padTooBig = plain();
  padTooBig[0] = 0xA0;
  padTooBig.back() = 3;  // only 2 bytes after the header
  EXPECT_FALSE(RtpPacket::parse(padTooBig.data(), padTooBig.size()));
  padTooBig.back() = 2;  // all of it padding: valid, empty payload
  auto p = RtpPacket::parse(padTooBig.data(), padTooBig.size());
  ASSERT_TRUE(p);
  EXPECT_EQ(p->payloadLength(), 0u);
  EXPECT_FALSE(RtpPacket::parse(nullptr, 20));
}

TEST(RtpPacket, SettersWriteInPlace) {
  Bytes b = plain();
  auto p = RtpPacket::parse(b.data(), b.size());
  ASSERT_TRUE(p);
  p->setSsrc(0x01020304);
  p->setSequenceNumber(0xFFFE);
  p->setTimestamp(0xDEADBEEF);
  p->setPayloadType(100);
  p->setMarker(true);
  const Bytes expected = {0x80, 0xE4, 0xFF, 0xFE, 0xDE, 0xAD, 0xBE, 0xEF, 1, 2, 3, 4, 'h', 'i'};
  EXPECT_EQ(b, expected);
  p->setMarker(false);
  EXPECT_EQ(b[1], 100);
  p->setPayloadType(0xFF);  // masked to 7 bits, marker untouched
  EXPECT_EQ(b[1], 0x7F);
}

}  // namespace
}  // namespace callpy::rtc::rtp
