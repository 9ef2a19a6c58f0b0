#include "core/calls/device_links.h"

#include <gtest/gtest.h>

namespace callpy::core::calls {
namespace {

// A visible stand-in for SHA-256: the test checks that only the hash is kept.
std::string fakeHash(const std::string& s) { return "h(" + s + ")"; }

TEST(DeviceLinks, ALinkWorksOnceAndOnlyBeforeItExpires) {
  DeviceLinks links(fakeHash);
  links.add("tok", {"call1", 3, "Анна", 1000 + kDeviceLinkTtlMs}, 1000);
  EXPECT_FALSE(links.take("other", 2000));
  auto link = links.take("tok", 2000);
  ASSERT_TRUE(link);
  EXPECT_EQ(link->callId, "call1");
  EXPECT_EQ(link->userId, 3);
  EXPECT_FALSE(links.take("tok", 2001)) << "a link is used at most once";

  links.add("late", {"call1", 3, "Анна", 5000}, 1000);
  EXPECT_FALSE(links.take("late", 5000)) << "expired";
  EXPECT_EQ(links.size(), 0u);
}

TEST(DeviceLinks, ExpiredLinksAreDroppedWhenNewOnesArrive) {
  DeviceLinks links(fakeHash);
  links.add("a", {"c", 1, "", 2000}, 1000);
  links.add("b", {"c", 1, "", 9000}, 1500);
  EXPECT_EQ(links.size(), 2u);
  links.add("c", {"c", 1, "", 9000}, 3000);
  EXPECT_EQ(links.size(), 2u);
  EXPECT_FALSE(links.take("a", 3000));
  EXPECT_TRUE(links.take("b", 3000));
}

}  // namespace
}  // namespace callpy::core::calls
