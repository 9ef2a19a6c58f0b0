#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "rtc/record/ogg_writer.h"
#include "rtc/record/opus_packet.h"
#include "rtc/record/raw_file.h"
#include "rtc/record/stereo_audio.h"
#include "test_packets.h"

namespace callpy::rtc::record {
namespace {

using testing::Bytes;
using testing::rtpPacket;

// A bit-by-bit CRC (RFC 3533 §6 / libogg: poly 0x04C11DB7, init 0, no reflection, no xor),
// independent of the table-driven one under test.
std::uint32_t slowCrc(const std::uint8_t* p, std::size_t n) {
  std::uint32_t crc = 0;
  for (std::size_t i = 0; i < n; ++i) {
    crc ^= std::uint32_t{p[i]} << 24;
    for (int k = 0; k < 8; ++k) crc = (crc & 0x80000000u) ? (crc << 1) ^ 0x04C11DB7u : crc << 1;
  }
  return crc;
}

struct Page {
  std::uint8_t flags = 0;
  std::int64_t granule = 0;
  std::uint32_t serial = 0, sequence = 0, crc = 0;
  Bytes lacing, body;
  bool crcOk = false;
};

std::uint64_t le(const std::string& s, std::size_t at, int n) {
  std::uint64_t v = 0;
  for (int i = n - 1; i >= 0; --i) v = (v << 8) | static_cast<std::uint8_t>(s[at + i]);
  return v;
}

// Splits an Ogg stream into pages, checking each page's capture pattern and CRC.
std::vector<Page> pages(const std::string& s) {
  std::vector<Page> out;
  std::size_t at = 0;
  while (at < s.size()) {
    EXPECT_EQ(s.substr(at, 4), "OggS");
    EXPECT_EQ(s[at + 4], 0);
    Page p;
    p.flags = static_cast<std::uint8_t>(s[at + 5]);
    p.granule = static_cast<std::int64_t>(le(s, at + 6, 8));
    p.serial = static_cast<std::uint32_t>(le(s, at + 14, 4));
    p.sequence = static_cast<std::uint32_t>(le(s, at + 18, 4));
    p.crc = static_cast<std::uint32_t>(le(s, at + 22, 4));
    const std::size_t nseg = static_cast<std::uint8_t>(s[at + 26]);
    std::size_t bodyLen = 0;
    for (std::size_t i = 0; i < nseg; ++i) {
      p.lacing.push_back(static_cast<std::uint8_t>(s[at + 27 + i]));
      bodyLen += p.lacing.back();
    }
    const std::size_t total = 27 + nseg + bodyLen;
    p.body.assign(s.begin() + static_cast<long>(at + 27 + nseg), s.begin() + static_cast<long>(at + total));
    std::string copy = s.substr(at, total);
    for (int i = 22; i < 26; ++i) copy[i] = 0;
    p.crcOk = slowCrc(reinterpret_cast<const std::uint8_t*>(copy.data()), copy.size()) == p.crc;
    out.push_back(p);
    at += total;
  }
  return out;
}

TEST(OggCrc, MatchesTheCatalogueCheckValue) {
  // CRC-32 with poly 04C11DB7, init 0, no reflection, no final xor: check("123456789")
  // = CRC-32/CKSUM's 0x765E7680 without its final inversion.
  const std::string check = "123456789";
  EXPECT_EQ(oggCrc({reinterpret_cast<const std::uint8_t*>(check.data()), check.size()}),
            0x89A1897Fu);
}

TEST(OggWriter, WritesAKnownPage) {
  std::ostringstream out;
  OggWriter ogg(out, 0x01020304);
  const Bytes packet = {'a', 'b', 'c'};
  ogg.addPacket(packet, 960);
  ogg.flush();
  const std::string s = out.str();
  // Header fields byte for byte; the CRC value was computed with the bitwise CRC above.
  const Bytes expectedHeader = {'O', 'g', 'g', 'S', 0, 0x02, 0xC0, 0x03, 0, 0, 0, 0, 0, 0,
                                0x04, 0x03, 0x02, 0x01, 0, 0, 0, 0};
  ASSERT_EQ(s.size(), 27u + 1 + 3);
  EXPECT_EQ(Bytes(s.begin(), s.begin() + 22), expectedHeader);
  EXPECT_EQ(s[26], 1);
  EXPECT_EQ(static_cast<std::uint8_t>(s[27]), 3);
  const auto p = pages(s);
  ASSERT_EQ(p.size(), 1u);
  EXPECT_TRUE(p[0].crcOk);
}

TEST(OggWriter, LacesPacketsAndContinuesThemOnTheNextPage) {
  std::ostringstream out;
  OggWriter ogg(out, 7);
  ogg.setFlushBytes(1 << 30);
  ogg.addPacket(Bytes(255, 1), 1);   // 255, 0
  ogg.addPacket(Bytes(600, 2), 2);   // 255, 255, 90
  ogg.addPacket(Bytes(70000, 3), 3); // 274 full segments + 130: crosses a page
  ogg.addPacket(Bytes(10, 4), 4, true);
  const auto p = pages(out.str());
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[0].flags, 0x02);  // BOS
  ASSERT_EQ(p[0].lacing.size(), 255u);
  EXPECT_EQ(p[0].lacing[0], 255);
  EXPECT_EQ(p[0].lacing[1], 0);
  EXPECT_EQ(p[0].lacing[2], 255);
  EXPECT_EQ(p[0].lacing[3], 255);
  EXPECT_EQ(p[0].lacing[4], 90);
  EXPECT_EQ(p[0].granule, 2);  // the last packet completed on page 0 is the second one
  EXPECT_EQ(p[1].flags, 0x01 | 0x04);  // continued, EOS
  EXPECT_EQ(p[1].granule, 4);
  EXPECT_EQ(p[1].sequence, 1u);
  // 274 segments of 255 for the 70000-byte packet: 250 on page 0, 24 + 1 on page 1.
  ASSERT_EQ(p[1].lacing.size(), 24u + 1 + 1);
  EXPECT_EQ(p[1].lacing[24], 70000 % 255);
  EXPECT_EQ(p[1].lacing[25], 10);
  EXPECT_TRUE(p[0].crcOk);
  EXPECT_TRUE(p[1].crcOk);
}

TEST(OggWriter, APageFullAtAPacketEndIsNotMarkedContinued) {
  std::ostringstream out;
  OggWriter ogg(out, 7);
  ogg.setFlushBytes(1 << 30);
  for (int i = 0; i < 255; ++i) ogg.addPacket(Bytes(1, 9), i + 1);  // exactly 255 segments
  ogg.addPacket(Bytes(1, 9), 256, true);
  const auto p = pages(out.str());
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[0].granule, 255);
  EXPECT_EQ(p[1].flags, 0x04);
}

