#include "rtc/record/vp8_depacketizer.h"

#include <gtest/gtest.h>

#include "test_packets.h"

namespace callpy::rtc::record {
namespace {

using testing::Bytes;
using testing::rtpPacket;

constexpr std::uint32_t kSsrc = 0x1234;

// A VP8 keyframe header (RFC 6386 §9.1): frame tag with P = 0, start code, 320x240, then body.
Bytes keyframe(std::uint8_t fill, std::size_t size = 40) {
  Bytes f = {0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, 0x40, 0x01, 0xF0, 0x00};
  f.resize(size, fill);
  return f;
}
Bytes interframe(std::uint8_t fill, std::size_t size = 20) {
  Bytes f = {0x31, 0x01, 0x00};
  f.resize(size, fill);
  return f;
}

// Descriptor with X, I (15-bit PictureID), L, T/K present: 6 bytes.
Bytes extendedDescriptor(bool start, std::uint8_t pid, std::uint16_t pictureId) {
  return {static_cast<std::uint8_t>(0x80 | (start ? 0x10 : 0) | pid), 0xF0,
          static_cast<std::uint8_t>(0x80 | (pictureId >> 8)), static_cast<std::uint8_t>(pictureId),
          0x05, 0x20};
}

// Splits `frame` into packets at the given cut points; the first starts partition 0, a cut in
// `partitionStarts` starts partition 1 (S=1, PID=1) as libvpx does with several partitions.
std::vector<Bytes> packetize(const Bytes& frame, std::uint16_t seq, std::uint32_t ts,
                             std::vector<std::size_t> cuts, std::size_t partitionStart = 0) {
  std::vector<Bytes> out;
  cuts.push_back(frame.size());
  std::size_t from = 0;
  for (std::size_t i = 0; i < cuts.size(); ++i) {
    const bool start = i == 0 || cuts[i - 1] == partitionStart;
    Bytes payload = i % 2 ? Bytes{static_cast<std::uint8_t>(start ? 0x10 | (i ? 1 : 0) : 0)}
                          : extendedDescriptor(start, i == 0 ? 0 : 1, 77);
    payload.insert(payload.end(), frame.begin() + static_cast<long>(from),
                   frame.begin() + static_cast<long>(cuts[i]));
    out.push_back(rtpPacket(96, static_cast<std::uint16_t>(seq + i), ts, kSsrc, payload,
                            i + 1 == cuts.size()));
    from = cuts[i];
  }
  return out;
}

std::vector<Vp8Frame> run(Vp8Depacketizer& d, const std::vector<Bytes>& packets) {
  std::uint64_t t = 0;
  for (const auto& p : packets) d.push(p.data(), p.size(), t += 1000);
  d.flush();
  std::vector<Vp8Frame> frames;
  while (auto f = d.pop()) frames.push_back(std::move(*f));
  return frames;
}

void append(std::vector<Bytes>& to, const std::vector<Bytes>& more) {
  to.insert(to.end(), more.begin(), more.end());
}

TEST(Vp8Keyframe, ReadsTheSizeFromTheFrameHeader) {
  const Bytes k = keyframe(0);
  int w = 0, h = 0;
  ASSERT_TRUE(parseVp8Keyframe(k.data(), k.size(), w, h));
  EXPECT_EQ(w, 320);
  EXPECT_EQ(h, 240);
  const Bytes i = interframe(0);
  EXPECT_FALSE(parseVp8Keyframe(i.data(), i.size(), w, h));
  Bytes bad = keyframe(0);
  bad[4] = 0x02;  // broken start code
  EXPECT_FALSE(parseVp8Keyframe(bad.data(), bad.size(), w, h));
}

TEST(Vp8Depacketizer, AssemblesFramesSplitAcrossPacketsAndPartitions) {
  Vp8Depacketizer d;
  std::vector<Bytes> packets;
  const Bytes k = keyframe(0xAA, 40);
  append(packets, packetize(k, 65530, 1000, {12, 25}, 25));  // partition 1 starts at 25; seq wraps
  append(packets, packetize(interframe(0xBB), 65533, 4000, {}));
  append(packets, packetize(interframe(0xCC, 30), 65534, 7000, {10, 20}));
  const auto frames = run(d, packets);
  ASSERT_EQ(frames.size(), 3u);
  EXPECT_TRUE(frames[0].keyframe);
  EXPECT_EQ(frames[0].width, 320);
  EXPECT_EQ(frames[0].height, 240);
  EXPECT_EQ(frames[0].data, k);
  EXPECT_EQ(frames[0].rtpTimestamp, 1000u);
  EXPECT_FALSE(frames[1].keyframe);
  EXPECT_EQ(frames[1].data, interframe(0xBB));
  EXPECT_EQ(frames[2].data, interframe(0xCC, 30));
  EXPECT_EQ(d.stats().lostPackets, 0u);
}

TEST(Vp8Depacketizer, DropsFromALostPacketUntilTheNextKeyframe) {
  Vp8Depacketizer d;
  std::vector<Bytes> packets;
  append(packets, packetize(keyframe(1), 100, 0, {}));
  auto broken = packetize(interframe(2, 30), 101, 3000, {10, 20});
  broken.erase(broken.begin() + 1);  // seq 102 lost
  append(packets, broken);
  append(packets, packetize(interframe(3), 104, 6000, {}));  // complete but refers to a lost frame
  append(packets, packetize(keyframe(4), 105, 9000, {20}));
  append(packets, packetize(interframe(5), 107, 12000, {}));
  const auto frames = run(d, packets);
  ASSERT_EQ(frames.size(), 3u);
  EXPECT_EQ(frames[0].rtpTimestamp, 0u);
  EXPECT_EQ(frames[1].rtpTimestamp, 9000u);
  EXPECT_TRUE(frames[1].keyframe);
  EXPECT_EQ(frames[2].rtpTimestamp, 12000u);
  EXPECT_EQ(d.stats().lostPackets, 1u);
  EXPECT_EQ(d.stats().dropped, 2u);
}

TEST(Vp8Depacketizer, DropsFramesLargerThanAnyCameraSends) {
  // A sender controls the declared size and the frame length: neither may make the converter
  // hold gigabytes (video_codec.h limits). What follows a dropped keyframe waits for the next.
  Vp8Depacketizer d;
  std::vector<Bytes> packets;
  Bytes huge = keyframe(1);
  huge[6] = 0x80, huge[7] = 0x3E, huge[8] = 0x80, huge[9] = 0x3E;  // 16000x16000
  append(packets, packetize(huge, 10, 0, {}));
  append(packets, packetize(interframe(2), 11, 3000, {}));
  const Bytes tooLong = keyframe(3, kMaxVideoFrameBytes + 100);
  std::vector<std::size_t> cuts;
  for (std::size_t at = 1200; at < tooLong.size(); at += 1200) cuts.push_back(at);
  append(packets, packetize(tooLong, 12, 6000, cuts));
  const auto next = static_cast<std::uint16_t>(12 + cuts.size() + 1);
  append(packets, packetize(keyframe(4), next, 9000, {}));
  const auto frames = run(d, packets);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].rtpTimestamp, 9000u);
  EXPECT_EQ(frames[0].width, 320);
  EXPECT_EQ(d.stats().dropped, 3u);
}

