// CallRepository over a real SQLite file: a call's row follows it from ringing to the end, calls a
// stopped daemon never saw end are closed as interrupted at start, and History lists a dialog's
// calls in order.
#include "storage/call_repository.h"

#include <gtest/gtest.h>

#include "temp_dir.h"

namespace callpy::storage {
namespace {

using core::calls::Call;
using core::calls::CallState;
using core::calls::EndReason;
using core::calls::PartyKind;

class CallRepositoryTest : public ::testing::Test {
 protected:
  testing::TempDir dir;
  std::unique_ptr<Database> db = Database::open({dir.file("callpy.db")});
  CallRepository repo{*db};

  void SetUp() override {
    db->writeSync([](Connection& c) {
      c.exec(
          "INSERT INTO sites (id, name, widget_key, created_at) VALUES ('shop', 'Shop', 'k', 1);"
          "INSERT INTO visitors (id, site_id, token_hash, created_at, last_seen_at) "
          "VALUES (42, 'shop', 'h1', 1, 1);"
          "INSERT INTO users (id, email, name, password_hash, created_at) "
          "VALUES (3, 'anna@example.com', 'Анна', 'x', 1);"
          "INSERT INTO dialogs (id, site_id, visitor_id, status, created_at, last_message_at, last_seq) "
          "VALUES (7, 'shop', 42, 'open', 1, 1, 0), (8, 'shop', 42, 'closed', 1, 1, 0);");
    });
  }
  static Call call(const std::string& id, std::int64_t dialog, std::int64_t started) {
    Call c;
    c.id = id;
    c.dialogId = dialog;
    c.siteId = "shop";
    c.visitorId = 42;
    c.caller = {PartyKind::Visitor, 42};
    c.video = true;
    c.startedMs = started;
    return c;
  }
};

TEST_F(CallRepositoryTest, KeepsACallFromRingingToItsEnd) {
  auto c = call("a1", 7, 1000);
  c.number = repo.insertCall(c);
  EXPECT_GT(c.number, 0);
  auto stored = repo.callsOfDialog(7);
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].state, CallState::Ringing);
  EXPECT_EQ(stored[0].caller.kind, PartyKind::Visitor);
  EXPECT_TRUE(stored[0].video);
  c.answeredMs = 3000;
  c.answeredBy = 3;
  c.endedMs = 63000;
  c.reason = EndReason::Hangup;
  repo.updateCall(c);
  stored = repo.callsOfDialog(7);
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].state, CallState::Ended);
  EXPECT_EQ(stored[0].answeredBy, 3);
  EXPECT_EQ(stored[0].reason, EndReason::Hangup);
  EXPECT_EQ(stored[0].talkMs(), 60000);
  EXPECT_EQ(stored[0].siteId, "shop");
}

TEST_F(CallRepositoryTest, UnfinishedCallsEndAsInterruptedAtStart) {
  auto open = call("b1", 7, 1000);
  repo.insertCall(open);
  auto done = call("b2", 8, 1000);
  repo.insertCall(done);
  done.endedMs = 2000;
  done.reason = EndReason::NoAnswer;
  repo.updateCall(done);
  auto ended = repo.endUnfinished(9000);
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].id, "b1");
  EXPECT_EQ(ended[0].reason, EndReason::Interrupted);
  EXPECT_EQ(repo.callsOfDialog(7)[0].endedMs, 9000);
  EXPECT_EQ(repo.callsOfDialog(8)[0].reason, EndReason::NoAnswer);
  EXPECT_TRUE(repo.endUnfinished(10000).empty());
}

TEST_F(CallRepositoryTest, ListsADialogsCallsInOrderAndDeletesUnstartedOnes) {
  auto first = call("c1", 7, 1000);
  auto second = call("c2", 7, 5000);
  repo.insertCall(first);
  auto n = repo.insertCall(second);
  auto list = repo.callsOfDialog(7);
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].id, "c1");
  EXPECT_EQ(list[1].id, "c2");
  repo.deleteCall(n);
  EXPECT_EQ(repo.callsOfDialog(7).size(), 1u);
  EXPECT_TRUE(repo.callsOfDialog(8).empty());
}

TEST_F(CallRepositoryTest, KeepsEveryOperatorWhoTookPartOnce) {
  db->writeSync([](Connection& c) {
    c.exec("INSERT INTO users (id, email, name, password_hash, created_at) "
           "VALUES (5, 'boris@example.com', 'Борис', 'x', 1);");
  });
  auto c = call("m1", 7, 1000);
  c.number = repo.insertCall(c);
  c.answeredMs = 2000;
  c.participants = {{{PartyKind::Visitor, 42}, "", 1}, {{PartyKind::Operator, 3}, "Анна", 2}};
  repo.updateCall(c);
  // Анна leaves, Борис joins: both stay in the record, Анна once.
  c.formerOperators = {c.participants[1]};
  c.participants = {{{PartyKind::Visitor, 42}, "", 1}, {{PartyKind::Operator, 5}, "Борис", 3}};
  c.endedMs = 9000;
  c.reason = EndReason::Hangup;
  repo.updateCall(c);
  auto stored = repo.callsOfDialog(7);
  ASSERT_EQ(stored.size(), 1u);
  ASSERT_EQ(stored[0].participants.size(), 2u);
  EXPECT_EQ(stored[0].participants[0].name, "Анна");
  EXPECT_EQ(stored[0].participants[1].party.id, 5);
  EXPECT_EQ(stored[0].participants[1].name, "Борис");
  // A removed account keeps its name in History.
  db->writeSync([](Connection& conn) { conn.exec("DELETE FROM users WHERE id = 5;"); });
  EXPECT_EQ(repo.callsOfDialog(7)[0].participants[1].name, "Борис");
}

}  // namespace
}  // namespace callpy::storage