TEST(OpusFraming, SelfDelimitingForEachFrameCountCode) {
  auto sd = [](const Bytes& p) {
    const auto info = parseOpusPacket(p);
    EXPECT_TRUE(info.has_value());
    Bytes out;
    if (info) appendSelfDelimited(p, *info, out);
    return out;
  };
  // Code 0: the frame size goes after the TOC.
  EXPECT_EQ(sd({0xF8, 1, 2, 3}), (Bytes{0xF8, 3, 1, 2, 3}));
  // Code 1: one size for both (equal) frames.
  EXPECT_EQ(sd({0xF9, 1, 2, 3, 4}), (Bytes{0xF9, 2, 1, 2, 3, 4}));
  // Code 2: N1 is there; the second frame's size is added after it.
  EXPECT_EQ(sd({0xFA, 1, 7, 8, 9}), (Bytes{0xFA, 1, 2, 7, 8, 9}));
  // Code 3 CBR with padding: after the padding length, the size every frame has.
  EXPECT_EQ(sd({0xFB, 0x42, 2, 1, 2, 3, 4, 0, 0}), (Bytes{0xFB, 0x42, 2, 2, 1, 2, 3, 4, 0, 0}));
  // Code 3 VBR, 3 frames: N1, N2 present, N3 added.
  EXPECT_EQ(sd({0xFB, 0x83, 1, 2, 5, 6, 6, 7, 7, 7}),
            (Bytes{0xFB, 0x83, 1, 2, 3, 5, 6, 6, 7, 7, 7}));
  // A 300-byte frame takes the two-byte length: 252 + (300 & 3), (300 - 252) / 4.
  Bytes big(301, 0x55);
  big[0] = 0xF8;
  const Bytes out = sd(big);
  ASSERT_EQ(out.size(), 303u);
  EXPECT_EQ(out[1], 252);
  EXPECT_EQ(out[2], 12);
}

