// The raw track file format (raw_file.h): v2 with the track's negotiated payload types in a
// header record and in codec records where they change, v1 files still read, and damaged files
// (cut short, garbage in a codec record, absurd lengths) read as far as they are sound.
#include "rtc/record/raw_file.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "test_packets.h"

namespace callpy::rtc::record {
namespace {

using testing::Bytes;
using testing::rtpPacket;

const RecordedCodec kVp8{96, "VP8", 90000, 0, ""};
const RecordedCodec kH264{102, "H264", 90000, 0,
                          "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f"};
const RecordedCodec kOpus{111, "opus", 48000, 2, "minptime=10;useinbandfec=1"};

// A file in memory: written through a FILE*, read back through another.
class MemFile {
 public:
  MemFile() : f_(std::tmpfile()) {}
  ~MemFile() {
    if (f_) std::fclose(f_);
  }
  std::FILE* get() { return f_; }
  Bytes bytes() {
    std::fflush(f_);
    std::rewind(f_);
    Bytes out;
    std::uint8_t buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f_)) > 0;)
      out.insert(out.end(), buf, buf + n);
    return out;
  }

 private:
  std::FILE* f_;
};

// A reader over `bytes` (its own copy: fmemopen reads from the buffer in place).
struct MemReader {
  explicit MemReader(Bytes b)
      : data(std::move(b)),
        reader(data.empty() ? nullptr : fmemopen(data.data(), data.size(), "rb")) {}
  Bytes data;
  RawTrackReader reader;
};

Bytes vp8Packet(std::uint16_t seq, std::uint8_t pt = 96) {
  return rtpPacket(pt, seq, seq * 3000u, 0x1234, {0x10, 0x31, 0x01, 0x00, 0xAA}, true);
}

