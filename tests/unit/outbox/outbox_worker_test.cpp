// OutboxWorker with a real SQLite database (temp dir) and a real SMTP server (aiosmtpd).
#include "outbox/outbox_worker.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>

#include "outbox/mail_message.h"
#include "storage/database.h"
#include "storage/outbox_repository.h"
#include "test_support.h"

namespace callpy::outbox {
namespace {

using storage::Connection;
using storage::Database;
using storage::OutboxJob;
using testing::SmtpSink;
using testing::TempDir;
using testing::waitUntil;

constexpr std::int64_t kStart = 1'800'000'000;

class OutboxWorkerTest : public ::testing::Test {
 protected:
  void SetUp() override { openDatabase(); }
  void TearDown() override {
    worker_.reset();
    db_.reset();
  }

  void openDatabase() { db_ = Database::open({(dir_.path() / "callpy.db").string()}); }

  SmtpSettings smtpTo(std::uint16_t port) {
    return testing::localSmtp(port, "noreply@romashka.test");
  }

  // A worker on a fake clock (clock_) that the test moves, with every log line captured.
  OutboxWorkerOptions options(std::optional<SmtpSettings> smtp) {
    OutboxWorkerOptions o;
    o.smtp = std::move(smtp);
    o.clock = [this] { return clock_.load(); };
    o.logger = [this](int priority, std::string line) {
      std::lock_guard lock(logMutex_);
      logs_.push_back(std::to_string(priority) + " " + line);
    };
    return o;
  }

  void startWorker(OutboxWorkerOptions o) {
    worker_ = std::make_unique<OutboxWorker>(*db_, std::move(o));
    worker_->start();
  }

  std::int64_t enqueue(const MailMessage& m) {
    const auto id = db_->writeSync([&](Connection& c) { return enqueueMail(c, m, clock_.load()); });
    if (worker_) worker_->notify();
    return id;
  }

  OutboxJob job(std::int64_t id) {
    return db_->read([&](Connection& c) { return storage::findOutboxJob(c, id); }).value();
  }
  std::int64_t backlog() {
    return db_->read([](Connection& c) { return storage::outboxBacklog(c); });
  }
  bool waitForJob(std::int64_t id, const std::function<bool(const OutboxJob&)>& done) {
    return waitUntil([&] { return done(job(id)); });
  }
  std::vector<std::string> logs() {
    std::lock_guard lock(logMutex_);
    return logs_;
  }

  static MailMessage mail(std::string to, std::string subject = "Сброс пароля") {
    return {std::move(to), std::move(subject), "Ваш код: 12345 — тело письма", std::nullopt};
  }

  TempDir dir_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<OutboxWorker> worker_;
  std::atomic<std::int64_t> clock_{kStart};
  std::mutex logMutex_;
  std::vector<std::string> logs_;
};

TEST_F(OutboxWorkerTest, NotifyWakesTheIdleWorkerAndTheMailIsDelivered) {
  SmtpSink sink(testing::freePort());
  sink.start();
  startWorker(options(smtpTo(sink.port())));  // nothing queued: it sleeps without a deadline
  const auto id = enqueue(mail("ivan@example.ru", "Приглашение в «Ромашку»"));

  ASSERT_TRUE(waitForJob(id, [](const OutboxJob& j) { return j.doneAt.has_value(); }));
  const auto done = job(id);
  EXPECT_FALSE(done.failed);
  EXPECT_EQ(done.attempts, 1);
  EXPECT_EQ(done.doneAt, kStart);
  const auto mails = sink.waitForMessages(1);
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0].subject, "Приглашение в «Ромашку»");
  EXPECT_EQ(testing::trimTrailingNewlines(mails[0].text.value_or("")),
            "Ваш код: 12345 — тело письма");
  EXPECT_EQ(backlog(), 0);
  EXPECT_EQ(worker_->stats().sent, 1u);
}

TEST_F(OutboxWorkerTest, ServerDownRetriesWithBackoffThenDelivers) {
  SmtpSink sink(testing::freePort());  // not started yet: connections are refused
  startWorker(options(smtpTo(sink.port())));
  EXPECT_EQ(worker_->backoffAfter(1), 30);
  EXPECT_EQ(worker_->backoffAfter(2), 60);
  EXPECT_EQ(worker_->backoffAfter(3), 120);
  EXPECT_EQ(worker_->backoffAfter(8), 3600);
  EXPECT_EQ(worker_->backoffAfter(40), 3600);

  const auto id = enqueue(mail("ivan@example.ru"));
  ASSERT_TRUE(waitForJob(id, [](const OutboxJob& j) { return j.attempts == 1; }));
  auto j = job(id);
  EXPECT_FALSE(j.doneAt.has_value());
  EXPECT_EQ(j.nextAttemptAt, kStart + 30);
  EXPECT_TRUE(j.lastError.has_value() && !j.lastError->empty());

  clock_ = kStart + 30;
  worker_->notify();
  ASSERT_TRUE(waitForJob(id, [](const OutboxJob& j) { return j.attempts == 2; }));
  EXPECT_EQ(job(id).nextAttemptAt, kStart + 30 + 60);
  EXPECT_FALSE(job(id).doneAt.has_value());

  sink.start();
  clock_ = kStart + 90;
  worker_->notify();
  ASSERT_TRUE(waitForJob(id, [](const OutboxJob& j) { return j.doneAt.has_value(); }));
  EXPECT_FALSE(job(id).failed);
  EXPECT_EQ(job(id).attempts, 3);
  EXPECT_EQ(sink.waitForMessages(1).size(), 1u);
  EXPECT_EQ(worker_->stats().retried, 2u);
}