TEST(OpusFraming, RejectsMalformedPackets) {
  EXPECT_FALSE(parseOpusPacket(Bytes{}));
  EXPECT_FALSE(parseOpusPacket(Bytes{0xF9, 1, 2, 3}));       // code 1, odd
  EXPECT_FALSE(parseOpusPacket(Bytes{0xFA, 5, 1}));          // code 2, N1 too long
  EXPECT_FALSE(parseOpusPacket(Bytes{0xFB, 0x00}));          // code 3, M = 0
  EXPECT_FALSE(parseOpusPacket(Bytes{0xFB, 0x31, 0}));       // 49 x 20 ms > 120 ms
  EXPECT_FALSE(parseOpusPacket(Bytes{0xFB, 0x42, 9, 1, 2})); // padding beyond the end
  const auto info = parseOpusPacket(Bytes{0x78, 1});        // hybrid FB 20 ms
  ASSERT_TRUE(info);
  EXPECT_EQ(info->samples(), 960);
  EXPECT_EQ(opusSamplesPerFrame(0x00), 480);   // SILK NB 10 ms
  EXPECT_EQ(opusSamplesPerFrame(0x18), 2880);  // SILK NB 60 ms
  EXPECT_EQ(opusSamplesPerFrame(0x80), 120);   // CELT NB 2.5 ms
}

RawPacket opusRtp(std::uint16_t seq, std::uint32_t ts, std::uint32_t ssrc, Bytes opus,
                  std::uint64_t arrivalUs) {
  return {arrivalUs, rtpPacket(111, seq, ts, ssrc, opus)};
}

