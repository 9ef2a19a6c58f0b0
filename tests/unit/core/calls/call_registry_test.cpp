#include "core/calls/call_registry.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <utility>
#include <vector>

#include "core/common/error.h"

namespace callpy::core::calls {
namespace {

const Party kVisitor{PartyKind::Visitor, 42};
const Party kAnna{PartyKind::Operator, 3};
const Party kBoris{PartyKind::Operator, 5};

class CallRegistryTest : public ::testing::Test {
 protected:
  CallRegistry registry{[this] { return "call" + std::to_string(++ids); }};
  int ids = 0;

  Call operatorCall(std::int64_t dialog = 7, std::int64_t now = 1000) {
    return registry.start({dialog, "shop", 42, {kAnna, "Анна", 11}, true, {}}, now);
  }
  Call visitorCall(std::set<std::int64_t> ring = {3, 5}, std::int64_t now = 1000) {
    return registry.start({7, "shop", 42, {kVisitor, "", 21}, false, ring}, now);
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

TEST_F(CallRegistryTest, OperatorCallRingsUntilTheVisitorAccepts) {
  auto c = operatorCall();
  EXPECT_EQ(c.state, CallState::Ringing);
  EXPECT_EQ(c.caller, kAnna);
  ASSERT_EQ(c.participants.size(), 1u);
  auto a = registry.accept(c.id, {kVisitor, "", 21}, 4000);
  EXPECT_EQ(a.state, CallState::Active);
  EXPECT_EQ(a.answeredMs, 4000);
  ASSERT_EQ(a.participants.size(), 2u);
  EXPECT_EQ(a.participants[1].tab, 21u);
  auto e = registry.hangup(c.id, kVisitor, 64000);
  EXPECT_EQ(e.state, CallState::Ended);
  EXPECT_EQ(e.reason, EndReason::Hangup);
  EXPECT_EQ(e.talkMs(), 60000);
  EXPECT_FALSE(registry.find(c.id));
}

TEST_F(CallRegistryTest, OnlyTheDialogsVisitorMayAnswerAnOperatorCall) {
  auto c = operatorCall();
  EXPECT_EQ(codeOf([&] { registry.accept(c.id, {{PartyKind::Visitor, 43}, "", 1}, 2000); }),
            ErrorCode::NotFound);
  EXPECT_EQ(codeOf([&] { registry.accept(c.id, {kBoris, "Борис", 1}, 2000); }),
            ErrorCode::NotFound);
  EXPECT_EQ(codeOf([&] { registry.accept("nope", {kVisitor, "", 1}, 2000); }), ErrorCode::NotFound);
}

TEST_F(CallRegistryTest, OneCallPerDialog) {
  operatorCall(7);
  EXPECT_EQ(codeOf([&] { operatorCall(7); }), ErrorCode::Conflict);
  EXPECT_NO_THROW(operatorCall(8));
}

TEST_F(CallRegistryTest, FirstOperatorToAcceptAVisitorCallWins) {
  auto c = visitorCall();
  EXPECT_EQ(c.ringingOperators, (std::set<std::int64_t>{3, 5}));
  auto a = registry.accept(c.id, {kBoris, "Борис", 31}, 2000);
  EXPECT_EQ(a.answeredBy, 5);
  EXPECT_TRUE(a.ringingOperators.empty());
  EXPECT_EQ(codeOf([&] { registry.accept(c.id, {kAnna, "Анна", 11}, 2100); }), ErrorCode::Conflict);
  // Anna never joined, so she cannot hang up Boris's call.
  EXPECT_EQ(codeOf([&] { registry.hangup(c.id, kAnna, 2200); }), ErrorCode::NotFound);
}

TEST_F(CallRegistryTest, AnOperatorWhoWasNotRungCannotAccept) {
  auto c = visitorCall({3});
  EXPECT_EQ(codeOf([&] { registry.accept(c.id, {kBoris, "Борис", 31}, 2000); }),
            ErrorCode::NotFound);
}

TEST_F(CallRegistryTest, DeclinesEndAVisitorCallOnlyWhenNobodyIsLeft) {
  auto c = visitorCall();
  auto d = registry.decline(c.id, kAnna, 2000);
  EXPECT_EQ(d.state, CallState::Ringing);
  EXPECT_EQ(d.ringingOperators, (std::set<std::int64_t>{5}));
  auto e = registry.decline(c.id, kBoris, 3000);
  EXPECT_EQ(e.state, CallState::Ended);
  EXPECT_EQ(e.reason, EndReason::Declined);
  EXPECT_EQ(e.talkMs(), 0);
}

TEST_F(CallRegistryTest, AVisitorCallWithNobodyToRingIsBusy) {
  auto c = visitorCall({});
  EXPECT_EQ(c.state, CallState::Ended);
  EXPECT_EQ(c.reason, EndReason::Busy);
  EXPECT_EQ(registry.activeCount(), 0u);
}

TEST_F(CallRegistryTest, VisitorDeclineEndsAnOperatorCall) {
  auto c = operatorCall();
  EXPECT_EQ(registry.decline(c.id, kVisitor, 1500).reason, EndReason::Declined);
}

TEST_F(CallRegistryTest, UnansweredCallsExpire) {
  auto c = operatorCall(7, 1000);
  auto answered = operatorCall(8, 1000);
  registry.accept(answered.id, {kVisitor, "", 21}, 2000);
  EXPECT_TRUE(registry.expire(1000 + kRingTimeoutMs - 1).empty());
  auto gone = registry.expire(1000 + kRingTimeoutMs);
  ASSERT_EQ(gone.size(), 1u);
  EXPECT_EQ(gone[0].id, c.id);
  EXPECT_EQ(gone[0].reason, EndReason::NoAnswer);
  EXPECT_TRUE(registry.find(answered.id));
}

// F18: the visitor answered on the phone (device socket 77): closing the widget's last tab does
// not end that call; a call still ringing, or carried by the widget, ends `left`.
TEST_F(CallRegistryTest, ACallOnTheVisitorsPhoneOutlivesTheWidgetTabs) {
  auto onPhone = operatorCall(7);
  registry.accept(onPhone.id, {kVisitor, "", 77}, 2000);
  auto inWidget = operatorCall(8);
  registry.accept(inWidget.id, {kVisitor, "", 21}, 2000);
  auto ringing = operatorCall(9);
  auto left = registry.visitorLeft(42, 3000, {77});
  ASSERT_EQ(left.size(), 2u);
  EXPECT_TRUE(registry.find(onPhone.id));
  EXPECT_FALSE(registry.find(inWidget.id));
  EXPECT_FALSE(registry.find(ringing.id));
  // The phone's socket closing ends it like a tab would.
  auto closed = registry.tabClosed(77, 4000);
  ASSERT_EQ(closed.size(), 1u);
  EXPECT_EQ(closed[0].reason, EndReason::Left);
}

TEST_F(CallRegistryTest, TheVisitorLeavingOrTheOperatorTabClosingEndsCalls) {
  auto a = operatorCall(7);
  auto b = operatorCall(8);
  registry.accept(b.id, {kVisitor, "", 21}, 2000);
  auto left = registry.visitorLeft(42, 3000);
  EXPECT_EQ(left.size(), 2u);
  EXPECT_EQ(left[0].reason, EndReason::Left);
  auto c = operatorCall(9);
  EXPECT_TRUE(registry.tabClosed(99, 4000).empty());
  auto closed = registry.tabClosed(11, 4000);
  ASSERT_EQ(closed.size(), 1u);
  EXPECT_EQ(closed[0].id, c.id);
  EXPECT_EQ(closed[0].reason, EndReason::Hangup);
  auto d = operatorCall(10);
  registry.accept(d.id, {kVisitor, "", 21}, 5000);
  auto visitorTab = registry.tabClosed(21, 6000);
  ASSERT_EQ(visitorTab.size(), 1u);
  EXPECT_EQ(visitorTab[0].reason, EndReason::Left);
}

TEST_F(CallRegistryTest, RecordingIsAnOperatorsSwitch) {
  auto c = operatorCall();
  registry.accept(c.id, {kVisitor, "", 21}, 2000);
  EXPECT_TRUE(registry.setRecording(c.id, kAnna, true).recording);
  EXPECT_EQ(codeOf([&] { registry.setRecording(c.id, kVisitor, false); }), ErrorCode::NotFound);
}

TEST_F(CallRegistryTest, MediaFramesAreForParticipantsOnly) {
  auto c = operatorCall();
  EXPECT_NO_THROW(registry.joined(c.id, kAnna));
  EXPECT_EQ(codeOf([&] { registry.joined(c.id, kVisitor); }), ErrorCode::NotFound);
  auto moved = registry.moveTab(c.id, kAnna, 77);
  EXPECT_EQ(moved.participant(kAnna)->tab, 77u);
  EXPECT_FALSE(registry.end(c.id, EndReason::Failed, 5000)->participants.empty());
  EXPECT_FALSE(registry.end(c.id, EndReason::Failed, 5000));
}


// F21: sequential ringing, one operator after another.
class SequentialCallTest : public CallRegistryTest {
 protected:
  const Party kVera{PartyKind::Operator, 7};
  Call sequentialCall(std::int64_t now = 1000) {
    RingOptions o;
    o.queue = {5, 7};
    o.ringTimeoutMs = 20000;
    return registry.start({7, "shop", 42, {kVisitor, "", 21}, false, {3}}, now, o);
  }
};

TEST_F(SequentialCallTest, RingsOneOperatorAtATimeAndMovesOnAfterTheTimeout) {
  auto c = sequentialCall();
  EXPECT_EQ(c.ringingOperators, (std::set<std::int64_t>{3}));
  EXPECT_EQ(c.ringQueue, (std::vector<std::int64_t>{5, 7}));
  EXPECT_TRUE(registry.ringNext(20999).empty());
  auto next = registry.ringNext(21000);
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].state, CallState::Ringing);
  EXPECT_EQ(next[0].ringingOperators, (std::set<std::int64_t>{5}));
  EXPECT_EQ(next[0].ringSinceMs, 21000);
  // The operator who is no longer rung cannot take the call; the one rung now can.
  EXPECT_EQ(codeOf([&] { registry.accept(c.id, {kAnna, "Анна", 11}, 22000); }), ErrorCode::NotFound);
  auto a = registry.accept(c.id, {kBoris, "Борис", 12}, 22000);
  EXPECT_EQ(a.state, CallState::Active);
  EXPECT_EQ(a.answeredBy, 5);
  EXPECT_TRUE(a.ringQueue.empty());
  EXPECT_TRUE(registry.ringNext(90000).empty());
}

TEST_F(SequentialCallTest, ADeclineRingsTheNextAtOnce) {
  auto c = sequentialCall();
  auto d = registry.decline(c.id, kAnna, 5000);
  EXPECT_EQ(d.state, CallState::Ringing);
  EXPECT_EQ(d.ringingOperators, (std::set<std::int64_t>{5}));
  EXPECT_EQ(d.ringSinceMs, 5000);  // Boris gets his full ring time
  EXPECT_TRUE(registry.ringNext(24999).empty());
  EXPECT_EQ(registry.ringNext(25000)[0].ringingOperators, (std::set<std::int64_t>{7}));
}

TEST_F(SequentialCallTest, EveryoneDecliningEndsDeclined) {
  auto c = sequentialCall();
  registry.decline(c.id, kAnna, 2000);
  registry.decline(c.id, kBoris, 3000);
  auto e = registry.decline(c.id, kVera, 4000);
  EXPECT_EQ(e.state, CallState::Ended);
  EXPECT_EQ(e.reason, EndReason::Declined);
  EXPECT_FALSE(registry.find(c.id));
}

TEST_F(SequentialCallTest, AnyoneNotAnsweringMakesTheEndNoAnswer) {
  auto c = sequentialCall();
  registry.ringNext(21000);                // Anna did not answer
  registry.decline(c.id, kBoris, 22000);   // Boris declined
  auto last = registry.ringNext(42000);    // Vera did not answer
  ASSERT_EQ(last.size(), 1u);
  EXPECT_EQ(last[0].state, CallState::Ended);
  EXPECT_EQ(last[0].reason, EndReason::NoAnswer);
  EXPECT_TRUE(last[0].ringingOperators.empty());
}

TEST_F(SequentialCallTest, TheOverallRingTimeoutIsForRingingEveryoneAtOnce) {
  auto c = sequentialCall();
  // Three operators of 20 s each outlast the 45 s of `all`: expire() leaves the call alone.
  EXPECT_TRUE(registry.expire(1000 + kRingTimeoutMs).empty());
  ASSERT_TRUE(registry.find(c.id));
  registry.ringNext(21000);
  registry.ringNext(41000);
  EXPECT_EQ(registry.find(c.id)->ringingOperators, (std::set<std::int64_t>{7}));
  EXPECT_EQ(registry.ringNext(61000)[0].reason, EndReason::NoAnswer);
}

// F21: the queue is made when the call starts; who is rung next is checked again at that moment.
TEST_F(SequentialCallTest, AnOperatorWhoWentOfflineIsSkipped) {
  std::set<std::int64_t> online = {3, 5, 7};
  std::vector<std::pair<std::string, std::int64_t>> asked;
  registry.setRingable([&](const std::string& site, std::int64_t user) {
    asked.emplace_back(site, user);
    return online.count(user) > 0;
  });
  auto c = sequentialCall();
  online.erase(5);  // Boris went offline while Anna was rung
  auto next = registry.ringNext(21000);
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].ringingOperators, (std::set<std::int64_t>{7})) << "Boris is skipped";
  EXPECT_TRUE(next[0].ringQueue.empty());
  EXPECT_NE(std::find(asked.begin(), asked.end(), std::pair<std::string, std::int64_t>{"shop", 5}),
            asked.end());
  // Skipped, not declined: when nobody is left the call was missed.
  online.erase(7);
  auto last = registry.ringNext(22000);
  ASSERT_EQ(last.size(), 1u) << "Vera went offline while rung: the call does not wait for her";
  EXPECT_EQ(last[0].state, CallState::Ended);
  EXPECT_EQ(last[0].reason, EndReason::NoAnswer);
}