TEST_F(OutboxWorkerTest, QueueSurvivesRestart) {
  // First life: mail is not configured, so the mail stays queued.
  startWorker(options(std::nullopt));
  const auto id = enqueue(mail("ivan@example.ru", "Письмо переживёт перезапуск"));
  ASSERT_TRUE(waitUntil([&] {
    for (const auto& line : logs()) {
      if (line.find("outbox_mail_disabled") != std::string::npos) return true;
    }
    return false;
  }));
  worker_.reset();
  db_.reset();

  // Second life: the same file, a new worker with SMTP.
  SmtpSink sink(testing::freePort());
  sink.start();
  openDatabase();
  EXPECT_EQ(backlog(), 1);
  startWorker(options(smtpTo(sink.port())));
  ASSERT_TRUE(waitForJob(id, [](const OutboxJob& j) { return j.doneAt.has_value(); }));
  const auto mails = sink.waitForMessages(1);
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0].subject, "Письмо переживёт перезапуск");
  EXPECT_EQ(backlog(), 0);
}

TEST_F(OutboxWorkerTest, PermanentRejectionFailsAtOnceOthersStillGo) {
  SmtpSink sink(testing::freePort());
  sink.start();
  startWorker(options(smtpTo(sink.port())));
  const auto rejected = enqueue(mail("reject-me@example.ru"));
  const auto fine = enqueue(mail("ivan@example.ru"));
  ASSERT_TRUE(waitForJob(rejected, [](const OutboxJob& j) { return j.doneAt.has_value(); }));
  ASSERT_TRUE(waitForJob(fine, [](const OutboxJob& j) { return j.doneAt.has_value(); }));
  const auto r = job(rejected);
  EXPECT_TRUE(r.failed);
  EXPECT_EQ(r.attempts, 1);
  EXPECT_NE(r.lastError.value_or("").find("550"), std::string::npos) << r.lastError.value_or("");
  EXPECT_FALSE(job(fine).failed);
  const auto mails = sink.waitForMessages(1);
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0].rcptTos, std::vector<std::string>{"ivan@example.ru"});
  EXPECT_EQ(worker_->stats().failed, 1u);
}

TEST_F(OutboxWorkerTest, GivesUpAfterMaxAttempts) {
  auto o = options(smtpTo(testing::freePort()));  // nobody listens
  o.maxAttempts = 3;
  o.backoffBaseSeconds = 10;
  startWorker(std::move(o));
  const auto id = enqueue(mail("ivan@example.ru"));
  for (int attempt = 1; attempt <= 2; ++attempt) {
    ASSERT_TRUE(waitForJob(id, [&](const OutboxJob& j) { return j.attempts == attempt; }));
    clock_ = job(id).nextAttemptAt;
    worker_->notify();
  }
  ASSERT_TRUE(waitForJob(id, [](const OutboxJob& j) { return j.doneAt.has_value(); }));
  EXPECT_TRUE(job(id).failed);
  EXPECT_EQ(job(id).attempts, 3);
}

TEST_F(OutboxWorkerTest, BacklogCountsPendingMailWhileDisabled) {
  startWorker(options(std::nullopt));
  enqueue(mail("a@example.ru"));
  enqueue(mail("b@example.ru"));
  enqueue(mail("c@example.ru"));
  EXPECT_EQ(backlog(), 3);
  worker_->notify();
  worker_->stop();
  EXPECT_EQ(backlog(), 3);
  int disabledLines = 0;
  for (const auto& line : logs()) disabledLines += line.find("outbox_mail_disabled") != std::string::npos;
  EXPECT_EQ(disabledLines, 1);
}

TEST_F(OutboxWorkerTest, LogsNeitherPasswordNorBody) {
  SmtpSink sink(testing::freePort(), testing::SinkOptions::withAuth("callpy:TopSecret42"));
  sink.start();
  auto settings = smtpTo(sink.port());
  settings.username = "callpy";
  settings.password = "WrongSecret42";  // first a failure, whose error is logged
  startWorker(options(settings));
  const auto bad = enqueue(mail("ivan@example.ru"));
  ASSERT_TRUE(waitForJob(bad, [](const OutboxJob& j) { return j.attempts == 1; }));
  worker_.reset();

  settings.password = "TopSecret42";
  startWorker(options(settings));
  clock_ = job(bad).nextAttemptAt;
  worker_->notify();
  ASSERT_TRUE(waitForJob(bad, [](const OutboxJob& j) { return j.doneAt.has_value(); }));
  const auto lines = logs();
  ASSERT_GE(lines.size(), 2u);
  for (const auto& line : lines) {
    EXPECT_EQ(line.find("Secret42"), std::string::npos) << line;
    EXPECT_EQ(line.find("12345"), std::string::npos) << line;
  }
  EXPECT_FALSE(job(bad).lastError.value_or("").find("Secret42") != std::string::npos);
}

TEST_F(OutboxWorkerTest, StopReturnsPromptlyWhileWaitingForALaterJob) {
  startWorker(options(smtpTo(testing::freePort())));
  const auto id = enqueue(mail("ivan@example.ru"));
  ASSERT_TRUE(waitForJob(id, [](const OutboxJob& j) { return j.attempts == 1; }));
  // Now it waits 30 (fake) seconds, i.e. 30 real seconds unless woken.
  const auto started = std::chrono::steady_clock::now();
  worker_->stop();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));
}

}  // namespace
}  // namespace callpy::outbox
