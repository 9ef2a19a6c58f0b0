#include "core/calls/device_links.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace callpy::core::calls {
namespace {

// A visible stand-in for SHA-256: the test checks that only the hash is kept.
std::string fakeHash(const std::string& s) { return "h(" + s + ")"; }

DeviceLink mk(std::string call, std::int64_t user, std::string name, std::int64_t expires,
              PartyKind kind = PartyKind::Operator, std::string site = "") {
  DeviceLink l;
  l.callId = std::move(call);
  l.userId = user;
  l.name = std::move(name);
  l.expiresMs = expires;
  l.kind = kind;
  l.siteId = std::move(site);
  return l;
}

TEST(DeviceLinks, ALinkWorksOnceAndOnlyBeforeItExpires) {
  DeviceLinks links(fakeHash);
  links.add("tok", mk("call1", 3, "Анна", 1000 + kDeviceLinkTtlMs), 1000);
  EXPECT_FALSE(links.take("other", 2000));
  auto link = links.take("tok", 2000);
  ASSERT_TRUE(link);
  EXPECT_EQ(link->callId, "call1");
  EXPECT_EQ(link->userId, 3);
  EXPECT_FALSE(links.take("tok", 2001)) << "a link is used at most once";

  links.add("late", mk("call1", 3, "Анна", 5000), 1000);
  EXPECT_FALSE(links.take("late", 5000)) << "expired";
  EXPECT_EQ(links.size(), 0u);
}

TEST(DeviceLinks, ExpiredLinksAreDroppedWhenNewOnesArrive) {
  DeviceLinks links(fakeHash);
  links.add("a", mk("c", 1, "", 2000), 1000);
  links.add("b", mk("c", 1, "", 9000), 1500);
  EXPECT_EQ(links.size(), 2u);
  links.add("c", mk("c", 1, "", 9000), 3000);
  EXPECT_EQ(links.size(), 2u);
  EXPECT_FALSE(links.take("a", 3000));
  EXPECT_TRUE(links.take("b", 3000));
}

TEST(DeviceLinks, AVisitorsLinkCarriesTheVisitorsSideAndWorksOnce) {
  DeviceLinks links(fakeHash);
  DeviceLink visitor = mk("call1", 42, "", 1000 + kDeviceLinkTtlMs, PartyKind::Visitor, "shop");
  links.add("vtok", visitor, 1000);
  auto link = links.take("vtok", 1500);
  ASSERT_TRUE(link);
  EXPECT_EQ(link->party(), (Party{PartyKind::Visitor, 42}));
  EXPECT_EQ(link->siteId, "shop");
  EXPECT_FALSE(links.take("vtok", 1600)) << "a visitor's link is used at most once too";
  // An operator link made the old way keeps the operator's side.
  links.add("otok", mk("call1", 3, "Анна", 1000 + kDeviceLinkTtlMs), 1000);
  EXPECT_EQ(links.take("otok", 1500)->party(), (Party{PartyKind::Operator, 3}));
}

TEST(DeviceLinks, OnlyTheHashOfTheTokenIsKept) {
  std::vector<std::string> hashed;
  DeviceLinks links([&](const std::string& s) {
    hashed.push_back(s);
    return fakeHash(s);
  });
  links.add("secret", mk("c", 1, "", 9000), 1000);
  ASSERT_EQ(hashed, std::vector<std::string>{"secret"});
  EXPECT_FALSE(links.take("h(secret)", 2000)) << "the stored key is not a usable token";
  EXPECT_TRUE(links.take("secret", 2000));
}

TEST(DeviceLinks, ACallKeepsOnlyItsNewestLinks) {
  DeviceLinks links(fakeHash);
  for (std::size_t i = 0; i < kMaxDeviceLinksPerCall + 2; ++i) {
    links.add("t" + std::to_string(i), mk("c", 42, "", 9000, PartyKind::Visitor), 1000);
  }
  links.add("other", mk("d", 1, "", 9000), 1000);
  EXPECT_EQ(links.size(), kMaxDeviceLinksPerCall + 1);
  EXPECT_FALSE(links.take("t0", 2000)) << "the oldest links of the call went first";
  EXPECT_FALSE(links.take("t1", 2000));
  EXPECT_TRUE(links.take("t2", 2000));
  EXPECT_TRUE(links.take("t" + std::to_string(kMaxDeviceLinksPerCall + 1), 2000));
  EXPECT_TRUE(links.take("other", 2000)) << "another call's link is not touched";
}

}  // namespace
}  // namespace callpy::core::calls
