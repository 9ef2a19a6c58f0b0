#include "realtime/chat_hub.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace callpy::realtime {
namespace {

VisitorView visitor(std::int64_t id, const std::string& site) {
  VisitorView v;
  v.id = id;
  v.siteId = site;
  return v;
}

TEST(ChatHub, AVisitorLeavesWithItsLastTab) {
  ChatHub hub;
  EXPECT_TRUE(hub.visitorJoined(1, visitor(42, "shop")));
  EXPECT_FALSE(hub.visitorJoined(2, visitor(42, "shop")));  // second tab
  EXPECT_EQ(hub.visitorTabs(42).size(), 2u);
  EXPECT_FALSE(hub.visitorLeft(42, 1).has_value());
  auto gone = hub.visitorLeft(42, 2);
  ASSERT_TRUE(gone.has_value());
  EXPECT_EQ(gone->id, 42);
  EXPECT_TRUE(hub.visitorTabs(42).empty());
  EXPECT_TRUE(hub.visitorTabsOfSite("shop").empty());
}

TEST(ChatHub, PresenceIsTheUnionOfTabs) {
  ChatHub hub;
  hub.visitorJoined(1, visitor(42, "shop"));
  hub.visitorJoined(2, visitor(42, "shop"));
  hub.updateVisitor(42, 1, [](VisitorView&, TabState& t) { t.focused = false; });
  auto v = hub.updateVisitor(42, 2, [](VisitorView&, TabState& t) { t.focused = false; });
  ASSERT_TRUE(v);
  EXPECT_FALSE(v->focused);
  v = hub.updateVisitor(42, 2, [](VisitorView&, TabState& t) { t.widgetOpen = true; t.focused = true; });
  EXPECT_TRUE(v->focused);
  EXPECT_TRUE(v->widgetOpen);
  EXPECT_FALSE(hub.updateVisitor(7, 1, [](VisitorView&, TabState&) {}).has_value());
}

TEST(ChatHub, VisitorsAreListedPerSite) {
  ChatHub hub;
  hub.visitorJoined(1, visitor(1, "a"));
  hub.visitorJoined(2, visitor(2, "b"));
  hub.visitorJoined(3, visitor(3, "b"));
  EXPECT_EQ(hub.visitorsOfSites({"a"}).size(), 1u);
  EXPECT_EQ(hub.visitorsOfSites({"a", "b"}).size(), 3u);
  EXPECT_EQ(hub.visitorTabsOfSite("b").size(), 2u);
}

TEST(ChatHub, OnlineOperatorsCountDistinctUsers) {
  ChatHub hub;
  auto changed = hub.operatorJoined(10, 5, {"a", "b"}, true);
  std::sort(changed.begin(), changed.end());
  EXPECT_EQ(changed, (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(hub.operatorJoined(11, 5, {"a"}, true).empty());  // same user, second tab
  EXPECT_EQ(hub.operatorsOnline("a"), 1);
  EXPECT_EQ(hub.operatorJoined(12, 6, {"a"}, true), std::vector<std::string>{"a"});
  EXPECT_EQ(hub.operatorsOnline("a"), 2);
  EXPECT_EQ(hub.operatorStatus(12, false), std::vector<std::string>{"a"});  // away
  EXPECT_EQ(hub.operatorsOnline("a"), 1);
  EXPECT_EQ(hub.operatorTabsOfSite("a").size(), 3u);  // away tabs still get frames
  EXPECT_TRUE(hub.operatorLeft(11).empty());  // user 5 still has tab 10
  auto left = hub.operatorLeft(10);
  std::sort(left.begin(), left.end());
  EXPECT_EQ(left, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(hub.operatorsOnline("a"), 0);
  EXPECT_EQ(hub.operatorTabsOfUser(6), std::vector<ConnectionId>{12});
}

TEST(ChatHub, OnlineOperatorsCarryTheirLastAssignment) {
  ChatHub hub;
  hub.operatorJoined(1, 5, {"a"}, true);
  hub.operatorJoined(2, 6, {"a"}, true);
  hub.operatorJoined(3, 7, {"a"}, false);  // away: not a routing candidate
  hub.noteAssigned(6, 1000);
  auto online = hub.onlineOperators("a");
  std::sort(online.begin(), online.end());
  using P = std::pair<std::int64_t, std::int64_t>;
  EXPECT_EQ(online, (std::vector<P>{{5, 0}, {6, 1000}}));
  EXPECT_TRUE(hub.onlineOperators("b").empty());
}

}  // namespace
}  // namespace callpy::realtime
