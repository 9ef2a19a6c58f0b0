#include "core/calls/call_routing.h"

#include <gtest/gtest.h>

namespace callpy::core::calls {
namespace {

using Order = std::vector<std::int64_t>;

TEST(RingOrder, FewestOpenDialogsFirstThenLongestIdleThenLowestId) {
  RingInput in;
  in.online = {{3, 2, 100, false}, {5, 0, 500, false}, {7, 0, 200, false}, {9, 0, 200, false}};
  EXPECT_EQ(ringOrder(in), (Order{7, 9, 5, 3}));
}

TEST(RingOrder, SkipsOperatorsInAnotherCall) {
  RingInput in;
  in.online = {{3, 0, 100, true}, {5, 1, 100, false}};
  EXPECT_EQ(ringOrder(in), (Order{5}));
  in.online[1].inCall = true;
  EXPECT_TRUE(ringOrder(in).empty());
}

TEST(RingOrder, TheDialogsDepartmentOnlyWhileOneOfItIsFree) {
  RingInput in;
  in.online = {{3, 0, 100, false}, {5, 4, 900, false}, {7, 1, 100, false}};
  in.department = Order{5, 7, 11};  // 11 is offline
  EXPECT_EQ(ringOrder(in), (Order{7, 5}));
  // Nobody of the department can take it: every online operator of the site.
  in.online[1].inCall = true;
  in.online[2].inCall = true;
  EXPECT_EQ(ringOrder(in), (Order{3}));
  in.department = Order{11};
  in.online[1].inCall = false;
  EXPECT_EQ(ringOrder(in), (Order{3, 5}));
}

TEST(RingOrder, AnEmptyDepartmentFallsBackToTheSite) {
  RingInput in;
  in.online = {{3, 0, 100, false}};
  in.department = Order{};
  EXPECT_EQ(ringOrder(in), (Order{3}));
}

TEST(PlanRing, AllRingsEveryoneAtOnce) {
  sites::CallSettings s;
  auto plan = planRing({7, 3, 5}, s);
  EXPECT_EQ(plan.now, (std::set<std::int64_t>{3, 5, 7}));
  EXPECT_TRUE(plan.later.empty());
  EXPECT_EQ(plan.perOperatorMs, 0);
}

TEST(PlanRing, SequentialRingsTheFirstAndQueuesTheRestInOrder) {
  sites::CallSettings s;
  s.ringMode = sites::RingMode::Sequential;
  s.ringTimeoutSeconds = 15;
  auto plan = planRing({7, 3, 5}, s);
  EXPECT_EQ(plan.now, (std::set<std::int64_t>{7}));
  EXPECT_EQ(plan.later, (Order{3, 5}));
  EXPECT_EQ(plan.perOperatorMs, 15000);
  EXPECT_TRUE(planRing({}, s).now.empty());
}

TEST(AdmitVisitorCall, DisabledBeatsClosedAndOpenRings) {
  sites::CallSettings s;
  EXPECT_EQ(admitVisitorCall(s, true), CallAdmission::Ring);
  EXPECT_EQ(admitVisitorCall(s, false), CallAdmission::Closed);
  s.enabled = false;
  EXPECT_EQ(admitVisitorCall(s, true), CallAdmission::Disabled);
  EXPECT_EQ(admitVisitorCall(s, false), CallAdmission::Disabled);
}

TEST(CallbackPhone, DigitsSpacesAndPhonePunctuationOnly) {
  EXPECT_TRUE(isValidCallbackPhone("+7 (912) 345-67-89"));
  EXPECT_TRUE(isValidCallbackPhone("  12345  "));
  EXPECT_EQ(trimPhone("  +7 1 "), "+7 1");
  EXPECT_FALSE(isValidCallbackPhone("1234"));                               // too short
  EXPECT_FALSE(isValidCallbackPhone(std::string(33, '1')));                 // too long
  EXPECT_TRUE(isValidCallbackPhone(std::string(32, '1')));
  EXPECT_FALSE(isValidCallbackPhone("+7 912 <b>"));                         // markup
  EXPECT_FALSE(isValidCallbackPhone("call me"));
  EXPECT_FALSE(isValidCallbackPhone("+(1)-- "));                            // hardly any digits
  EXPECT_FALSE(isValidCallbackPhone("+7\n9123456"));
}

}  // namespace
}  // namespace callpy::core::calls
