// Multi-party calls in the registry (F18): invited operators join an active call up to a limit,
// an operator leaves a call that goes on while another operator stays (and is remembered for the
// record), and the last operator leaving ends it.
#include <gtest/gtest.h>

#include "core/calls/call_registry.h"
#include "core/common/error.h"

namespace callpy::core::calls {
namespace {

const Party kVisitor{PartyKind::Visitor, 42};
const Party kAnna{PartyKind::Operator, 3};
const Party kBoris{PartyKind::Operator, 5};

class MultipartyTest : public ::testing::Test {
 protected:
  CallRegistry registry{[this] { return "call" + std::to_string(++ids); }};
  int ids = 0;
  Call active() {
    auto c = registry.start({7, "shop", 42, {kAnna, "Анна", 11}, true, {}}, 1000);
    return registry.accept(c.id, {kVisitor, "", 21}, 2000);
  }
  static ErrorCode codeOf(const std::function<void()>& f) {
    try {
      f();
    } catch (const Error& e) {
      return e.code();
    }
    ADD_FAILURE() << "no error";
    return ErrorCode::Internal;
  }
};

TEST_F(MultipartyTest, AnInvitedOperatorJoinsAndIsBusy) {
  auto c = active();
  auto j = registry.addOperator(c.id, {kBoris, "Борис", 31}, 3);
  ASSERT_EQ(j.participants.size(), 3u);
  EXPECT_EQ(j.participant(kBoris)->tab, 31u);
  EXPECT_TRUE(registry.operatorsInCalls().count(kBoris.id));
  EXPECT_EQ(codeOf([&] { registry.addOperator(c.id, {kBoris, "Борис", 31}, 3); }), ErrorCode::Conflict);
}

TEST_F(MultipartyTest, TheLimitIsEnforced) {
  auto c = active();
  registry.addOperator(c.id, {kBoris, "Борис", 31}, 3);
  registry.addOperator(c.id, {{PartyKind::Operator, 6}, "Вера", 32}, 3);
  EXPECT_EQ(codeOf([&] { registry.addOperator(c.id, {{PartyKind::Operator, 7}, "Глеб", 33}, 3); }),
            ErrorCode::Conflict);
}

TEST_F(MultipartyTest, TheLimitCountsOnlyOperatorsStillInTheCall) {
  // Invite B, B leaves, invite C, C leaves, invite D: never more than 2 operators at once.
  auto c = active();
  std::int64_t user = 10;
  for (int round = 0; round < 3; ++round, ++user) {
    const Party who{PartyKind::Operator, user};
    auto j = registry.addOperator(c.id, {who, "op", static_cast<std::uint64_t>(40 + round)}, 3);
    EXPECT_EQ(j.participants.size(), 3u) << round;
    registry.leave(c.id, who, 3000 + round);
  }
  auto j = registry.addOperator(c.id, {kBoris, "Борис", 31}, 3);
  registry.addOperator(c.id, {{PartyKind::Operator, 6}, "Вера", 32}, 3);
  EXPECT_EQ(j.formerOperators.size(), 3u);
  EXPECT_EQ(codeOf([&] { registry.addOperator(c.id, {{PartyKind::Operator, 7}, "Глеб", 33}, 3); }),
            ErrorCode::Conflict);
}

TEST_F(MultipartyTest, OnlyAnActiveCallTakesOperators) {
  auto c = registry.start({7, "shop", 42, {kAnna, "Анна", 11}, true, {}}, 1000);
  EXPECT_EQ(codeOf([&] { registry.addOperator(c.id, {kBoris, "Борис", 31}, 3); }), ErrorCode::Conflict);
  EXPECT_EQ(codeOf([&] { registry.addOperator("nope", {kBoris, "Борис", 31}, 3); }), ErrorCode::NotFound);
}

TEST_F(MultipartyTest, LeavingKeepsTheCallWhileAnotherOperatorStays) {
  auto c = active();
  registry.addOperator(c.id, {kBoris, "Борис", 31}, 3);
  auto l = registry.leave(c.id, kAnna, 5000);
  EXPECT_EQ(l.state, CallState::Active);
  EXPECT_FALSE(l.participant(kAnna));
  ASSERT_EQ(l.formerOperators.size(), 1u);
  EXPECT_EQ(l.formerOperators[0].name, "Анна");
  EXPECT_FALSE(registry.operatorsInCalls().count(kAnna.id));
  // The one who left is no longer in it; the visitor may not "leave".
  EXPECT_EQ(codeOf([&] { registry.leave(c.id, kAnna, 5000); }), ErrorCode::NotFound);
  EXPECT_EQ(codeOf([&] { registry.leave(c.id, kVisitor, 5000); }), ErrorCode::NotFound);
  // Rejoining works, and the last operator leaving ends the call for everyone.
  registry.addOperator(c.id, {kAnna, "Анна", 12}, 3);
  registry.leave(c.id, kBoris, 6000);
  auto e = registry.leave(c.id, kAnna, 7000);
  EXPECT_EQ(e.state, CallState::Ended);
  EXPECT_EQ(e.reason, EndReason::Hangup);
  EXPECT_EQ(e.formerOperators.size(), 2u);
}

TEST_F(MultipartyTest, TheVisitorHangingUpEndsItForAll) {
  auto c = active();
  registry.addOperator(c.id, {kBoris, "Борис", 31}, 3);
  auto e = registry.hangup(c.id, kVisitor, 9000);
  EXPECT_EQ(e.state, CallState::Ended);
  EXPECT_TRUE(registry.operatorsInCalls().empty());
}

}  // namespace
}  // namespace callpy::core::calls
