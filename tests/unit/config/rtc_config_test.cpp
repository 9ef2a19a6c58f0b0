// rtc (calls' media path): interfaces, public_ip, port_range, media_threads, turn and recording,
// each checked with a clear error at file:line:col.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <tuple>

#include "../storage/temp_dir.h"
#include "config/loader.h"

namespace callpy::config {
namespace {

using ::testing::HasSubstr;

const std::string kBase = "listen:\n  http: 127.0.0.1:8080\ndata_dir: /var/lib/callpyd\n";

class RtcConfig : public ::testing::Test {
 protected:
  storage::testing::TempDir dir;
  ConfigResult load(const std::string& text) {
    LoadOptions options;
    options.baseDir = dir.path().string();
    return loadConfigString(text, "t.yaml", options);
  }
  std::string onlyError(const std::string& text) {
    auto r = load(kBase + text);
    EXPECT_EQ(r.errors.size(), 1u) << r.formatErrors();
    return r.errors.empty() ? "" : r.errors[0].format();
  }
};

TEST_F(RtcConfig, DefaultsWhenAbsent) {
  auto r = load(kBase);
  ASSERT_TRUE(r.ok()) << r.formatErrors();
  EXPECT_TRUE(r.config->rtc.interfaces.empty());
  EXPECT_EQ(r.config->rtc.portMin, 0);
  EXPECT_EQ(r.config->rtc.mediaThreads, 0);
  EXPECT_TRUE(r.config->rtc.turnUrls.empty());
}

TEST_F(RtcConfig, ReadsEveryKey) {
  std::ofstream(dir.file("turn-secret")) << "north\n";
  auto r = load(kBase +
                "rtc:\n  interfaces: [192.0.2.10, \"2001:db8::1\"]\n  public_ip: 203.0.113.7\n"
                "  port_range: 40000-40999\n  media_threads: 3\n"
                "  turn:\n    urls: [\"turn:turn.example.com:3478?transport=udp\"]\n"
                "    secret_file: turn-secret\n    ttl_seconds: 600\n");
  ASSERT_TRUE(r.ok()) << r.formatErrors();
  const auto& rtc = r.config->rtc;
  EXPECT_EQ(rtc.interfaces, (std::vector<std::string>{"192.0.2.10", "2001:db8::1"}));
  EXPECT_EQ(rtc.publicIp, "203.0.113.7");
  EXPECT_EQ(rtc.portMin, 40000);
  EXPECT_EQ(rtc.portMax, 40999);
  EXPECT_EQ(rtc.mediaThreads, 3);
  EXPECT_EQ(rtc.turnUrls, std::vector<std::string>{"turn:turn.example.com:3478?transport=udp"});
  EXPECT_EQ(rtc.turnSecret, "north");
  EXPECT_EQ(rtc.turnTtlSeconds, 600);
}

TEST_F(RtcConfig, BadValuesAreErrorsAtTheirKeys) {
  EXPECT_THAT(onlyError("rtc:\n  interfaces: [eth0]\n"),
              HasSubstr("t.yaml:5:16: rtc.interfaces[0]: interfaces must be numeric"));
  EXPECT_THAT(onlyError("rtc:\n  public_ip: example.com\n"),
              HasSubstr("t.yaml:5:14: rtc.public_ip: public_ip must be a numeric"));
  EXPECT_THAT(onlyError("rtc:\n  port_range: 40999-40000\n"), HasSubstr("rtc.port_range: port_range must be LOW-HIGH"));
  EXPECT_THAT(onlyError("rtc:\n  port_range: 80-90\n"), HasSubstr("port_range must be LOW-HIGH"));
  EXPECT_THAT(onlyError("rtc:\n  media_threads: 0\n"), HasSubstr("rtc.media_threads"));
  std::ofstream(dir.file("s")) << "north";
  EXPECT_THAT(onlyError("rtc:\n  turn:\n    urls: [\"http://x\"]\n    secret_file: s\n"),
              HasSubstr("t.yaml:6:12: rtc.turn.urls[0]: TURN urls look like"));
  EXPECT_THAT(onlyError("rtc:\n  turn:\n    urls: [\"turn:x:3478\"]\n    secret_file: /nonexistent\n"),
              HasSubstr("rtc.turn.secret_file: cannot read"));
  EXPECT_THAT(onlyError("rtc:\n  turn:\n    urls: [\"turn:x:3478\"]\n"), HasSubstr("secret_file"));
  EXPECT_THAT(onlyError("rtc:\n  stun: x\n"), HasSubstr("rtc.stun: unknown key"));
}

TEST_F(RtcConfig, RecordingDefaultsTo720pWithOneEncoderThread) {
  auto r = load(kBase + "rtc:\n  media_threads: 2\n");
  ASSERT_TRUE(r.ok()) << r.formatErrors();
  EXPECT_EQ(r.config->rtc.recording.videoWidth, 1280);
  EXPECT_EQ(r.config->rtc.recording.videoHeight, 720);
  EXPECT_EQ(r.config->rtc.recording.encoderThreads, 1);
}

TEST_F(RtcConfig, RecordingReadsSizeAndEncoderThreads) {
  for (const auto& [text, w, h, threads] :
       {std::tuple{"video_size: 640x360\n    encoder_threads: 2", 640, 360, 2},
        std::tuple{"video_size: 320x180\n    encoder_threads: 1", 320, 180, 1},
        std::tuple{"video_size: 1920x1080\n    encoder_threads: 4", 1920, 1080, 4},
        std::tuple{"video_size: 1080x1080", 1080, 1080, 1}}) {
    SCOPED_TRACE(text);
    auto r = load(kBase + "rtc:\n  recording:\n    " + text + "\n");
    ASSERT_TRUE(r.ok()) << r.formatErrors();
    EXPECT_EQ(r.config->rtc.recording.videoWidth, w);
    EXPECT_EQ(r.config->rtc.recording.videoHeight, h);
    EXPECT_EQ(r.config->rtc.recording.encoderThreads, threads);
  }
}

TEST_F(RtcConfig, RecordingBadValuesAreErrorsWithTheirLine) {
  const std::string sizeError =
      "t.yaml:6:17: rtc.recording.video_size: video_size must be WIDTHxHEIGHT with even numbers "
      "from 320x180 to 1920x1080, e.g. 1280x720";
  for (const char* bad : {"1280", "1280x", "x720", "1280x721", "1281x720", "318x180", "320x178",
                          "1922x1080", "1920x1082", "-1280x720", "1280X720", "1280x720p",
                          "1280 x 720", "big"}) {
    SCOPED_TRACE(bad);
    EXPECT_EQ(onlyError(std::string("rtc:\n  recording:\n    video_size: \"") + bad + "\"\n"),
              sizeError);
  }
  EXPECT_THAT(onlyError("rtc:\n  recording:\n    encoder_threads: 0\n"),
              HasSubstr("t.yaml:6:22: rtc.recording.encoder_threads"));
  EXPECT_THAT(onlyError("rtc:\n  recording:\n    encoder_threads: 5\n"),
              HasSubstr("t.yaml:6:22: rtc.recording.encoder_threads"));
  EXPECT_THAT(onlyError("rtc:\n  recording:\n    encoder_threads: two\n"),
              HasSubstr("rtc.recording.encoder_threads"));
  EXPECT_THAT(onlyError("rtc:\n  recording:\n    fps: 30\n"),
              HasSubstr("t.yaml:6:5: rtc.recording.fps: unknown key"));
  EXPECT_THAT(onlyError("rtc:\n  recording: 1280x720\n"), HasSubstr("rtc.recording"));
}

}  // namespace
}  // namespace callpy::config
