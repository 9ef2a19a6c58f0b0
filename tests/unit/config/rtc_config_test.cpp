// rtc (calls' media path): interfaces, public_ip, port_range, media_threads and turn, each checked
// with a clear error at file:line:col.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

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

}  // namespace
}  // namespace callpy::config
