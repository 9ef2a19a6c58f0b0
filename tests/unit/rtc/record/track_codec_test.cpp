// A recorded track's codec comes from its negotiation (track_codec.h): a track that never sent a
// keyframe still has one, a payload type switch in the middle of a file is followed, and packets
// of a payload type the track did not negotiate are left out and counted, never depacketized.
// From the call leg's side: Recording::setCodecs puts the map into the raw files.
#include "rtc/record/track_codec.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <optional>

#include "rtc/record/recording_writer.h"
#include "rtc/record/video_source.h"
#include "test_packets.h"
#include "writer_results.h"

namespace callpy::rtc::record {
namespace {

namespace fs = std::filesystem;
using testing::Bytes;
using testing::rtpPacket;

const RecordedCodec kVp8{96, "VP8", 90000, 0, ""};
const RecordedCodec kH264{102, "H264", 90000, 0, "packetization-mode=1;profile-level-id=42e01f"};
const RecordedCodec kOpus{111, "opus", 48000, 2, ""};

class TempDir {
 public:
  TempDir() {
    path_ = fs::temp_directory_path() /
            ("callpy-codec-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string str() const { return path_.string(); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  static inline int counter_ = 0;
  fs::path path_;
};

// Writes a raw file: `steps` are packets, or (a packet of size 0 and) a new codec map.
struct Step {
  Bytes packet;
  std::optional<CodecMap> codecs;
};
std::string writeTrack(const TempDir& dir, const std::string& name, std::optional<CodecMap> header,
                       const std::vector<Step>& steps) {
  const std::string path = dir.file(name);
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return {};
  if (header) {
    writeRawHeader(f, *header, 0);
  } else {
    std::fwrite(kRawMagicV1, 1, sizeof kRawMagicV1, f);
  }
  std::uint64_t t = 1'000'000;
  for (const auto& s : steps) {
    if (s.codecs) writeCodecRecord(f, t, *s.codecs);
    if (!s.packet.empty()) writeRawRecord(f, t += 10'000, s.packet.data(), s.packet.size());
  }
  std::fclose(f);
  return path;
}

// VP8: a one-packet keyframe (descriptor S=1 PID=0, then a 64x48 keyframe header) or delta frame.
Bytes vp8Key(std::uint16_t seq, std::uint32_t ssrc = 0x1234, std::uint8_t pt = 96) {
  return rtpPacket(pt, seq, seq * 3000u, ssrc,
                   {0x10, 0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, 0x40, 0x00, 0x30, 0x00, 0xAA}, true);
}
Bytes vp8Delta(std::uint16_t seq, std::uint32_t ssrc = 0x1234, std::uint8_t pt = 96) {
  return rtpPacket(pt, seq, seq * 3000u, ssrc, {0x10, 0x31, 0x01, 0x00, 0xAA}, true);
}
// H.264: a STAP-A with an SPS (profile 66) and a PPS, which the sniffer takes for H.264.
Bytes h264Sps(std::uint16_t seq, std::uint32_t ssrc = 0x5678, std::uint8_t pt = 102) {
  return rtpPacket(pt, seq, seq * 3000u, ssrc,
                   {0x78, 0x00, 0x03, 0x67, 0x42, 0xC0, 0x00, 0x02, 0x68, 0xCE}, true);
}

TEST(TrackCodec, TheNegotiationNamesTheCodecOfATrackWithoutAKeyframe) {
  // A camera turned on for a moment: a few delta frames, its keyframe lost. Sniffing finds
  // nothing to go by; the negotiation says VP8.
  TempDir dir;
  std::vector<Step> steps;
  for (std::uint16_t s = 0; s < 5; ++s) steps.push_back({vp8Delta(s), {}});
  const auto v2 = writeTrack(dir, "v2.rtp", CodecMap{kVp8}, steps);
  const auto c = recordedVideoCodec(v2);
  EXPECT_EQ(c.codec, VideoCodec::Vp8);
  EXPECT_TRUE(c.negotiated);
  EXPECT_EQ(c.packets, 5u);
  EXPECT_EQ(c.skipped, 0u);
  EXPECT_EQ(sniffRawTrack(v2), VideoCodec::Unknown);
  // The same packets in a v1 file: sniffed, so unknown.
  const auto v1 = recordedVideoCodec(writeTrack(dir, "v1.rtp", std::nullopt, steps));
  EXPECT_EQ(v1.codec, VideoCodec::Unknown);
  EXPECT_FALSE(v1.negotiated);
  // v1 with a keyframe: sniffed as before. So is a v2 file whose negotiation was not known.
  const std::vector<Step> keyed = {{vp8Key(0), {}}, {vp8Delta(1), {}}};
  EXPECT_EQ(recordedVideoCodec(writeTrack(dir, "v1k.rtp", std::nullopt, keyed)).codec,
            VideoCodec::Vp8);
  const auto unknown = recordedVideoCodec(writeTrack(dir, "v2u.rtp", CodecMap{}, keyed));
  EXPECT_EQ(unknown.codec, VideoCodec::Vp8);
  EXPECT_FALSE(unknown.negotiated);
  EXPECT_EQ(recordedVideoCodec("").codec, VideoCodec::Unknown);
}

TEST(TrackCodec, APayloadTypeSwitchMidFileIsFollowed) {
  // The sender moved to a device that sends H.264 (PT 102) instead of VP8 (PT 96): the codec
  // record in the middle of the file tells so. The track is H.264 (most of its packets); its VP8
  // packets are left out, not fed to the H.264 depacketizer.
  TempDir dir;
  std::vector<Step> steps;
  for (std::uint16_t s = 0; s < 4; ++s) steps.push_back({vp8Delta(s), {}});
  steps.push_back({h264Sps(100), CodecMap{kH264}});
  for (std::uint16_t s = 101; s < 110; ++s) steps.push_back({h264Sps(s), {}});
  const auto path = writeTrack(dir, "switch.rtp", CodecMap{kVp8}, steps);
  const auto c = recordedVideoCodec(path);
  EXPECT_EQ(c.codec, VideoCodec::H264);
  EXPECT_TRUE(c.negotiated);
  EXPECT_EQ(c.packets, 14u);
  EXPECT_EQ(c.skipped, 4u);
  VideoSource source(path, 0, c.codec);
  while (source.peek()) source.take();
  EXPECT_EQ(source.stats().otherCodec, 4u);
  EXPECT_EQ(source.stats().badPackets, 0u);

  // The same PT renumbered (96 -> 98, still VP8): nothing is lost.
  std::vector<Step> renumbered = {{vp8Key(0), {}}, {vp8Delta(1), {}}};
  const RecordedCodec moved{98, "VP8", 90000, 0, ""};
  renumbered.push_back({vp8Delta(2, 0x1234, 98), CodecMap{moved}});
  renumbered.push_back({vp8Delta(3, 0x1234, 98), {}});
  const auto r = recordedVideoCodec(writeTrack(dir, "renumbered.rtp", CodecMap{kVp8}, renumbered));
  EXPECT_EQ(r.codec, VideoCodec::Vp8);
  EXPECT_EQ(r.skipped, 0u);
  VideoSource frames(dir.file("renumbered.rtp"), 0, VideoCodec::Vp8);
  int n = 0;
  while (frames.peek()) {
    frames.take();
    ++n;
  }
  EXPECT_EQ(n, 4);
  EXPECT_EQ(frames.stats().otherCodec, 0u);
}

TEST(TrackCodec, PacketsOfAPayloadTypeNotNegotiatedAreSkippedAndCounted) {
  // A VP8 camera whose file also holds H.264-looking packets under PT 102, which this track
  // never negotiated (a sender trying to make the converter decode something else).
  TempDir dir;
  std::vector<Step> steps;
  std::uint16_t h = 500;
  for (std::uint16_t s = 0; s < 10; ++s) {
    steps.push_back({s == 0 ? vp8Key(s) : vp8Delta(s), {}});
    steps.push_back({h264Sps(h++), {}});
  }
  const auto path = writeTrack(dir, "mixed.rtp", CodecMap{kVp8}, steps);
  const auto c = recordedVideoCodec(path);
  EXPECT_EQ(c.codec, VideoCodec::Vp8);
  EXPECT_EQ(c.skipped, 10u);
  VideoSource source(path, 0, VideoCodec::Vp8);
  int frames = 0;
  while (source.peek()) {
    source.take();
    ++frames;
  }
  EXPECT_EQ(frames, 10);
  EXPECT_EQ(source.stats().otherCodec, 10u);
  EXPECT_EQ(source.stats().badPackets, 0u);
  // Only PT 102 packets, negotiated as VP8 by nobody: no codec at all, everything skipped.
  std::vector<Step> only;
  for (std::uint16_t s = 0; s < 3; ++s) only.push_back({h264Sps(s), {}});
  const auto none = recordedVideoCodec(writeTrack(dir, "only.rtp", CodecMap{kVp8}, only));
  EXPECT_EQ(none.codec, VideoCodec::Unknown);
  EXPECT_TRUE(none.negotiated);
  EXPECT_EQ(none.skipped, 3u);
  // A codec we cannot assemble (H.264 interleaved mode, VP9) is no video codec of ours.
  EXPECT_EQ(videoCodecOf({102, "H264", 90000, 0, "packetization-mode=2"}), VideoCodec::Unknown);
  EXPECT_EQ(videoCodecOf({102, "h264", 90000, 0, "profile-level-id=42e01f"}), VideoCodec::H264);
  EXPECT_EQ(videoCodecOf({98, "VP9", 90000, 0, ""}), VideoCodec::Unknown);
  EXPECT_EQ(videoCodecOf({96, "vp8", 90000, 0, ""}), VideoCodec::Vp8);
}

TEST(TrackCodec, OpusTracksKeepOnlyTheirOpusPackets) {
  TempDir dir;
  std::vector<Step> steps;
  for (std::uint16_t s = 0; s < 6; ++s) {
    steps.push_back({rtpPacket(s % 3 == 2 ? 0 : 111, s, s * 960u, 7, {0x78, 0x01}), {}});
  }
  std::uint64_t skipped = 0;
  const auto v2 = readOpusTrack(writeTrack(dir, "a2.rtp", CodecMap{kOpus}, steps), skipped);
  EXPECT_EQ(v2.size(), 4u);
  EXPECT_EQ(skipped, 2u);  // PT 0 (PCMU) was never negotiated
  skipped = 0;
  const auto v1 = readOpusTrack(writeTrack(dir, "a1.rtp", std::nullopt, steps), skipped);
  EXPECT_EQ(v1.size(), 6u);  // v1: no negotiation to go by, as before
  EXPECT_EQ(skipped, 0u);
}

using Results = testing::WriterResults;

TEST(TrackCodec, ARecordingWritesEachTracksNegotiationAndItsChanges) {
  // As a call leg does: the visitor's audio negotiated Opus on PT 111; then they moved to a
  // device that negotiated it on PT 112. Packets of PT 111 arriving after the move are not of
  // the negotiation in force and are left out. A recording told nothing keeps every packet.
  TempDir dir;
  Results results;
  constexpr Track kVisitorAudio{Participant::Visitor, Kind::Audio};
  const RecordedCodec moved{112, "opus", 48000, 2, ""};
  {
    RecordingWriter writer;
    auto told = writer.start(dir.str(), "told", results.callback());
    auto blind = writer.start(dir.str(), "blind", results.callback());
    told->setCodecs(kVisitorAudio, {kOpus});
    told->setCodecs(kVisitorAudio, {kOpus});  // unchanged: no new record
    std::uint16_t seq = 0;
    auto send = [&](std::uint8_t pt, int n) {
      for (int i = 0; i < n; ++i, ++seq) {
        const Bytes p = rtpPacket(pt, seq, seq * 960u, 9, {0x78, static_cast<std::uint8_t>(seq)});
        told->packet(kVisitorAudio, p.data(), p.size(), 1'000'000 + seq * 20'000ull);
        blind->packet(kVisitorAudio, p.data(), p.size(), 1'000'000 + seq * 20'000ull);
      }
    };
    send(111, 20);
    told->setCodecs(kVisitorAudio, {moved});
    send(112, 20);
    send(111, 5);
    told->finish();
    blind->finish();
    ASSERT_TRUE(results.wait(2));
  }
  for (const auto& r : results.all) {
    ASSERT_TRUE(r.ok) << r.callId << ": " << r.error;
    if (r.callId == "told") {
      EXPECT_TRUE(r.conversion.negotiatedCodecs);
      EXPECT_EQ(r.conversion.skippedPackets, 5u);
      EXPECT_EQ(r.conversion.audio.packets[0], 40u);
    } else {
      EXPECT_FALSE(r.conversion.negotiatedCodecs);
      EXPECT_EQ(r.conversion.skippedPackets, 0u);
      EXPECT_EQ(r.conversion.audio.packets[0], 45u);
    }
  }
}

}  // namespace
}  // namespace callpy::rtc::record
