// User-Agent parsing (F4) on real strings sent by current browsers.
#include "core/visitors/user_agent.h"

#include <gtest/gtest.h>

namespace callpy::core::visitors {
namespace {

struct Case {
  const char* ua;
  UserAgentInfo expected;
};

class UserAgents : public ::testing::TestWithParam<Case> {};

TEST_P(UserAgents, Parse) {
  const auto& c = GetParam();
  auto got = parseUserAgent(c.ua);
  EXPECT_EQ(got.browser, c.expected.browser) << c.ua;
  EXPECT_EQ(got.browserVersion, c.expected.browserVersion) << c.ua;
  EXPECT_EQ(got.os, c.expected.os) << c.ua;
  EXPECT_EQ(got.osVersion, c.expected.osVersion) << c.ua;
  EXPECT_EQ(deviceKindName(got.device), std::string(deviceKindName(c.expected.device))) << c.ua;
}

constexpr auto Pc = DeviceKind::Pc;
constexpr auto Phone = DeviceKind::Phone;
constexpr auto Tablet = DeviceKind::Tablet;

INSTANTIATE_TEST_SUITE_P(
    Real, UserAgents,
    ::testing::Values(
        Case{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
             "Chrome/126.0.0.0 Safari/537.36",
             {"Chrome", "126", "Windows", "10", Pc}},
        Case{"Mozilla/5.0 (Windows NT 6.1; Win64; x64; rv:115.0) Gecko/20100101 Firefox/115.0",
             {"Firefox", "115", "Windows", "7", Pc}},
        Case{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
             "Chrome/125.0.0.0 Safari/537.36 Edg/125.0.2535.92",
             {"Edge", "125", "Windows", "10", Pc}},
        Case{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
             "Chrome/124.0.0.0 YaBrowser/24.6.0.0 Safari/537.36",
             {"Yandex Browser", "24", "Windows", "10", Pc}},
        Case{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
             "Chrome/126.0.0.0 Safari/537.36 OPR/111.0.0.0",
             {"Opera", "111", "Windows", "10", Pc}},
        Case{"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like "
             "Gecko) Version/17.5 Safari/605.1.15",
             {"Safari", "17", "macOS", "10.15.7", Pc}},
        Case{"Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:127.0) Gecko/20100101 Firefox/127.0",
             {"Firefox", "127", "macOS", "14.5", Pc}},
        Case{"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
             "Chrome/126.0.0.0 Safari/537.36",
             {"Chrome", "126", "Linux", "", Pc}},
        Case{"Mozilla/5.0 (X11; Ubuntu; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
             "Chromium/120.0.6099.224 Chrome/120.0.6099.224 Safari/537.36",
             {"Chromium", "120", "Linux", "", Pc}},
        Case{"Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) "
             "Chrome/126.0.0.0 Safari/537.36",
             {"Chrome", "126", "ChromeOS", "", Pc}},
        Case{"Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
             "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
             {"Safari", "17", "iOS", "17.5", Phone}},
        Case{"Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
             "(KHTML, like Gecko) CriOS/126.0.6478.54 Mobile/15E148 Safari/604.1",
             {"Chrome", "126", "iOS", "17.5", Phone}},
        Case{"Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 "
             "(KHTML, like Gecko) FxiOS/127.0 Mobile/15E148 Safari/605.1.15",
             {"Firefox", "127", "iOS", "16.6", Phone}},
        Case{"Mozilla/5.0 (iPad; CPU OS 16_7_8 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
             "Gecko) Version/16.6 Mobile/15E148 Safari/604.1",
             {"Safari", "16", "iPadOS", "16.7.8", Tablet}},
        Case{"Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
             "Chrome/126.0.0.0 Mobile Safari/537.36",
             {"Chrome", "126", "Android", "10", Phone}},
        Case{"Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like "
             "Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36",
             {"Samsung Internet", "25", "Android", "14", Phone}},
        Case{"Mozilla/5.0 (Linux; Android 13; SM-X200) AppleWebKit/537.36 (KHTML, like Gecko) "
             "Chrome/126.0.0.0 Safari/537.36",
             {"Chrome", "126", "Android", "13", Tablet}},
        Case{"Mozilla/5.0 (Linux; arm_64; Android 12; SM-A515F) AppleWebKit/537.36 (KHTML, like "
             "Gecko) Chrome/124.0.0.0 YaBrowser/24.4.5.98.00 SA/3 Mobile Safari/537.36",
             {"Yandex Browser", "24", "Android", "12", Phone}},
        Case{"Mozilla/5.0 (Android 14; Mobile; rv:127.0) Gecko/127.0 Firefox/127.0",
             {"Firefox", "127", "Android", "14", Phone}},
        Case{"Mozilla/5.0 (Linux; Android 10; HD1913) AppleWebKit/537.36 (KHTML, like Gecko) "
             "Chrome/126.0.6478.71 Mobile Safari/537.36 EdgA/126.0.2592.61",
             {"Edge", "126", "Android", "10", Phone}},
        Case{"Mozilla/5.0 (Linux; Android 10; VOG-L29) AppleWebKit/537.36 (KHTML, like Gecko) "
             "Chrome/126.0.0.0 Mobile Safari/537.36 OPR/82.4.4293.79503",
             {"Opera", "82", "Android", "10", Phone}},
        Case{"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
             "HeadlessChrome/156.0.0.0 Safari/537.36",
             {"Chrome", "156", "Linux", "", Pc}}));

TEST(UserAgent, UnknownAndHostileInputsGiveEmptyNames) {
  EXPECT_EQ(parseUserAgent(""), UserAgentInfo{});
  EXPECT_EQ(parseUserAgent("curl/8.0.1").browser, "");
  auto weird = parseUserAgent("<script>alert(1)</script> Chrome/");
  EXPECT_EQ(weird.browser, "Chrome");
  EXPECT_EQ(weird.browserVersion, "");
  // A version never grows without bound.
  auto longVersion = parseUserAgent("Firefox/" + std::string(10'000, '9'));
  EXPECT_LE(longVersion.browserVersion.size(), 16u);
}

TEST(UserAgent, WithVersion) {
  EXPECT_EQ(withVersion("Chrome", "126"), "Chrome 126");
  EXPECT_EQ(withVersion("Linux", ""), "Linux");
  EXPECT_EQ(withVersion("", "1"), "");
}

}  // namespace
}  // namespace callpy::core::visitors
