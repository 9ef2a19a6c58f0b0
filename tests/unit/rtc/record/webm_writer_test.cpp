#include "rtc/record/webm_writer.h"

#include <gtest/gtest.h>

#include <bit>
#include <sstream>
#include <string>

#include "rtc/record/stereo_audio.h"

namespace callpy::rtc::record {
namespace {

using Bytes = std::vector<std::uint8_t>;
using namespace ebml;

// A tiny EBML reader: an element's id (with marker bits), data offset and size.
struct Element {
  std::uint32_t id = 0;
  std::size_t start = 0, data = 0, size = 0;
  std::size_t end() const { return data + size; }
};

bool readVint(const Bytes& b, std::size_t& at, std::uint64_t& v, bool keepMarker) {
  if (at >= b.size() || b[at] == 0) return false;
  const int len = std::countl_zero(b[at]) + 1;
  if (at + static_cast<std::size_t>(len) > b.size()) return false;
  v = keepMarker ? b[at] : (b[at] & (0xFF >> len));
  for (int i = 1; i < len; ++i) v = (v << 8) | b[at + static_cast<std::size_t>(i)];
  at += static_cast<std::size_t>(len);
  return true;
}

std::vector<Element> children(const Bytes& b, std::size_t from, std::size_t to) {
  std::vector<Element> out;
  std::size_t at = from;
  while (at < to) {
    Element e;
    e.start = at;
    std::uint64_t id = 0, size = 0;
    EXPECT_TRUE(readVint(b, at, id, true));
    EXPECT_TRUE(readVint(b, at, size, false));
    e.id = static_cast<std::uint32_t>(id);
    e.data = at;
    e.size = size;
    EXPECT_LE(e.end(), to) << std::hex << "element 0x" << e.id << " overruns its parent";
    if (e.end() > to) break;
    out.push_back(e);
    at = e.end();
  }
  EXPECT_EQ(at, to);
  return out;
}

const Element* find(const std::vector<Element>& es, std::uint32_t id) {
  for (const auto& e : es) {
    if (e.id == id) return &e;
  }
  return nullptr;
}

std::uint64_t uintOf(const Bytes& b, const Element& e) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < e.size; ++i) v = (v << 8) | b[e.data + i];
  return v;
}
std::string stringOf(const Bytes& b, const Element& e) {
  return std::string(b.begin() + static_cast<long>(e.data), b.begin() + static_cast<long>(e.end()));
}

TEST(Ebml, VariableLengthSizes) {
  Buffer b;
  putSize(b, 0);
  putSize(b, 126);
  putSize(b, 127);  // 0x7F alone would mean "unknown": two bytes
  putSize(b, 5, 8);
  EXPECT_EQ(b, (Bytes{0x80, 0xFE, 0x40, 0x7F, 0x01, 0, 0, 0, 0, 0, 0, 5}));
}

