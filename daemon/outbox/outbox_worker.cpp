#include "outbox/outbox_worker.h"

#include <pthread.h>

#include <algorithm>
#include <chrono>
#include <exception>
#include <stdexcept>
#include <vector>

#include "observability/log.h"
#include "outbox/mail_message.h"
#include "outbox/smtp_sender.h"
#include "storage/database.h"
#include "storage/outbox_repository.h"

namespace callpy::outbox {
namespace {

constexpr std::size_t kMaxErrorLength = 500;

std::string clip(std::string text) {
  if (text.size() > kMaxErrorLength) {
    text.resize(kMaxErrorLength);
    // Do not leave half a UTF-8 character behind.
    while (!text.empty() && (static_cast<unsigned char>(text.back()) & 0xc0) == 0x80) {
      text.pop_back();
    }
    if (!text.empty() && static_cast<unsigned char>(text.back()) >= 0xc0) text.pop_back();
    text += "...";
  }
  return text;
}

std::string quoted(std::string_view v) { return observability::quoteLogValue(v); }

}  // namespace

OutboxWorker::OutboxWorker(storage::Database& db, OutboxWorkerOptions options)
    : db_(db), options_(std::move(options)) {
  if (!options_.clock) {
    options_.clock = [] {
      return static_cast<std::int64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                           std::chrono::system_clock::now().time_since_epoch())
                                           .count());
    };
  }
  if (!options_.logger) {
    options_.logger = [](int priority, std::string line) {
      observability::log(static_cast<observability::Priority>(priority), line);
    };
  }
  if (options_.maxAttempts < 1) options_.maxAttempts = 1;
  if (options_.batchSize < 1) options_.batchSize = 1;
  if (options_.smtp) sender_ = std::make_unique<SmtpSender>(*options_.smtp);
}

OutboxWorker::~OutboxWorker() { stop(); }

void OutboxWorker::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable() || stopping_) return;
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "callpy-outbox");
    run();
  });
}

void OutboxWorker::notify() {
  {
    std::lock_guard lock(mutex_);
    notified_ = true;
  }
  wake_.notify_all();
}

void OutboxWorker::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

std::int64_t OutboxWorker::backoffAfter(int attempts) const {
  std::int64_t delay = options_.backoffBaseSeconds;
  for (int i = 1; i < attempts && delay < options_.backoffCapSeconds; ++i) delay *= 2;
  return std::min(delay, options_.backoffCapSeconds);
}

OutboxWorker::Stats OutboxWorker::stats() const {
  return {sent_.load(), retried_.load(), failed_.load()};
}

void OutboxWorker::log(int priority, std::string line) const {
  try {
    options_.logger(priority, std::move(line));
  } catch (...) {
    // A broken log sink must not stop mail.
  }
}

std::int64_t OutboxWorker::now() const { return options_.clock(); }

void OutboxWorker::run() {
  if (!sender_) {
    log(5, "outbox_mail_disabled reason=\"no smtp settings\" effect=\"mail stays queued\"");
    std::unique_lock lock(mutex_);
    wake_.wait(lock, [this] { return stopping_; });
    return;
  }
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
      // Cleared before reading the table: a notify() from here on wakes the wait below.
      notified_ = false;
    }
    std::optional<std::int64_t> wakeAt;
    bool more = false;
    try {
      const std::int64_t t = now();
      const int limit = options_.batchSize;
      auto jobs = db_.read([&](storage::Connection& c) { return storage::dueOutboxJobs(c, t, limit); });
      for (const auto& job : jobs) {
        {
          std::lock_guard lock(mutex_);
          if (stopping_) return;
        }
        runJob(job);
      }
      more = static_cast<int>(jobs.size()) == limit;
      if (!more) wakeAt = db_.read([](storage::Connection& c) { return storage::nextOutboxDue(c); });
    } catch (const std::exception& e) {
      log(3, "outbox_storage_error error=" + quoted(clip(e.what())));
      wakeAt = now() + options_.storageRetrySeconds;
    }
    if (more) continue;

    std::unique_lock lock(mutex_);
    auto woken = [this] { return stopping_ || notified_; };
    if (!wakeAt) {
      wake_.wait(lock, woken);
    } else {
      const std::int64_t delay = *wakeAt - now();
      if (delay > 0) wake_.wait_for(lock, std::chrono::seconds(delay), woken);
    }
  }
}

void OutboxWorker::runJob(const storage::OutboxJob& job) {
  const int attempt = job.attempts + 1;
  SendResult result;
  if (job.kind != kMailKind) {
    // Written by a newer callpyd or a sender not wired here: keep it and let backoff space it out.
    result = {SendResult::Status::TemporaryFailure, "no sender for kind " + job.kind};
  } else {
    try {
      result = sender_->send(mailFromJson(job.payload));
    } catch (const std::invalid_argument& e) {
      result = {SendResult::Status::PermanentFailure, e.what()};
    }
  }

  const std::int64_t t = now();
  const std::string id = std::to_string(job.id);
  const std::string kind = quoted(job.kind);
  // A storage error here propagates to run(): the outcome is lost and the job stays due, so it
  // runs again later (a mail the server already accepted may then be sent twice).
  if (result.sent()) {
    // Counted and logged before the outcome is recorded: the mail has left either way, and
    // whoever sees the row done must also see the count.
    ++sent_;
    log(6, "outbox_sent id=" + id + " kind=" + kind + " attempt=" + std::to_string(attempt));
    db_.writeSync([&](storage::Connection& c) { storage::markOutboxDone(c, job.id, t); });
    return;
  }
  const std::string error = clip(result.error);
  if (result.permanent() || attempt >= options_.maxAttempts) {
    ++failed_;
    log(3, "outbox_failed id=" + id + " kind=" + kind + " attempt=" + std::to_string(attempt) +
               " permanent=" + (result.permanent() ? "true" : "false") + " error=" + quoted(error));
    db_.writeSync([&](storage::Connection& c) { storage::markOutboxFailed(c, job.id, t, error); });
    return;
  }
  const std::int64_t delay = backoffAfter(attempt);
  ++retried_;
  log(4, "outbox_retry id=" + id + " kind=" + kind + " attempt=" + std::to_string(attempt) +
             " retry_in=" + std::to_string(delay) + "s error=" + quoted(error));
  db_.writeSync([&](storage::Connection& c) {
    storage::markOutboxRetry(c, job.id, attempt, t + delay, error);
  });
}

}  // namespace callpy::outbox
