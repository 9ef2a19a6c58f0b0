// The composite video of a call (F18: every participant's camera in one grid; H.264 decoded) and
// the converter's choice between passing the visitor's VP8 through and composing. Runs on the
// real RTP of tests/fixtures/rtc_recording.bin: the visitor's camera (VP8 160x120, blue, 0-3 s),
// the operator's (VP8 320x240, green, 0.5-3 s), the second operator's (H.264 160x120, red,
// 1.0-2.2 s).
#include "rtc/record/composite_video.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "fixture_support.h"
#include "rtc/record/converter.h"
#include "rtc/record/raw_file.h"
#include "rtc/record/video_decoder.h"
#include "test_packets.h"

namespace callpy::rtc::record {
namespace {

namespace fs = std::filesystem;
using testing::Bytes;

constexpr Track kVisitorCamera{Participant::Visitor, Kind::Camera};
constexpr Track kVisitorScreen{Participant::Visitor, Kind::Screen};
constexpr Track kOperatorCamera{operatorVoice(0), Kind::Camera};
constexpr Track kSecondCamera{operatorVoice(1), Kind::Camera};

class TempDir {
 public:
  TempDir() {
    path_ = fs::temp_directory_path() /
            ("callpy-composite-test-" + std::to_string(::getpid()) + "-" + std::to_string(n_++));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string str() const { return path_.string(); }

 private:
  static inline int n_ = 0;
  fs::path path_;
};

const std::vector<testing::FixturePacket>& fixture() {
  static const auto packets = testing::readFixture(testing::fixturePath());
  return packets;
}

std::uint64_t epochOf(const std::vector<testing::FixturePacket>& packets) {
  std::uint64_t e = UINT64_MAX;
  for (const auto& p : packets) e = std::min(e, p.arrivalUs);
  return e;
}

std::vector<CompositeTrack> compositeTracks(const TrackPaths& paths) {
  std::vector<CompositeTrack> out;
  for (std::size_t i = 0; i < kTracks; ++i) {
    if (paths[i].empty() || trackAt(i).kind == Kind::Audio) continue;
    out.push_back({trackAt(i), paths[i], sniffRawTrack(paths[i])});
  }
  return out;
}

// Which of the test colours a decoded picture shows around (x, y): most of a row of samples
// across the tile's picture must agree (the moving bars cover some of them).
enum class Colour { Black, Blue, Green, Red, Other };
Colour colourAt(const PictureView& p, int x0, int x1, int y) {
  int counts[5] = {};
  for (int x = x0; x < x1; x += (x1 - x0) / 12) {
    const int Y = p.data[0][y * p.linesize[0] + x];
    const int U = p.data[1][(y / 2) * p.linesize[1] + x / 2];
    const int V = p.data[2][(y / 2) * p.linesize[2] + x / 2];
    const auto is = [&](int y2, int u2, int v2) {
      return std::abs(Y - y2) < 14 && std::abs(U - u2) < 14 && std::abs(V - v2) < 14;
    };
    const Colour c = is(16, 128, 128)   ? Colour::Black
                     : is(25, 167, 122) ? Colour::Blue
                     : is(123, 96, 75)  ? Colour::Green
                     : is(85, 103, 203) ? Colour::Red
                                        : Colour::Other;
    ++counts[static_cast<int>(c)];
  }
  int best = 0;
  for (int i = 1; i < 5; ++i) best = counts[i] > counts[best] ? i : best;
  return counts[best] >= 7 ? static_cast<Colour>(best) : Colour::Other;
}

struct Frame {
  std::int64_t timeMs;
  Colour tiles[4];
};

// Decodes the composite and reads the colour of each 2x2 tile's picture area.
std::vector<Frame> runComposite(const TrackPaths& paths, CompositeOptions options = {}) {
  CompositeVideo video(compositeTracks(paths), epochOf(fixture()), options);
  VideoDecoder decoder(VideoCodec::Vp8);
  std::vector<Frame> frames;
  while (auto f = video.next()) {
    EXPECT_TRUE(decoder.decode(f->frame.data));
    const PictureView* p = decoder.picture();
    if (!p) continue;
    EXPECT_EQ(p->width, 1280);
    EXPECT_EQ(p->height, 720);
    // 4:3 pictures in 640x360 tiles: 480x360 at x+80.
    frames.push_back({f->timeMs,
                      {colourAt(*p, 90, 550, 180), colourAt(*p, 730, 1190, 180),
                       colourAt(*p, 90, 550, 540), colourAt(*p, 730, 1190, 540)}});
  }
  return frames;
}

TEST(VideoCodec, RecognisesVp8AndH264FromThePayloads) {
  TempDir dir;
  const auto paths = testing::writeRawTracks(fixture(), dir.str(), [](Track) { return true; });
  EXPECT_EQ(sniffRawTrack(paths[trackIndex(kVisitorCamera)]), VideoCodec::Vp8);
  EXPECT_EQ(sniffRawTrack(paths[trackIndex(kOperatorCamera)]), VideoCodec::Vp8);
  EXPECT_EQ(sniffRawTrack(paths[trackIndex(kSecondCamera)]), VideoCodec::H264);
  EXPECT_EQ(sniffRawTrack(paths[trackIndex({Participant::Visitor, Kind::Audio})]),
            VideoCodec::Unknown);
  EXPECT_EQ(sniffRawTrack(""), VideoCodec::Unknown);
}

TEST(VideoCodec, ALateFirstKeyframeStillTellsTheCodec) {
  // 20 s of HD delta frames before the first keyframe (its PLI was lost): still VP8.
  TempDir dir;
  const std::string path = dir.str() + "/late.raw";
  std::FILE* f = std::fopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  ASSERT_TRUE(writeRawHeader(f));
  const Bytes delta = {0x90, 0x80, 0x01, 0x31, 0x01, 0x00, 0xAA, 0xAA};  // X, S, PictureID, P=1
  const Bytes key = {0x90, 0x80, 0x01, 0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, 0x40, 0x01, 0xF0, 0x00};
  for (std::uint16_t seq = 0; seq <= 3000; ++seq) {
    const auto pkt = testing::rtpPacket(96, seq, seq * 30u, 0x1234, seq < 3000 ? delta : key, true);
    ASSERT_TRUE(writeRawRecord(f, seq * 1000u, pkt.data(), pkt.size()));
  }
  std::fclose(f);
  EXPECT_EQ(sniffRawTrack(path), VideoCodec::Vp8);
}

TEST(VideoCodec, AssemblesH264AccessUnitsFromFuAAndStapA) {
  Vp8Depacketizer d(64, VideoCodec::H264);
  // STAP-A: SPS (profile 66) and PPS; then an IDR slice in three FU-A fragments; same timestamp.
  const Bytes stap = {0x78, 0x00, 0x03, 0x67, 0x42, 0xC0, 0x00, 0x02, 0x68, 0xCE};
  const Bytes fu1 = {0x7C, 0x85, 0xB8, 0x01}, fu2 = {0x7C, 0x05, 0x02, 0x03},
              fu3 = {0x7C, 0x45, 0x04};
  EXPECT_EQ(sniffPayload(stap), VideoCodec::H264);
  EXPECT_EQ(sniffPayload(fu1), VideoCodec::H264);
  EXPECT_EQ(sniffPayload(fu2), VideoCodec::Unknown);  // not a start: proves nothing
  const Bytes p0 = testing::rtpPacket(102, 10, 9000, 7, stap);
  d.push(p0.data(), p0.size(), 1);
  // Reordered on the wire: the window puts them back.
  const Bytes p2 = testing::rtpPacket(102, 12, 9000, 7, fu2),
              p1 = testing::rtpPacket(102, 11, 9000, 7, fu1),
              p3 = testing::rtpPacket(102, 13, 9000, 7, fu3, true);
  d.push(p2.data(), p2.size(), 2);
  d.push(p1.data(), p1.size(), 3);
  d.push(p3.data(), p3.size(), 4);
  d.flush();
  const auto f = d.pop();
  ASSERT_TRUE(f);
  EXPECT_TRUE(f->keyframe);
  EXPECT_EQ(f->data, (Bytes{0,    0, 0, 1, 0x67, 0x42, 0xC0, 0,    0,    0,    1,   0x68,
                            0xCE, 0, 0, 0, 1,    0x65, 0xB8, 0x01, 0x02, 0x03, 0x04}));
  // A frame whose first fragment was lost is dropped, not glued together.
  Vp8Depacketizer lossy(64, VideoCodec::H264);
  const Bytes q2 = testing::rtpPacket(102, 21, 12000, 7, fu2),
              q3 = testing::rtpPacket(102, 22, 12000, 7, fu3, true);
  lossy.push(q2.data(), q2.size(), 1);
  lossy.push(q3.data(), q3.size(), 2);
  lossy.flush();
  EXPECT_FALSE(lossy.pop());
}

TEST(CompositeVideo, EveryCameraInItsTileOnlyWhileItSends) {
  TempDir dir;
  const auto paths =
      testing::writeRawTracks(fixture(), dir.str(), [](Track t) { return t.kind == Kind::Camera; });
  CompositeOptions options;
  options.cameraHoldMs = 300;  // so that the second operator's tile goes black after 2.2 s
  const auto frames = runComposite(paths, options);
  ASSERT_FALSE(frames.empty());
  // Output frames every 40 ms (25 fps) from the first camera frame to the last.
  EXPECT_LT(frames.front().timeMs, 20);
  for (std::size_t i = 1; i < frames.size(); ++i) {
    ASSERT_EQ(frames[i].timeMs - frames[i - 1].timeMs, 40) << i;
  }
  EXPECT_GE(frames.back().timeMs, 2900);
  EXPECT_EQ(frames.size(), 75u);
  for (const auto& f : frames) {
    SCOPED_TRACE(f.timeMs);
    EXPECT_EQ(f.tiles[0], Colour::Blue);  // the visitor, all along
    // The operator's camera starts at ~0.5 s: black before, their picture after.
    if (f.timeMs < 480) {
      EXPECT_EQ(f.tiles[1], Colour::Black);
    }
    if (f.timeMs > 560) {
      EXPECT_EQ(f.tiles[1], Colour::Green);
    }
    // The second operator (H.264) from 1.0 s to 2.2 s, black outside (300 ms hold).
    if (f.timeMs < 980 || f.timeMs > 2500) {
      EXPECT_EQ(f.tiles[2], Colour::Black);
    }
    if (f.timeMs > 1060 && f.timeMs < 2200) {
      EXPECT_EQ(f.tiles[2], Colour::Red);
    }
    EXPECT_EQ(f.tiles[3], Colour::Black);  // no fourth participant
  }
}

TEST(CompositeVideo, TheVisitorsScreenTakesTheBigTileWhileShared) {
  TempDir dir;
  // The second operator's H.264 camera (1.0-2.2 s) recorded as the visitor's screen share.
  std::vector<testing::FixturePacket> packets;
  for (auto p : fixture()) {
    if (p.track == trackIndex(kSecondCamera)) p.track = trackIndex(kVisitorScreen);
    packets.push_back(std::move(p));
  }
  const auto paths = testing::writeRawTracks(packets, dir.str(), [](Track t) {
    return t.participant == Participant::Visitor && t.kind != Kind::Audio;
  });
  CompositeOptions options;
  options.screenHoldMs = 300;
  CompositeVideo video(compositeTracks(paths), epochOf(packets), options);
  EXPECT_EQ(video.tracks(), 2);
  const std::vector<Rect> alone{{0, 0, 1280, 720}};
  const std::vector<Rect> sharing{{960, 0, 320, 240}, {0, 0, 960, 720}};
  VideoDecoder decoder(VideoCodec::Vp8);
  int framesSharing = 0;
  while (auto f = video.next()) {
    SCOPED_TRACE(f->timeMs);
    ASSERT_TRUE(decoder.decode(f->frame.data));
    if (f->timeMs < 980 || f->timeMs > 2500) {
      EXPECT_EQ(video.tiles(), alone);  // the camera full size, no empty screen tile
      EXPECT_EQ(colourAt(*decoder.picture(), 200, 1080, 360), Colour::Blue);
    } else if (f->timeMs > 1060 && f->timeMs < 2200) {
      EXPECT_EQ(video.tiles(), sharing);
      // The screen big on the left (4:3 in 960x720: 960x720), the camera top right.
      EXPECT_EQ(colourAt(*decoder.picture(), 40, 920, 360), Colour::Red);
      EXPECT_EQ(colourAt(*decoder.picture(), 970, 1270, 120), Colour::Blue);
      ++framesSharing;
    }
  }
  EXPECT_GE(framesSharing, 25);
}

// rtc.recording.video_size: the whole layout at another canvas size.
TEST(CompositeVideo, ComposesAtTheConfiguredSize) {
  TempDir dir;
  const auto paths =
      testing::writeRawTracks(fixture(), dir.str(), [](Track t) { return t.kind == Kind::Camera; });
  CompositeOptions options;
  options.width = 640;
  options.height = 360;
  CompositeVideo video(compositeTracks(paths), epochOf(fixture()), options);
  VideoDecoder decoder(VideoCodec::Vp8);
  int frames = 0, checked = 0;
  while (auto f = video.next()) {
    SCOPED_TRACE(f->timeMs);
    ++frames;
    EXPECT_EQ(f->frame.width, 640);
    ASSERT_TRUE(decoder.decode(f->frame.data));
    const PictureView& p = *decoder.picture();
    ASSERT_EQ(p.width, 640);
    ASSERT_EQ(p.height, 360);
    EXPECT_EQ(video.tiles()[2], (Rect{0, 180, 320, 180}));
    if (f->timeMs < 1060 || f->timeMs > 2200) continue;
    // 4:3 pictures in 320x180 tiles: 240x180 at x+40.
    EXPECT_EQ(colourAt(p, 45, 275, 90), Colour::Blue);
    EXPECT_EQ(colourAt(p, 365, 595, 90), Colour::Green);
    EXPECT_EQ(colourAt(p, 45, 275, 270), Colour::Red);
    EXPECT_EQ(colourAt(p, 365, 595, 270), Colour::Black);
    ++checked;
  }
  EXPECT_EQ(frames, 75);
  EXPECT_GE(checked, 25);
}

TEST(Converter, ComposesAtTheConfiguredSizeWithEncoderThreads) {
  TempDir dir;
  const auto paths = testing::writeRawTracks(fixture(), dir.str(), [](Track) { return true; });
  CompositeOptions options;
  options.width = 320;
  options.height = 180;
  options.encoderThreads = 2;
  const auto r = convertRecording(paths, dir.str() + "/out", options);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_TRUE(r.composite);
  EXPECT_EQ(r.width, 320);
  EXPECT_EQ(r.height, 180);
  EXPECT_EQ(r.videoFrames, 75u);
  EXPECT_EQ(r.compositeStats.composed, 75u);
}

TEST(Converter, PlansPassthroughOnlyForTheVisitorsVp8) {
  EXPECT_EQ(planVideo({}), VideoPlan::None);
  EXPECT_EQ(planVideo({{kVisitorCamera, VideoCodec::Unknown}}), VideoPlan::None);
  EXPECT_EQ(planVideo({{kVisitorCamera, VideoCodec::Vp8}}), VideoPlan::Passthrough);
  EXPECT_EQ(planVideo({{kVisitorCamera, VideoCodec::Vp8}, {kVisitorScreen, VideoCodec::Vp8}}),
            VideoPlan::Passthrough);
  // A track nothing decodable came from does not count.
  EXPECT_EQ(planVideo({{kVisitorCamera, VideoCodec::Vp8}, {kOperatorCamera, VideoCodec::Unknown}}),
            VideoPlan::Passthrough);
  EXPECT_EQ(planVideo({{kVisitorCamera, VideoCodec::Vp8}, {kOperatorCamera, VideoCodec::Vp8}}),
            VideoPlan::Composite);
  EXPECT_EQ(planVideo({{kVisitorCamera, VideoCodec::H264}}), VideoPlan::Composite);
  EXPECT_EQ(planVideo({{kSecondCamera, VideoCodec::Vp8}}), VideoPlan::Composite);
}

TEST(Converter, PassesTheVisitorsVp8ThroughAndComposesTheRest) {
  struct Case {
    const char* name;
    bool (*keep)(Track);
    bool composite;
    int tiles, width;
  };
  const Case cases[] = {
      {"visitor", [](Track t) { return t.kind == Kind::Audio || t == kVisitorCamera; }, false, 0,
       160},
      {"two", [](Track t) { return t != kSecondCamera; }, true, 2, 1280},
      {"h264", [](Track t) { return t.kind == Kind::Audio || t == kSecondCamera; }, true, 1, 1280},
      {"all", [](Track) { return true; }, true, 3, 1280},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    TempDir dir;
    const auto paths = testing::writeRawTracks(fixture(), dir.str(), c.keep);
    const auto r = convertRecording(paths, dir.str() + "/out");
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(r.mediaType, "video/webm");
    EXPECT_EQ(r.composite, c.composite);
    EXPECT_EQ(r.tiles, c.tiles);
    EXPECT_EQ(r.width, c.width);
    EXPECT_EQ(r.audioChannels, 4);  // the voices are there as before
    EXPECT_NEAR(r.durationMs, 3000, 40);
    EXPECT_EQ(r.compositeStats.decodeErrors, 0u);
    EXPECT_GT(r.convertMs, 0);
  }
}

TEST(Converter, AnUndecodableVideoTrackLeavesAnOggFile) {
  TempDir dir;
  // Only garbage on the operator's camera: no codec recognised, so audio only.
  auto packets = fixture();
  for (auto& p : packets) {
    if (p.track == trackIndex(kOperatorCamera)) {
      for (std::size_t i = 12; i < p.bytes.size(); ++i) p.bytes[i] = 0xFF;
    }
  }
  const auto paths = testing::writeRawTracks(
      packets, dir.str(), [](Track t) { return t.kind == Kind::Audio || t == kOperatorCamera; });
  const auto r = convertRecording(paths, dir.str() + "/out");
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.mediaType, "audio/ogg");
}

}  // namespace
}  // namespace callpy::rtc::record