TEST(WebmWriter, ByteLayoutParsesBack) {
  std::stringstream out;
  WebmWriter w(out);
  WebmAudioTrack audio;
  audio.codecPrivate = opusHeadStereoMultistream();
  audio.codecDelayNs = 6'500'000;
  w.begin(WebmVideoTrack{320, 240}, audio);
  EXPECT_EQ(w.videoTrack(), 1u);
  EXPECT_EQ(w.audioTrack(), 2u);
  w.addBlock(1, 0, true, Bytes{0xA0, 0xA1});
  w.addBlock(2, 0, true, Bytes{0xB0});
  w.addBlock(2, 20, true, Bytes{0xB1});
  w.addBlock(1, 33, false, Bytes{0xA2});
  w.addBlock(1, 6000, true, Bytes{0xA3});  // keyframe: a new cluster and a cue
  w.addBlock(2, 6010, true, Bytes{0xB2});
  w.finish(6030);
  const std::string s = out.str();
  const Bytes b(s.begin(), s.end());

  const auto top = children(b, 0, b.size());
  ASSERT_EQ(top.size(), 2u);
  ASSERT_EQ(top[0].id, kEbml);
  const auto header = children(b, top[0].data, top[0].end());
  EXPECT_EQ(stringOf(b, *find(header, kDocType)), "webm");
  EXPECT_EQ(uintOf(b, *find(header, kDocTypeVersion)), 4u);
  ASSERT_EQ(top[1].id, kSegment);
  EXPECT_EQ(top[1].end(), b.size());  // the patched Segment size covers the rest

  const auto seg = children(b, top[1].data, top[1].end());
  std::vector<std::uint32_t> ids;
  for (const auto& e : seg) ids.push_back(e.id);
  EXPECT_EQ(ids, (std::vector<std::uint32_t>{kSeekHead, kInfo, kTracks, kCluster, kCluster, kCues}));

  // Every Seek points at the element it names (positions relative to the Segment's data).
  const auto seeks = children(b, seg[0].data, seg[0].end());
  ASSERT_EQ(seeks.size(), 3u);
  for (const auto& seek : seeks) {
    const auto f = children(b, seek.data, seek.end());
    const Element* id = find(f, kSeekId);
    const Element* pos = find(f, kSeekPosition);
    ASSERT_TRUE(id && pos);
    std::size_t at = top[1].data + uintOf(b, *pos);
    std::uint64_t target = 0;
    ASSERT_TRUE(readVint(b, at, target, true));
    EXPECT_EQ(target, uintOf(b, *id));
  }

  const auto info = children(b, seg[1].data, seg[1].end());
  EXPECT_EQ(uintOf(b, *find(info, kTimestampScale)), 1'000'000u);
  EXPECT_EQ(std::bit_cast<double>(uintOf(b, *find(info, kDuration))), 6030.0);

  const auto tracks = children(b, seg[2].data, seg[2].end());
  ASSERT_EQ(tracks.size(), 2u);
  const auto video = children(b, tracks[0].data, tracks[0].end());
  EXPECT_EQ(stringOf(b, *find(video, kCodecId)), "V_VP8");
  EXPECT_EQ(uintOf(b, *find(video, kTrackType)), 1u);
  const auto dims = children(b, find(video, kVideo)->data, find(video, kVideo)->end());
  EXPECT_EQ(uintOf(b, *find(dims, kPixelWidth)), 320u);
  EXPECT_EQ(uintOf(b, *find(dims, kPixelHeight)), 240u);
  const auto opus = children(b, tracks[1].data, tracks[1].end());
  EXPECT_EQ(stringOf(b, *find(opus, kCodecId)), "A_OPUS");
  const Element* priv = find(opus, kCodecPrivate);
  EXPECT_EQ(Bytes(b.begin() + static_cast<long>(priv->data), b.begin() + static_cast<long>(priv->end())),
            opusHeadStereoMultistream());
  EXPECT_EQ(uintOf(b, *find(opus, kCodecDelay)), 6'500'000u);
  EXPECT_EQ(uintOf(b, *find(opus, kSeekPreRoll)), 80'000'000u);
  const auto a = children(b, find(opus, kAudio)->data, find(opus, kAudio)->end());
  EXPECT_EQ(uintOf(b, *find(a, kChannels)), 2u);
  EXPECT_EQ(std::bit_cast<double>(uintOf(b, *find(a, kSamplingFrequency))), 48000.0);

  // Clusters: timestamp, then SimpleBlocks {track vint, int16 relative time, flags, data}.
  struct Block { std::uint64_t track; int rel; std::uint8_t flags; Bytes data; };
  auto blocks = [&](const Element& cluster, std::uint64_t& ts) {
    std::vector<Block> out;
    const auto c = children(b, cluster.data, cluster.end());
    ts = uintOf(b, *find(c, kTimestamp));
    for (const auto& e : c) {
      if (e.id != kSimpleBlock) continue;
      std::size_t at = e.data;
      Block blk;
      readVint(b, at, blk.track, false);
      blk.rel = static_cast<std::int16_t>((b[at] << 8) | b[at + 1]);
      blk.flags = b[at + 2];
      blk.data.assign(b.begin() + static_cast<long>(at + 3), b.begin() + static_cast<long>(e.end()));
      out.push_back(blk);
    }
    return out;
  };
  std::uint64_t ts0 = 0, ts1 = 0;
  const auto c0 = blocks(seg[3], ts0);
  const auto c1 = blocks(seg[4], ts1);
  EXPECT_EQ(ts0, 0u);
  ASSERT_EQ(c0.size(), 4u);
  EXPECT_EQ(c0[0].track, 1u);
  EXPECT_EQ(c0[0].flags, 0x80);
  EXPECT_EQ(c0[0].data, (Bytes{0xA0, 0xA1}));
  EXPECT_EQ(c0[2].rel, 20);
  EXPECT_EQ(c0[3].rel, 33);
  EXPECT_EQ(c0[3].flags, 0x00);
  EXPECT_EQ(ts1, 6000u);
  ASSERT_EQ(c1.size(), 2u);
  EXPECT_EQ(c1[1].rel, 10);

  // Cues: one per cluster opened by a video keyframe, pointing at that cluster.
  const auto cues = children(b, seg[5].data, seg[5].end());
  ASSERT_EQ(cues.size(), 2u);
  const auto point = children(b, cues[1].data, cues[1].end());
  EXPECT_EQ(uintOf(b, *find(point, kCueTime)), 6000u);
  const auto pos = children(b, find(point, kCueTrackPositions)->data,
                            find(point, kCueTrackPositions)->end());
  EXPECT_EQ(uintOf(b, *find(pos, kCueTrack)), 1u);
  EXPECT_EQ(top[1].data + uintOf(b, *find(pos, kCueClusterPosition)), seg[4].start);
}

}  // namespace
}  // namespace callpy::rtc::record