void put32(Bytes& b, std::uint32_t v) {
  for (int i = 3; i >= 0; --i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
void put64(Bytes& b, std::uint64_t v) {
  for (int i = 7; i >= 0; --i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
Bytes record(std::uint32_t word, std::uint64_t arrival, const Bytes& body) {
  Bytes b;
  put32(b, word);
  put64(b, arrival);
  b.insert(b.end(), body.begin(), body.end());
  return b;
}
Bytes magic(const char (&m)[8]) { return Bytes(m, m + 8); }

TEST(RawFile, WritesTheNegotiationAndReadsItBackWithEachPacket) {
  MemFile file;
  ASSERT_TRUE(writeRawHeader(file.get(), {kVp8, kH264}, 1000));
  const Bytes a = vp8Packet(1), b = vp8Packet(2);
  ASSERT_TRUE(writeRawRecord(file.get(), 1000, a.data(), a.size()));
  // Renegotiated (another device): from here on, PT 98 is VP8 and 96 is gone.
  const RecordedCodec moved{98, "VP8", 90000, 0, ""};
  ASSERT_TRUE(writeCodecRecord(file.get(), 2000, {moved}));
  ASSERT_TRUE(writeRawRecord(file.get(), 2000, b.data(), b.size()));
  const Bytes bytes = file.bytes();
  ASSERT_EQ(Bytes(bytes.begin(), bytes.begin() + 8), magic(kRawMagic));
  // The header record comes right after the magic: type 1 in the length word's top byte.
  EXPECT_EQ(bytes[8], kRawRecordCodecs);

  MemReader m(bytes);
  ASSERT_TRUE(m.reader.ok());
  EXPECT_EQ(m.reader.version(), 2);
  RawPacket p;
  ASSERT_TRUE(m.reader.next(p));
  EXPECT_EQ(p.bytes, a);
  EXPECT_EQ(p.arrivalUs, 1000u);
  EXPECT_EQ(m.reader.codecs(), (CodecMap{kVp8, kH264}));
  ASSERT_NE(findCodec(m.reader.codecs(), 102), nullptr);
  EXPECT_EQ(findCodec(m.reader.codecs(), 102)->fmtp, kH264.fmtp);
  ASSERT_TRUE(m.reader.next(p));
  EXPECT_EQ(p.bytes, b);
  EXPECT_EQ(m.reader.codecs(), CodecMap{moved});
  EXPECT_EQ(findCodec(m.reader.codecs(), 96), nullptr);
  EXPECT_FALSE(m.reader.next(p));
  EXPECT_EQ(m.reader.codecRecords(), 2u);
  EXPECT_EQ(m.reader.badRecords(), 0u);
}

TEST(RawFile, StillReadsVersion1Files) {
  // v1: the same RTP records, no codec records; the negotiation is not known.
  Bytes bytes = magic(kRawMagicV1);
  const Bytes a = vp8Packet(1), b = vp8Packet(2);
  for (const auto& [pkt, t] : {std::pair{a, 10u}, std::pair{b, 20u}}) {
    const Bytes r = record(static_cast<std::uint32_t>(pkt.size()), t, pkt);
    bytes.insert(bytes.end(), r.begin(), r.end());
  }
  MemReader m(bytes);
  ASSERT_TRUE(m.reader.ok());
  EXPECT_EQ(m.reader.version(), 1);
  RawPacket p;
  ASSERT_TRUE(m.reader.next(p));
  EXPECT_EQ(p.bytes, a);
  EXPECT_TRUE(m.reader.codecs().empty());
  ASSERT_TRUE(m.reader.next(p));
  EXPECT_EQ(p.bytes, b);
  EXPECT_EQ(p.arrivalUs, 20u);
  EXPECT_FALSE(m.reader.next(p));
  // Not a raw file at all.
  MemReader other(Bytes{'C', 'P', 'Y', 'R', 'T', 'P', '9', '\n', 0, 0, 0, 0});
  EXPECT_FALSE(other.reader.ok());
  EXPECT_FALSE(other.reader.next(p));
}

TEST(RawFile, AFileCutAnywhereReadsOnlyWhatIsWhole) {
  MemFile file;
  ASSERT_TRUE(writeRawHeader(file.get(), {kVp8, kH264, kOpus}, 1));
  const Bytes a = vp8Packet(1);
  ASSERT_TRUE(writeRawRecord(file.get(), 5, a.data(), a.size()));
  const Bytes whole = file.bytes();
  const std::size_t headerEnd = whole.size() - kRawRecordHeader - a.size();
  for (std::size_t cut = 0; cut < whole.size(); ++cut) {
    MemReader m(Bytes(whole.begin(), whole.begin() + static_cast<long>(cut)));
    RawPacket p;
    EXPECT_FALSE(m.reader.next(p)) << "cut at " << cut;  // the packet is never whole
    // A header record cut short is not half applied.
    if (cut < headerEnd) {
      EXPECT_TRUE(m.reader.codecs().empty()) << "cut at " << cut;
    }
  }
  MemReader m(whole);
  RawPacket p;
  EXPECT_TRUE(m.reader.next(p));
}

TEST(RawFile, AGarbageCodecRecordLeavesTheNegotiationNotKnown) {
  const Bytes a = vp8Packet(1), b = vp8Packet(2);
  Bytes bytes = magic(kRawMagic);
  const Bytes good = encodeCodecMap({kVp8});
  auto append = [&](const Bytes& r) { bytes.insert(bytes.end(), r.begin(), r.end()); };
  append(record((1u << 24) | static_cast<std::uint32_t>(good.size()), 0, good));
  append(record(static_cast<std::uint32_t>(a.size()), 1, a));
  // Sound framing, nonsense inside: 3 codecs announced, one and a half present.
  Bytes bad = good;
  bad[0] = 3;
  bad.push_back(100);
  append(record((1u << 24) | static_cast<std::uint32_t>(bad.size()), 2, bad));
  append(record(static_cast<std::uint32_t>(b.size()), 3, b));
  // A record type from a later version is skipped by its length.
  append(record((7u << 24) | 3u, 4, {1, 2, 3}));
  append(record(static_cast<std::uint32_t>(a.size()), 5, a));
  MemReader m(bytes);
  RawPacket p;
  ASSERT_TRUE(m.reader.next(p));
  EXPECT_EQ(m.reader.codecs(), CodecMap{kVp8});
  ASSERT_TRUE(m.reader.next(p));
  EXPECT_EQ(p.bytes, b);
  EXPECT_TRUE(m.reader.codecs().empty());  // the packets after it are sniffed, as in v1
  EXPECT_EQ(m.reader.badRecords(), 1u);
  ASSERT_TRUE(m.reader.next(p));
  EXPECT_EQ(p.arrivalUs, 5u);
  EXPECT_FALSE(m.reader.next(p));
}

TEST(RawFile, AbsurdLengthsEndTheFileInsteadOfAllocating) {
  const Bytes a = vp8Packet(1);
  for (const std::uint32_t word :
       {0x00FFFFFFu, 0x01FFFFFFu, 0x07FFFFFFu, static_cast<std::uint32_t>(kMaxRtpPacket + 1),
        (1u << 24) | static_cast<std::uint32_t>(kMaxCodecRecord + 1)}) {
    Bytes bytes = magic(kRawMagic);
    const Bytes r = record(word, 0, a);
    bytes.insert(bytes.end(), r.begin(), r.end());
    MemReader m(bytes);
    RawPacket p;
    EXPECT_FALSE(m.reader.next(p)) << std::hex << word;
  }
  // v1 has no types: a top byte set is a length over 1500.
  Bytes v1 = magic(kRawMagicV1);
  const Bytes r = record((1u << 24) | static_cast<std::uint32_t>(a.size()), 0, a);
  v1.insert(v1.end(), r.begin(), r.end());
  MemReader m(v1);
  RawPacket p;
  EXPECT_FALSE(m.reader.next(p));
}

TEST(RawFile, CodecMapsKeepOnlyWhatCanBeStoredSafely) {
  RecordedCodec longFmtp = kH264;
  longFmtp.payloadType = 103;
  longFmtp.fmtp = std::string(kMaxCodecFmtp + 1, 'x');
  RecordedCodec control = kVp8;
  control.payloadType = 104;
  control.fmtp = "a=1\nb=2";
  const CodecMap in = {kVp8,
                       {200, "VP8", 90000, 0, ""},  // not a dynamic-range PT
                       {97, "", 90000, 0, ""},      // no name
                       {99, "V P8", 90000, 0, ""},  // not a token
                       {100, std::string(33, 'a'), 1, 0, ""},
                       {96, "H264", 90000, 0, ""},  // 96 again
                       longFmtp,
                       control};
  const auto out = decodeCodecMap(encodeCodecMap(in));
  ASSERT_TRUE(out);
  ASSERT_EQ(out->size(), 3u);
  EXPECT_EQ((*out)[0], kVp8);
  EXPECT_EQ((*out)[1].payloadType, 103);
  EXPECT_EQ((*out)[1].fmtp, "");  // too long to keep: dropped, never cut
  EXPECT_EQ((*out)[2].fmtp, "");  // not printable
  // Seventeen codecs: the sixteen first are kept.
  CodecMap many;
  for (std::uint8_t pt = 96; pt < 113; ++pt) many.push_back({pt, "VP8", 90000, 0, ""});
  EXPECT_EQ(decodeCodecMap(encodeCodecMap(many))->size(), kMaxRecordedCodecs);
  // An empty map (not known) is a valid one-byte record.
  EXPECT_EQ(encodeCodecMap({}), Bytes{0});
  EXPECT_EQ(decodeCodecMap(Bytes{0}), CodecMap{});
  // Trailing bytes or a repeated PT: not what a writer makes.
  Bytes trailing = encodeCodecMap({kVp8});
  trailing.push_back(0);
  EXPECT_FALSE(decodeCodecMap(trailing));
  Bytes twice = encodeCodecMap({kVp8});
  const Bytes entry(twice.begin() + 1, twice.end());
  twice.insert(twice.end(), entry.begin(), entry.end());
  twice[0] = 2;
  EXPECT_FALSE(decodeCodecMap(twice));
  EXPECT_FALSE(decodeCodecMap(Bytes{}));
}

TEST(RawFile, RandomBytesNeverCrashTheReader) {
  // The fuzz target (tests/fuzz/raw_file_fuzz.cpp) goes further; this runs with every test.
  std::mt19937 rng(5);
  const Bytes a = vp8Packet(1);
  for (int round = 0; round < 2000; ++round) {
    MemFile file;
    writeRawHeader(file.get(), {kVp8, kH264, kOpus}, 1);
    writeRawRecord(file.get(), 2, a.data(), a.size());
    writeCodecRecord(file.get(), 3, {kOpus});
    writeRawRecord(file.get(), 4, a.data(), a.size());
    Bytes bytes = file.bytes();
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int i = 0; i < flips; ++i)
      bytes[8 + rng() % (bytes.size() - 8)] ^= static_cast<std::uint8_t>(1 + rng() % 255);
    MemReader m(bytes);
    RawPacket p;
    std::size_t packets = 0;
    while (m.reader.next(p)) {
      ASSERT_LE(p.bytes.size(), kMaxRtpPacket);
      ASSERT_LE(m.reader.codecs().size(), kMaxRecordedCodecs);
      ++packets;
    }
    EXPECT_LE(packets * kRawRecordHeader, bytes.size());
  }
}

}  // namespace
}  // namespace callpy::rtc::record
