#include "storage/outbox_repository.h"

#include <gtest/gtest.h>

#include "outbox/mail_message.h"
#include "storage/database.h"
#include "test_support.h"

namespace callpy::storage {
namespace {

using outbox::testing::TempDir;

class OutboxRepositoryTest : public ::testing::Test {
 protected:
  void SetUp() override { db_ = Database::open({(dir_.path() / "callpy.db").string()}); }

  std::int64_t enqueue(std::int64_t now, std::string_view kind = "mail") {
    return db_->writeSync([&](Connection& c) { return enqueueOutbox(c, kind, "{}", now); });
  }
  OutboxJob find(std::int64_t id) {
    auto job = db_->read([&](Connection& c) { return findOutboxJob(c, id); });
    EXPECT_TRUE(job.has_value());
    return job.value_or(OutboxJob{});
  }

  TempDir dir_;
  std::unique_ptr<Database> db_;
};

TEST_F(OutboxRepositoryTest, DueJobsAreThePendingOnesOldestFirst) {
  const auto later = enqueue(200);
  const auto first = enqueue(100);
  const auto second = enqueue(100);
  const auto future = enqueue(1000);
  auto due = db_->read([](Connection& c) { return dueOutboxJobs(c, 500, 10); });
  ASSERT_EQ(due.size(), 3u);
  EXPECT_EQ(due[0].id, first);
  EXPECT_EQ(due[1].id, second);
  EXPECT_EQ(due[2].id, later);
  EXPECT_EQ(due[0].kind, "mail");
  EXPECT_EQ(due[0].payload, "{}");
  EXPECT_EQ(due[0].attempts, 0);
  EXPECT_EQ(due[0].createdAt, 100);
  EXPECT_FALSE(due[0].doneAt.has_value());

  auto limited = db_->read([](Connection& c) { return dueOutboxJobs(c, 500, 2); });
  EXPECT_EQ(limited.size(), 2u);
  auto none = db_->read([](Connection& c) { return dueOutboxJobs(c, 99, 10); });
  EXPECT_TRUE(none.empty());
  EXPECT_EQ(find(future).nextAttemptAt, 1000);
}

TEST_F(OutboxRepositoryTest, MarksRecordAttemptsAndOutcome) {
  const auto a = enqueue(100);
  const auto b = enqueue(100);
  db_->writeSync([&](Connection& c) { markOutboxRetry(c, a, 1, 130, "421 busy"); });
  auto job = find(a);
  EXPECT_EQ(job.attempts, 1);
  EXPECT_EQ(job.nextAttemptAt, 130);
  EXPECT_EQ(job.lastError, "421 busy");
  EXPECT_FALSE(job.doneAt.has_value());

  db_->writeSync([&](Connection& c) { markOutboxDone(c, a, 131); });
  job = find(a);
  EXPECT_EQ(job.attempts, 2);
  EXPECT_EQ(job.doneAt, 131);
  EXPECT_FALSE(job.failed);

  db_->writeSync([&](Connection& c) { markOutboxFailed(c, b, 140, "550 no such user"); });
  job = find(b);
  EXPECT_EQ(job.attempts, 1);
  EXPECT_EQ(job.doneAt, 140);
  EXPECT_TRUE(job.failed);
  EXPECT_EQ(job.lastError, "550 no such user");

  // A finished job is not touched again.
  db_->writeSync([&](Connection& c) { markOutboxRetry(c, b, 7, 999, "late"); });
  EXPECT_EQ(find(b).attempts, 1);
  EXPECT_TRUE(db_->read([](Connection& c) { return dueOutboxJobs(c, 10000, 10); }).empty());
}

TEST_F(OutboxRepositoryTest, BacklogAndNextDueFollowPendingJobs) {
  EXPECT_EQ(db_->read([](Connection& c) { return outboxBacklog(c); }), 0);
  EXPECT_EQ(db_->read([](Connection& c) { return nextOutboxDue(c); }), std::nullopt);
  const auto a = enqueue(300);
  enqueue(200);
  enqueue(400);
  EXPECT_EQ(db_->read([](Connection& c) { return outboxBacklog(c); }), 3);
  EXPECT_EQ(db_->read([](Connection& c) { return nextOutboxDue(c); }), 200);
  db_->writeSync([&](Connection& c) { markOutboxDone(c, a, 500); });
  EXPECT_EQ(db_->read([](Connection& c) { return outboxBacklog(c); }), 2);
}

TEST_F(OutboxRepositoryTest, MailIsQueuedOnlyWhenItsTransactionCommits) {
  // The caller's write job fails after queueing the mail: the mail must vanish with it.
  EXPECT_THROW(db_->writeSync([&](Connection& c) {
    outbox::enqueueMail(c, {"ivan@example.ru", "Приглашение", "текст", std::nullopt}, 100);
    throw std::runtime_error("invite failed");
  }),
               std::runtime_error);
  EXPECT_EQ(db_->read([](Connection& c) { return outboxBacklog(c); }), 0);

  const auto id = db_->writeSync([&](Connection& c) {
    return outbox::enqueueMail(c, {"ivan@example.ru", "Приглашение", "текст", std::nullopt}, 100);
  });
  const auto job = find(id);
  EXPECT_EQ(job.kind, "mail");
  EXPECT_EQ(outbox::mailFromJson(job.payload).subject, "Приглашение");
  EXPECT_THROW(db_->writeSync([&](Connection& c) {
    return outbox::enqueueMail(c, {"not an address", "s", "t", std::nullopt}, 100);
  }),
               std::invalid_argument);
}

}  // namespace
}  // namespace callpy::storage