TEST_F(SequentialCallTest, AnOperatorWhoTookAnotherCallIsSkipped) {
  auto c = sequentialCall();
  // Boris answers another visitor's call (rung for it at once) while Anna is rung for this one.
  auto other = registry.start({8, "shop", 43, {{PartyKind::Visitor, 43}, "", 22}, false, {5}}, 2000);
  registry.accept(other.id, {kBoris, "Борис", 12}, 3000);
  auto d = registry.decline(c.id, kAnna, 4000);
  EXPECT_EQ(d.state, CallState::Ringing);
  EXPECT_EQ(d.ringingOperators, (std::set<std::int64_t>{7})) << "Boris is busy: Vera is next";
}

TEST_F(SequentialCallTest, WithoutAChangeTheCurrentOperatorKeepsTheFullRingTime) {
  registry.setRingable([](const std::string&, std::int64_t) { return true; });
  sequentialCall();
  EXPECT_TRUE(registry.ringNext(20999).empty());
  EXPECT_EQ(registry.ringNext(21000).size(), 1u);
}

TEST_F(CallRegistryTest, ARefusedCallIsMadeEnded) {
  RingOptions o;
  o.refuse = EndReason::Closed;
  auto c = registry.start({7, "shop", 42, {kVisitor, "", 21}, false, {3, 5}}, 1000, o);
  EXPECT_EQ(c.state, CallState::Ended);
  EXPECT_EQ(c.reason, EndReason::Closed);
  EXPECT_EQ(reasonName(c.reason), "closed");
  EXPECT_TRUE(c.ringingOperators.empty());
  EXPECT_FALSE(registry.find(c.id));
  EXPECT_FALSE(registry.ofDialog(7));
}

TEST_F(CallRegistryTest, OperatorsInCallsAreThoseWhoJoined) {
  auto c = visitorCall({3, 5});
  EXPECT_TRUE(registry.operatorsInCalls().empty());  // being rung is not being in a call
  registry.accept(c.id, {kBoris, "Борис", 12}, 2000);
  EXPECT_EQ(registry.operatorsInCalls(), (std::set<std::int64_t>{5}));
  auto o = registry.start({8, "shop", 43, {kAnna, "Анна", 11}, false, {}}, 3000);
  EXPECT_EQ(registry.operatorsInCalls(), (std::set<std::int64_t>{3, 5}));
  registry.hangup(o.id, kAnna, 4000);
  EXPECT_EQ(registry.operatorsInCalls(), (std::set<std::int64_t>{5}));
}

}  // namespace
}  // namespace callpy::core::calls