TEST(StereoAudio, AlignsBothSidesAndFillsMissingSlotsWithSilence) {
  const std::uint64_t epoch = 1'000'000;
  std::vector<RawPacket> visitor, op;
  for (int i = 0; i < 10; ++i) {  // slots 0..9
    visitor.push_back(opusRtp(100 + i, 5000 + i * 960, 1, {0x78, static_cast<std::uint8_t>(i)},
                              epoch + i * 20'000 + 3000));
  }
  // The operator joins at slot 4 (another timestamp base), loses slot 6.
  for (int i = 4; i < 10; ++i) {
    if (i == 6) continue;
    op.push_back(opusRtp(7 + i, 900'000 + i * 960, 2, {0x78, static_cast<std::uint8_t>(0x80 + i)},
                         epoch + i * 20'000 + 1000));
  }
  const StereoAudio a = mixStereoOpus(visitor, op, epoch);
  EXPECT_EQ(a.firstSlot, 0);
  ASSERT_EQ(a.packets.size(), 10u);
  EXPECT_EQ(a.stats.packets[0], 10u);
  EXPECT_EQ(a.stats.packets[1], 5u);
  EXPECT_EQ(a.stats.silence[1], 5u);
  // Slot 5: visitor {78 05} self-delimited, then the operator's packet as is.
  EXPECT_EQ(a.packets[5], (Bytes{0x78, 1, 0x05, 0x78, 0x85}));
  // Slot 6 and slot 0: the operator is silent.
  EXPECT_EQ(a.packets[6], (Bytes{0x78, 1, 0x06, 0xF8, 0xFF, 0xFE}));
  EXPECT_EQ(a.packets[0], (Bytes{0x78, 1, 0x00, 0xF8, 0xFF, 0xFE}));
}

TEST(StereoAudio, SplitsA40msPacketAndSkipsOtherDurations) {
  std::vector<RawPacket> visitor = {
      opusRtp(1, 0, 1, {0x79, 0xA, 0xB}, 0),          // code 1: two 20 ms frames
      opusRtp(2, 1920, 1, {0x70, 0xC}, 40'000),       // hybrid 10 ms: not on the grid
      opusRtp(3, 2100, 1, {0x78, 0xD}, 44'000)};      // 20 ms, 3.75 ms off slot 2
  const StereoAudio a = mixStereoOpus(visitor, {}, 0);
  ASSERT_EQ(a.packets.size(), 3u);
  EXPECT_EQ(a.stats.unsupported, 1u);
  EXPECT_EQ(a.packets[0], (Bytes{0x78, 1, 0xA, 0xF8, 0xFF, 0xFE}));
  EXPECT_EQ(a.packets[1], (Bytes{0x78, 1, 0xB, 0xF8, 0xFF, 0xFE}));
  EXPECT_EQ(a.packets[2], (Bytes{0x78, 1, 0xD, 0xF8, 0xFF, 0xFE}));
}

TEST(OggOpus, HeadersGranulesAndEndOfStream) {
  StereoAudio a;
  a.packets = {Bytes{1}, Bytes{2}, Bytes{3}};
  std::ostringstream out;
  writeOggOpus(a, out, 42);
  const auto p = pages(out.str());
  ASSERT_EQ(p.size(), 3u);
  const Bytes head = {'O', 'p', 'u', 's', 'H', 'e', 'a', 'd', 1, 2, 0x38, 0x01, 0x80, 0xBB,
                      0,   0,   0,   0,   1,   2,   0,   0,   1};
  EXPECT_EQ(p[0].body, head);
  EXPECT_EQ(p[0].flags, 0x02);
  EXPECT_EQ(p[0].granule, 0);
  EXPECT_EQ(Bytes(p[1].body.begin(), p[1].body.begin() + 8),
            (Bytes{'O', 'p', 'u', 's', 'T', 'a', 'g', 's'}));
  EXPECT_EQ(p[1].granule, 0);
  EXPECT_EQ(p[2].flags, 0x04);
  EXPECT_EQ(p[2].granule, 3 * 960);
  EXPECT_EQ(p[2].lacing, (Bytes{1, 1, 1}));
  for (const auto& page : p) {
    EXPECT_TRUE(page.crcOk);
    EXPECT_EQ(page.serial, 42u);
  }
}

TEST(MultiVoiceAudio, EveryVoiceHasItsStreamAndLateOrEarlyLeaversGetSilence) {
  const std::uint64_t epoch = 2'000'000;
  std::vector<RawPacket> visitor, first, second;
  for (int i = 0; i < 10; ++i) {
    visitor.push_back(opusRtp(10 + i, 100 + i * 960, 1, {0x78, static_cast<std::uint8_t>(i)},
                              epoch + i * 20'000 + 2000));
  }
  // The first operator talks throughout; the second joins at slot 3 and leaves after slot 6,
  // each with its own random timestamp base.
  for (int i = 0; i < 10; ++i) {
    first.push_back(opusRtp(50 + i, 777'000 + i * 960, 2, {0x78, static_cast<std::uint8_t>(0x40 + i)},
                            epoch + i * 20'000 + 4000));
  }
  for (int i = 3; i <= 6; ++i) {
    second.push_back(opusRtp(90 + i, 4'000'000'000u + i * 960, 3,
                             {0x78, static_cast<std::uint8_t>(0x80 + i)}, epoch + i * 20'000 + 1000));
  }
  const std::span<const RawPacket> voices[3] = {visitor, first, second};
  const StereoAudio a = mixOpusVoices(voices, epoch);
  EXPECT_EQ(a.channels, 3);
  EXPECT_EQ(a.firstSlot, 0);
  ASSERT_EQ(a.packets.size(), 10u);
  EXPECT_EQ(a.stats.packets[0], 10u);
  EXPECT_EQ(a.stats.packets[1], 10u);
  EXPECT_EQ(a.stats.packets[2], 4u);
  EXPECT_EQ(a.stats.silence[2], 6u);
  // Slot 4: the first two self-delimited (length byte after the TOC), the last as is.
  EXPECT_EQ(a.packets[4], (Bytes{0x78, 1, 0x04, 0x78, 1, 0x44, 0x78, 0x84}));
  // Before the second operator joined and after they left: their stream is silence.
  EXPECT_EQ(a.packets[2], (Bytes{0x78, 1, 0x02, 0x78, 1, 0x42, 0xF8, 0xFF, 0xFE}));
  EXPECT_EQ(a.packets[7], (Bytes{0x78, 1, 0x07, 0x78, 1, 0x47, 0xF8, 0xFF, 0xFE}));
  // Each packet parses as 3 streams: two self-delimited packets, then one in normal framing.
  for (const auto& p : a.packets) {
    std::span<const std::uint8_t> rest = p;
    for (int stream = 0; stream < 2; ++stream) {
      ASSERT_GE(rest.size(), 2u);
      const std::size_t len = rest[1];
      ASSERT_GE(rest.size(), 2 + len);
      rest = rest.subspan(2 + len);
    }
    EXPECT_TRUE(parseOpusPacket(rest).has_value());
  }
}

TEST(MultiVoiceAudio, FourVoicesAndTheStereoWrapperAgree) {
  std::vector<RawPacket> v[4];
  for (int k = 0; k < 4; ++k) v[k].push_back(opusRtp(1, 0, 10 + k, {0x78, static_cast<std::uint8_t>(k)}, 0));
  const std::span<const RawPacket> four[4] = {v[0], v[1], v[2], v[3]};
  const StereoAudio a = mixOpusVoices(four, 0);
  EXPECT_EQ(a.channels, 4);
  ASSERT_EQ(a.packets.size(), 1u);
  EXPECT_EQ(a.packets[0], (Bytes{0x78, 1, 0, 0x78, 1, 1, 0x78, 1, 2, 0x78, 3}));
  const StereoAudio two = mixStereoOpus(v[0], v[1], 0);
  const std::span<const RawPacket> pair[2] = {v[0], v[1]};
  EXPECT_EQ(two.channels, 2);
  EXPECT_EQ(two.packets, mixOpusVoices(pair, 0).packets);
}

TEST(OpusHead, MultistreamFamilyOneWithOneMonoStreamPerVoice) {
  // RFC 7845 §5.1: version 1, channels, pre-skip LE, 48000 LE, gain 0, family 1, then the
  // channel mapping table: N streams, 0 coupled, channel i from stream i.
  const Bytes common = {'O', 'p', 'u', 's', 'H', 'e', 'a', 'd', 1};
  auto expect = [&](int n) {
    Bytes h = common;
    h.push_back(static_cast<std::uint8_t>(n));
    for (std::uint8_t b : {0x38, 0x01, 0x80, 0xBB, 0, 0, 0, 0, 1}) h.push_back(b);
    h.push_back(static_cast<std::uint8_t>(n));
    h.push_back(0);
    for (int c = 0; c < n; ++c) h.push_back(static_cast<std::uint8_t>(c));
    return h;
  };
  for (int n : {2, 3, 4}) {
    EXPECT_EQ(opusHeadMultistream(n), expect(n)) << n;
    EXPECT_EQ(opusHeadMultistream(n).size(), 21u + static_cast<std::size_t>(n));
  }
  EXPECT_EQ(opusHeadStereoMultistream(), expect(2));
  // The Ogg file announces as many channels as the audio has.
  StereoAudio a;
  a.channels = 3;
  a.packets = {Bytes{1}};
  std::ostringstream out;
  writeOggOpus(a, out, 7);
  EXPECT_EQ(pages(out.str())[0].body, expect(3));
}

}  // namespace
}  // namespace callpy::rtc::record
