#include "core/routing/router.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>

namespace callpy::core::routing {
namespace {

using Ids = std::vector<std::int64_t>;

OperatorSnapshot op(std::int64_t id, int active = 0, std::int64_t idleSince = 1000, int max = 0) {
  return {.userId = id,
          .online = true,
          .activeDialogs = active,
          .maxDialogs = max,
          .idleSince = idleSince};
}

OperatorSnapshot offline(std::int64_t id) {
  auto o = op(id);
  o.online = false;
  return o;
}

// Site with Sales (10: users 1, 2), Support (20: users 3, 4; the default) and Billing (30: user 5).
// User 6 belongs to no department.
RoutingInput site() {
  RoutingInput in;
  in.departments = {{10, {1, 2}}, {20, {3, 4}}, {30, {5}}};
  in.defaultDepartment = 20;
  in.operators = {op(1), op(2), op(3), op(4), op(5), op(6)};
  return in;
}

void setOffline(RoutingInput& in, Ids ids) {
  for (auto& o : in.operators) {
    if (std::find(ids.begin(), ids.end(), o.userId) != ids.end()) o.online = false;
  }
}

OperatorSnapshot& find(RoutingInput& in, std::int64_t id) {
  for (auto& o : in.operators) {
    if (o.userId == id) return o;
  }
  ADD_FAILURE() << "no operator " << id;
  return in.operators.front();
}

// What a test expects of route(): only the fields it sets are compared. kNobody / kNoDepartment
// expect the field to be empty.
struct Want {
  std::optional<std::optional<std::int64_t>> assignee = {};
  std::optional<RouteReason> reason = {};
  std::optional<CandidatePool> pool = {};
  std::optional<std::optional<std::int64_t>> departmentId = {};
};
const std::optional<std::int64_t> kNobody, kNoDepartment;

std::string show(const std::optional<std::int64_t>& v) { return v ? std::to_string(*v) : "none"; }

::testing::AssertionResult routesAs(const RoutingInput& in, const Want& want) {
  const auto d = route(in);
  std::string diff;
  if (want.assignee && d.assignee != *want.assignee) {
    diff += " assignee " + show(d.assignee) + " (want " + show(*want.assignee) + ")";
  }
  if (want.reason && d.reason != *want.reason) {
    diff += std::string(" reason ") + routeReasonName(d.reason) + " (want " +
            routeReasonName(*want.reason) + ")";
  }
  if (want.pool && d.pool != *want.pool) {
    diff += std::string(" pool ") + candidatePoolName(d.pool) + " (want " +
            candidatePoolName(*want.pool) + ")";
  }
  if (want.departmentId && d.departmentId != *want.departmentId) {
    diff += " department " + show(d.departmentId) + " (want " + show(*want.departmentId) + ")";
  }
  if (diff.empty()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "route():" << diff;
}

// --- candidate pool and fallback order ---------------------------------------------------------

TEST(RouteTest, NoOperatorsAtAll) {
  RoutingInput in;
  EXPECT_TRUE(routesAs(in, {.assignee = kNobody,
                            .reason = RouteReason::NoOperatorOnline,
                            .pool = CandidatePool::None,
                            .departmentId = kNoDepartment}));
}

TEST(RouteTest, AllOffline) {
  auto in = site();
  in.chosenDepartment = 10;
  setOffline(in, {1, 2, 3, 4, 5, 6});
  // Still filed under the visitor's choice.
  EXPECT_TRUE(routesAs(in, {.assignee = kNobody,
                            .reason = RouteReason::NoOperatorOnline,
                            .pool = CandidatePool::None,
                            .departmentId = 10}));
}

TEST(RouteTest, ChosenDepartmentWithSomeoneOnline) {
  auto in = site();
  in.chosenDepartment = 30;
  find(in, 5).activeDialogs = 4;  // busier than everyone else, still the only one in Billing
  EXPECT_TRUE(routesAs(in, {.assignee = 5,
                            .reason = RouteReason::Assigned,
                            .pool = CandidatePool::ChosenDepartment,
                            .departmentId = 30}));
}

TEST(RouteTest, ChosenDepartmentNobodyOnlineFallsBackToDefault) {
  auto in = site();
  in.chosenDepartment = 10;
  setOffline(in, {1, 2});
  find(in, 6).idleSince = 1;  // the best site-wide pick, but the default department comes first
  EXPECT_TRUE(
      routesAs(in, {.assignee = 3, .pool = CandidatePool::DefaultDepartment, .departmentId = 10}));
}

TEST(RouteTest, DefaultDepartmentNobodyOnlineFallsBackToSite) {
  auto in = site();
  in.chosenDepartment = 10;
  setOffline(in, {1, 2, 3, 4});
  find(in, 5).activeDialogs = 1;
  // 6 is in no department, but every site operator is a candidate.
  EXPECT_TRUE(routesAs(in, {.assignee = 6, .pool = CandidatePool::Site}));
}

TEST(RouteTest, NoChoiceUsesDefaultDepartment) {
  auto in = site();
  EXPECT_TRUE(
      routesAs(in, {.assignee = 3, .pool = CandidatePool::DefaultDepartment, .departmentId = 20}));
}

TEST(RouteTest, NoChoiceNoDefaultUsesAllOperatorsOfSite) {
  auto in = site();
  in.defaultDepartment.reset();
  find(in, 1).activeDialogs = 1;
  EXPECT_TRUE(
      routesAs(in, {.assignee = 2, .pool = CandidatePool::Site, .departmentId = kNoDepartment}));
}

TEST(RouteTest, ChosenIsTheDefaultAndEmptyGoesStraightToSite) {
  auto in = site();
  in.chosenDepartment = 20;
  setOffline(in, {3, 4});
  EXPECT_TRUE(routesAs(in, {.assignee = 1, .pool = CandidatePool::Site, .departmentId = 20}));
}

TEST(RouteTest, DepartmentOfAnotherSiteIsIgnored) {
  auto in = site();
  in.chosenDepartment = 999;  // not among this site's departments
  EXPECT_TRUE(
      routesAs(in, {.assignee = 3, .pool = CandidatePool::DefaultDepartment, .departmentId = 20}));
}

TEST(RouteTest, UnknownDefaultDepartmentMeansAllOperators) {
  auto in = site();
  in.defaultDepartment = 999;
  find(in, 1).activeDialogs = 2;
  find(in, 2).activeDialogs = 2;
  EXPECT_TRUE(
      routesAs(in, {.assignee = 3, .pool = CandidatePool::Site, .departmentId = kNoDepartment}));
}

TEST(RouteTest, MembersWhoAreNotOperatorsOfTheSiteAreIgnored) {
  auto in = site();
  in.departments.push_back({40, {77}});  // 77 is in no snapshot: removed or disabled
  in.chosenDepartment = 40;
  EXPECT_TRUE(routesAs(in, {.assignee = 3, .pool = CandidatePool::DefaultDepartment}));
}

TEST(RouteTest, OfflineOperatorsAreNeverPicked) {
  auto in = site();
  in.chosenDepartment = 10;
  find(in, 1).online = false;
  find(in, 1).activeDialogs = 0;
  find(in, 2).activeDialogs = 5;
  EXPECT_EQ(route(in).assignee, 2);
}

// --- limits -------------------------------------------------------------------------------------

TEST(RouteTest, OperatorAtLimitIsSkipped) {
  auto in = site();
  in.chosenDepartment = 10;
  find(in, 1) = op(1, 2, 1, 2);  // at its limit of 2
  find(in, 2) = op(2, 3, 1000, 5);
  auto d = route(in);
  EXPECT_EQ(d.assignee, 2);
}

TEST(RouteTest, AllAtLimitInChosenDepartmentWaitsThere) {
  auto in = site();
  in.chosenDepartment = 10;
  find(in, 1) = op(1, 1, 1000, 1);
  find(in, 2) = op(2, 3, 1000, 2);  // over the limit (lowered while busy) counts as at it
  EXPECT_TRUE(routesAs(in, {.assignee = kNobody,
                            .reason = RouteReason::AllAtLimit,
                            .pool = CandidatePool::ChosenDepartment,
                            .departmentId = 10}));
}

TEST(RouteTest, AllAtLimitSiteWide) {
  RoutingInput in;
  in.operators = {op(1, 1, 0, 1), op(2, 4, 0, 4), offline(3)};
  EXPECT_TRUE(routesAs(
      in, {.assignee = kNobody, .reason = RouteReason::AllAtLimit, .pool = CandidatePool::Site}));
}

TEST(RouteTest, LimitZeroIsUnlimited) {
  RoutingInput in;
  in.operators = {op(1, 1000, 0, 0), op(2, 3, 0, 3)};
  EXPECT_TRUE(routesAs(in, {.assignee = 1, .reason = RouteReason::Assigned}));
}

TEST(RouteTest, OneBelowLimitIsStillAvailable) {
  RoutingInput in;
  in.operators = {op(1, 2, 0, 3)};
  EXPECT_EQ(route(in).assignee, 1);
}

// --- choosing among candidates -----------------------------------------------------------------

TEST(RouteTest, FewestActiveDialogsWins) {
  RoutingInput in;
  in.operators = {op(1, 3, 10), op(2, 1, 500), op(3, 2, 1)};
  EXPECT_EQ(route(in).assignee, 2);
}

TEST(RouteTest, TieOnActiveDialogsGoesToLongestIdle) {
  RoutingInput in;
  in.operators = {op(1, 1, 300), op(2, 1, 100), op(3, 1, 200), op(4, 0, 50, 0)};
  find(in, 4).online = false;
  EXPECT_EQ(route(in).assignee, 2);
}

TEST(RouteTest, FullTieGoesToLowestUserId) {
  RoutingInput in;
  in.operators = {op(9, 1, 100), op(4, 1, 100), op(7, 1, 100)};
  EXPECT_EQ(route(in).assignee, 4);
  std::reverse(in.operators.begin(), in.operators.end());
  EXPECT_EQ(route(in).assignee, 4);  // independent of snapshot order
}

TEST(RouteTest, LessLoadedAtLimitDoesNotBeatMoreLoadedFree) {
  RoutingInput in;
  in.operators = {op(1, 1, 0, 1), op(2, 5, 900, 0)};
  EXPECT_EQ(route(in).assignee, 2);
}

TEST(RouteTest, Names) {
  EXPECT_STREQ(routeReasonName(RouteReason::Assigned), "assigned");
  EXPECT_STREQ(routeReasonName(RouteReason::NoOperatorOnline), "no_operator_online");
  EXPECT_STREQ(routeReasonName(RouteReason::AllAtLimit), "all_at_limit");
  EXPECT_STREQ(candidatePoolName(CandidatePool::None), "none");
  EXPECT_STREQ(candidatePoolName(CandidatePool::ChosenDepartment), "chosen_department");
  EXPECT_STREQ(candidatePoolName(CandidatePool::DefaultDepartment), "default_department");
  EXPECT_STREQ(candidatePoolName(CandidatePool::Site), "site");
}

// --- re-offer -----------------------------------------------------------------------------------

DialogRoutingState assigned(std::int64_t createdAt, std::int64_t assignee) {
  DialogRoutingState s;
  s.createdAt = createdAt;
  s.assignee = assignee;
  return s;
}

TEST(ReofferTest, NotBeforeFirstResponseTime) {
  auto s = assigned(10'000, 1);
  EXPECT_FALSE(shouldReoffer(s, 10'000, 60));
  EXPECT_FALSE(shouldReoffer(s, 10'059, 60));
}

TEST(ReofferTest, AtAndAfterTheBoundary) {
  auto s = assigned(10'000, 1);
  EXPECT_TRUE(shouldReoffer(s, 10'060, 60));
  EXPECT_TRUE(shouldReoffer(s, 10'061, 60));
  EXPECT_TRUE(shouldReoffer(s, 99'999, 60));
  EXPECT_EQ(reofferDueAt(s, 60), 10'060);
}

TEST(ReofferTest, AnsweredNever) {
  auto s = assigned(10'000, 1);
  s.firstOperatorMessageAt = 10'030;
  EXPECT_FALSE(shouldReoffer(s, 10'060, 60));
  EXPECT_FALSE(shouldReoffer(s, 50'000, 60));
  EXPECT_FALSE(reofferDueAt(s, 60));
  s.firstOperatorMessageAt = 10'500;  // answered late: no re-offer after that either
  EXPECT_FALSE(shouldReoffer(s, 20'000, 60));
}

TEST(ReofferTest, OnlyOnce) {
  auto s = assigned(10'000, 1);
  s.reofferedAt = 10'060;
  EXPECT_FALSE(shouldReoffer(s, 10'100, 60));
  EXPECT_FALSE(reofferDueAt(s, 60));
}

TEST(ReofferTest, ClosedNever) {
  auto s = assigned(10'000, 1);
  s.closed = true;
  EXPECT_FALSE(shouldReoffer(s, 20'000, 60));
}

TEST(ReofferTest, UnassignedWaitingDialogIsReofferedToo) {
  DialogRoutingState s;
  s.createdAt = 10'000;
  EXPECT_FALSE(shouldReoffer(s, 10'029, 30));
  EXPECT_TRUE(shouldReoffer(s, 10'030, 30));
}

TEST(ReofferTest, NoFirstResponseTimeMeansNoReoffer) {
  auto s = assigned(10'000, 1);
  EXPECT_FALSE(shouldReoffer(s, 50'000, 0));
  EXPECT_FALSE(shouldReoffer(s, 50'000, -5));
  EXPECT_FALSE(reofferDueAt(s, 0));
}

TEST(OfferTargetsTest, AllOnlineOperatorsIncludingAssigneeSorted) {
  std::vector<OperatorSnapshot> ops = {op(5, 9, 0, 9), op(2), offline(3), op(8), op(1, 4, 0, 0)};
  auto s = assigned(0, 8);
  // 5 is at its limit but still gets the offer; offline 3 does not.
  EXPECT_EQ(offerTargets(ops, s), (Ids{1, 2, 5, 8}));
}

TEST(OfferTargetsTest, OfflineAssigneeStillIncluded) {
  std::vector<OperatorSnapshot> ops = {op(2), offline(3)};
  EXPECT_EQ(offerTargets(ops, assigned(0, 3)), (Ids{2, 3}));
}

TEST(OfferTargetsTest, UnassignedAndNobodyOnline) {
  std::vector<OperatorSnapshot> ops = {offline(1)};
  EXPECT_TRUE(offerTargets(ops, DialogRoutingState{}).empty());
  EXPECT_TRUE(offerTargets({}, DialogRoutingState{}).empty());
}

TEST(OfferTargetsTest, DuplicateSnapshotEntriesCollapse) {
  std::vector<OperatorSnapshot> ops = {op(4), op(4), op(2)};
  EXPECT_EQ(offerTargets(ops, assigned(0, 2)), (Ids{2, 4}));
}

}  // namespace
}  // namespace callpy::core::routing