TEST(Vp8Depacketizer, ALostMarkerPacketDropsTheFrame) {
  Vp8Depacketizer d;
  std::vector<Bytes> packets;
  append(packets, packetize(keyframe(1), 10, 0, {}));
  auto k2 = packetize(keyframe(2), 11, 3000, {15});
  k2.pop_back();  // its last packet (marker) never arrives
  append(packets, k2);
  append(packets, packetize(keyframe(3), 13, 6000, {}));
  const auto frames = run(d, packets);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[1].rtpTimestamp, 6000u);
}

TEST(Vp8Depacketizer, WaitsForAKeyframeAndPutsReorderedPacketsBack) {
  Vp8Depacketizer d;
  std::vector<Bytes> packets;
  append(packets, packetize(interframe(1), 50, 0, {}));  // no keyframe yet: dropped
  auto k = packetize(keyframe(2, 60), 51, 3000, {20, 40});
  std::swap(k[0], k[2]);  // arrival order 53, 52, 51
  append(packets, k);
  // A padding-only packet (no payload) between frames still fills its sequence number.
  packets.push_back(rtpPacket(96, 54, 3000, kSsrc, {}));
  append(packets, packetize(interframe(3), 55, 6000, {}));
  packets.push_back(packets.back());  // a duplicate (retransmission)
  const auto frames = run(d, packets);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_TRUE(frames[0].keyframe);
  EXPECT_EQ(frames[0].data, keyframe(2, 60));
  EXPECT_EQ(frames[1].rtpTimestamp, 6000u);
  EXPECT_EQ(d.stats().lostPackets, 0u);
  EXPECT_EQ(d.stats().dropped, 1u);
}

TEST(Vp8Depacketizer, ANewSsrcStartsOverAtAKeyframe) {
  Vp8Depacketizer d;
  std::vector<Bytes> packets;
  append(packets, packetize(keyframe(1), 10, 0, {}));
  auto other = packetize(interframe(2), 5000, 777, {});
  other[0][11] = 0x99;  // another SSRC
  append(packets, other);
  const auto frames = run(d, packets);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(d.stats().dropped, 1u);
}

}  // namespace
}  // namespace callpy::rtc::record
