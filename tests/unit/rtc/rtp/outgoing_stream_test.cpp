#include "rtc/rtp/outgoing_stream.h"

#include <gtest/gtest.h>

#include <vector>

#include "rtc/rtp/rtp_packet.h"
#include "rtc/rtp/vp8_descriptor.h"

namespace callpy::rtc::rtp {
namespace {

using Bytes = std::vector<std::uint8_t>;
constexpr std::uint32_t kOutSsrc = 0x0A0B0C0D;
constexpr std::uint8_t kOutPt = 98;

Bytes packet(std::uint32_t ssrc, std::uint16_t seq, std::uint32_t ts, std::uint8_t pt = 96,
             Bytes payload = {'p'}) {
  Bytes b = {0x80, pt, std::uint8_t(seq >> 8), std::uint8_t(seq),
             std::uint8_t(ts >> 24), std::uint8_t(ts >> 16), std::uint8_t(ts >> 8), std::uint8_t(ts),
             std::uint8_t(ssrc >> 24), std::uint8_t(ssrc >> 16), std::uint8_t(ssrc >> 8), std::uint8_t(ssrc)};
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}

// VP8 descriptor with X, I (7 or 15 bit PictureID), L (TL0PICIDX), T (TID byte), then 2 bytes.
Bytes vp8Payload(std::uint16_t pictureId, bool wide, std::uint8_t tl0) {
  Bytes p = {0x90, 0xE0};
  if (wide) {
    p.push_back(std::uint8_t(0x80 | (pictureId >> 8)));
    p.push_back(std::uint8_t(pictureId));
  } else {
    p.push_back(std::uint8_t(pictureId & 0x7F));
  }
  p.push_back(tl0);
  p.push_back(0x20);  // TID 0, Y 1
  p.push_back(0xAB);
  p.push_back(0xCD);
  return p;
}

struct Out {
  std::uint32_t ssrc;
  std::uint8_t pt;
  std::uint16_t seq;
  std::uint32_t ts;
  Vp8Descriptor vp8;
};

Out forward(OutgoingStream& s, Bytes b, std::uint64_t nowUs, bool expectOk = true) {
  EXPECT_EQ(s.rewrite(b.data(), b.size(), nowUs), expectOk);
  auto p = RtpPacket::parse(b.data(), b.size());
  EXPECT_TRUE(p);
  Out o{p->ssrc(), p->payloadType(), p->sequenceNumber(), p->timestamp(), {}};
  if (auto d = parseVp8Descriptor(p->payload())) o.vp8 = *d;
  return o;
}

TEST(OutgoingStream, FirstSourceKeepsNumberingAndGetsOurSsrcAndPt) {
  OutgoingStream s(kOutSsrc, kOutPt, 90000);
  EXPECT_FALSE(s.hasSource());
  const Out o = forward(s, packet(0x1111, 500, 9000), 1'000'000);
  EXPECT_EQ(o.ssrc, kOutSsrc);
  EXPECT_EQ(o.pt, kOutPt);
  EXPECT_EQ(o.seq, 500);
  EXPECT_EQ(o.ts, 9000u);
  EXPECT_TRUE(s.hasSource());
  EXPECT_EQ(s.sourceSsrc(), 0x1111u);
  EXPECT_EQ(s.packetCount(), 1u);
  EXPECT_EQ(s.octetCount(), 1u);
}

TEST(OutgoingStream, ReorderedPacketsKeepOffsetMapping) {
  OutgoingStream s(kOutSsrc, kOutPt, 90000);
  forward(s, packet(1, 10, 1000), 0);
  forward(s, packet(1, 12, 4000), 1000);
  EXPECT_EQ(forward(s, packet(1, 11, 1000), 2000).seq, 11);  // late: not "last + 1"
  EXPECT_EQ(s.lastSequence(), 12);
  EXPECT_EQ(s.lastTimestamp(), 4000u);
  // Older than the source's first forwarded packet: would collide, dropped.
  forward(s, packet(1, 9, 1000), 3000, false);
}

TEST(OutgoingStream, LongRunWrapsSeqManyTimes) {
  OutgoingStream s(kOutSsrc, kOutPt, 90000);
  forward(s, packet(1, 0, 0), 0);
  s.switchSource();
  std::uint16_t expected = 1;
  for (std::uint32_t i = 0; i < 140'000; ++i, ++expected) {
    Bytes b = packet(2, static_cast<std::uint16_t>(40'000 + i), i * 3000u);
    ASSERT_TRUE(s.rewrite(b.data(), b.size(), 1000 + i)) << i;
    ASSERT_EQ(RtpPacket::parse(b.data(), b.size())->sequenceNumber(), expected) << i;
  }
  // A retransmission 100 packets late is still mapped; one from 20000 packets ago is not.
  const std::uint16_t newest = static_cast<std::uint16_t>(40'000 + 139'999);
  EXPECT_EQ(forward(s, packet(2, newest - 100, 0), 200'000).seq,
            static_cast<std::uint16_t>(expected - 101));
  forward(s, packet(2, newest - 20'000, 0), 200'000, false);
}

TEST(OutgoingStream, SwitchContinuesSeqAndTimestamp) {
  OutgoingStream s(kOutSsrc, kOutPt, 90000);
  forward(s, packet(0xA, 65534, 90000), 1'000'000);
  forward(s, packet(0xA, 65535, 93000), 1'033'000);  // newest ts 93000 at t=1.033 s
  s.switchSource();
  // 200 ms later the new device starts with unrelated numbers.
  const Out first = forward(s, packet(0xB, 7000, 5'000'000), 1'233'000);
  EXPECT_EQ(first.seq, 0);  // 65535 + 1 wraps
  EXPECT_EQ(first.ts, 93000u + 18000u);  // 0.2 s * 90 kHz
  EXPECT_EQ(s.sourceSsrc(), 0xBu);
  const Out second = forward(s, packet(0xB, 7001, 5'003'000), 1'266'000);
  EXPECT_EQ(second.seq, 1);
  EXPECT_EQ(second.ts, 93000u + 18000u + 3000u);
  // Straggler of the old source after the switch: dropped, not mapped.
  forward(s, packet(0xA, 0, 96000), 1'270'000, false);
  EXPECT_EQ(s.lastSequence(), 1);
}

TEST(OutgoingStream, NewSsrcWithoutSwitchIsARestart) {
  OutgoingStream s(kOutSsrc, kOutPt, 48000);
  forward(s, packet(0xA, 100, 4'000'000'000u), 0);
  const Out o = forward(s, packet(0xC, 9, 17), 0);  // same instant: still one tick ahead
  EXPECT_EQ(o.seq, 101);
  EXPECT_EQ(o.ts, 4'000'000'001u);
  EXPECT_EQ(s.sourceSsrc(), 0xCu);
  // Timestamps wrap at 2^32 within the mapping.
  const Out later = forward(s, packet(0xC, 10, 17 + 300'000'000u), 10);
  EXPECT_EQ(later.ts, static_cast<std::uint32_t>(4'000'000'001ull + 300'000'000ull));
  EXPECT_EQ(later.seq, 102);
}

TEST(OutgoingStream, SwitchBackToAnEarlierSourceIsAllowedExplicitly) {
  OutgoingStream s(kOutSsrc, kOutPt, 90000);
  forward(s, packet(0xA, 1, 100), 0);
  s.switchSource();
  forward(s, packet(0xB, 50, 700), 100'000);
  s.switchSource();
  const Out back = forward(s, packet(0xA, 30, 100 + 90000), 200'000);
  EXPECT_EQ(back.seq, 3);
  EXPECT_EQ(back.ts, 100u + 9000u + 9000u);
}

TEST(OutgoingStream, RejectsMalformedWithoutStateChange) {
  OutgoingStream s(kOutSsrc, kOutPt, 90000, PayloadFormat::Vp8);
  Bytes junk = {0x80, 0x60, 0, 1};
  EXPECT_FALSE(s.rewrite(junk.data(), junk.size(), 0));
  Bytes badVp8 = packet(1, 1, 1, 96, {0x80});  // X set but no extension byte
  const Bytes before = badVp8;
  EXPECT_FALSE(s.rewrite(badVp8.data(), badVp8.size(), 0));
  EXPECT_EQ(badVp8, before);
  EXPECT_FALSE(s.hasSource());
  EXPECT_FALSE(s.hasSent());
  // Padding-only packets (empty payload) carry no descriptor and pass.
  Bytes paddingOnly = packet(1, 2, 1, 96, {0, 0, 3});
  paddingOnly[0] |= 0x20;
  EXPECT_TRUE(s.rewrite(paddingOnly.data(), paddingOnly.size(), 0));
}

TEST(OutgoingStream, Vp8PictureIdContinuity15Bit) {
  OutgoingStream s(kOutSsrc, kOutPt, 90000, PayloadFormat::Vp8);
  Out o = forward(s, packet(0xA, 1, 0, 96, vp8Payload(0x7FFE, true, 254)), 0);
  EXPECT_EQ(o.vp8.pictureIdBits, 15);
  EXPECT_EQ(o.vp8.pictureId, 0x7FFE);
  EXPECT_EQ(o.vp8.tl0PicIdx, 254);
  o = forward(s, packet(0xA, 2, 3000, 96, vp8Payload(0x7FFF, true, 255)), 33'000);
  EXPECT_EQ(o.vp8.pictureId, 0x7FFF);
  s.switchSource();
  o = forward(s, packet(0xB, 900, 12345, 96, vp8Payload(4321, true, 17)), 66'000);
  EXPECT_EQ(o.vp8.pictureIdBits, 15);
  EXPECT_EQ(o.vp8.pictureId, 0);    // wraps at 2^15
  EXPECT_EQ(o.vp8.tl0PicIdx, 0);    // wraps at 2^8
  o = forward(s, packet(0xB, 901, 12345, 96, vp8Payload(4321, true, 17)), 67'000);
  EXPECT_EQ(o.vp8.pictureId, 0);    // same frame, same id
  o = forward(s, packet(0xB, 902, 15345, 96, vp8Payload(4322, true, 18)), 99'000);
  EXPECT_EQ(o.vp8.pictureId, 1);
  EXPECT_EQ(o.vp8.tl0PicIdx, 1);
  EXPECT_EQ(o.seq, 5);
}

TEST(OutgoingStream, Vp8PictureIdContinuity7BitAndPayloadIntact) {
  OutgoingStream s(kOutSsrc, kOutPt, 90000, PayloadFormat::Vp8);
  forward(s, packet(0xA, 1, 0, 96, vp8Payload(126, false, 9)), 0);
  s.switchSource();
  Bytes b = packet(0xB, 40, 777, 96, vp8Payload(50, false, 200));
  ASSERT_TRUE(s.rewrite(b.data(), b.size(), 33'000));
  auto p = RtpPacket::parse(b.data(), b.size());
  auto d = parseVp8Descriptor(p->payload());
  ASSERT_TRUE(d);
  EXPECT_EQ(d->pictureIdBits, 7);
  EXPECT_EQ(d->pictureId, 127);
  EXPECT_EQ(d->tl0PicIdx, 10);
  EXPECT_EQ(d->size, 5u);
  EXPECT_EQ(p->payload()[5], 0xAB);  // the VP8 payload header is untouched
  Bytes c = packet(0xB, 41, 3777, 96, vp8Payload(51, false, 201));
  ASSERT_TRUE(s.rewrite(c.data(), c.size(), 66'000));
  d = parseVp8Descriptor(RtpPacket::parse(c.data(), c.size())->payload());
  EXPECT_EQ(d->pictureId, 0);  // wraps at 2^7
  EXPECT_EQ(d->tl0PicIdx, 11);
}

TEST(OutgoingStream, GenericFormatLeavesPayloadAlone) {
  OutgoingStream s(kOutSsrc, 111, 48000);
  Bytes b = packet(1, 1, 1, 111, vp8Payload(5, false, 5));
  const Bytes payloadBefore(b.begin() + 12, b.end());
  forward(s, packet(2, 1, 1), 0);
  s.switchSource();
  ASSERT_TRUE(s.rewrite(b.data(), b.size(), 1000));
  EXPECT_EQ(Bytes(b.begin() + 12, b.end()), payloadBefore);
}

TEST(Vp8Descriptor, ParsesMinimalAndRejectsTruncated) {
  const std::uint8_t minimal[] = {0x10, 0x9D};
  auto d = parseVp8Descriptor(minimal);
  ASSERT_TRUE(d);
  EXPECT_TRUE(d->startOfPartition);
  EXPECT_FALSE(d->hasPictureId);
  EXPECT_EQ(d->size, 1u);
  const std::uint8_t noExt[] = {0x80};
  EXPECT_FALSE(parseVp8Descriptor(noExt));
  const std::uint8_t wideTruncated[] = {0x80, 0x80, 0x81};
  EXPECT_FALSE(parseVp8Descriptor(wideTruncated));
  const std::uint8_t tl0Missing[] = {0x80, 0xC0, 0x05};
  EXPECT_FALSE(parseVp8Descriptor(tl0Missing));
  const std::uint8_t tidMissing[] = {0x80, 0x10};
  EXPECT_FALSE(parseVp8Descriptor(tidMissing));
  EXPECT_FALSE(parseVp8Descriptor({}));
}

}  // namespace
}  // namespace callpy::rtc::rtp
