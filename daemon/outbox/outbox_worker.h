#pragma once
// The outbox worker: one thread that runs due jobs from the `outbox` table.
//
// It reads due jobs with Database::read, sends them, and records each outcome with
// Database::write. A failed attempt is retried after an exponential backoff (base, 2×base, …
// capped); a permanent failure or the last allowed attempt marks the job failed. Between jobs it
// sleeps until the next due time or until notify(), never polling.
//
// Delivery is at least once: if the process dies after the server accepted a mail but before the
// outcome was committed, the mail is sent again after restart.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "outbox/smtp_settings.h"

namespace callpy::storage {
class Database;
struct OutboxJob;
}  // namespace callpy::storage

namespace callpy::outbox {

class SmtpSender;

struct OutboxWorkerOptions {
  // nullopt: mail is disabled; mail jobs stay queued (and are sent once SMTP is configured).
  std::optional<SmtpSettings> smtp;
  // Unix seconds. Tests inject a fake clock and call notify() after moving it.
  std::function<std::int64_t()> clock;
  // (syslog priority, "event key=value ...") — default: observability::log. Lines never contain
  // message bodies or the SMTP password.
  std::function<void(int priority, std::string line)> logger;
  std::int64_t backoffBaseSeconds = 30;  // delay after the first failed attempt; doubles
  std::int64_t backoffCapSeconds = 3600;
  int maxAttempts = 12;                   // the 12th failed attempt marks the job failed
  int batchSize = 16;                     // jobs fetched per read
  std::int64_t storageRetrySeconds = 5;   // pause after a database error
};

class OutboxWorker {
 public:
  struct Stats {
    std::uint64_t sent = 0;
    std::uint64_t retried = 0;
    std::uint64_t failed = 0;
  };

  OutboxWorker(storage::Database& db, OutboxWorkerOptions options);
  ~OutboxWorker();  // stop()
  OutboxWorker(const OutboxWorker&) = delete;
  OutboxWorker& operator=(const OutboxWorker&) = delete;

  void start();
  // Something was enqueued (or the clock moved): look at the table again now. Cheap, any thread.
  void notify();
  // Lets the job in progress finish (an SMTP exchange is bounded by its timeouts), then joins.
  void stop();

  // Seconds to wait after `attempts` failed attempts (attempts >= 1).
  std::int64_t backoffAfter(int attempts) const;
  Stats stats() const;

 private:
  void run();
  void runJob(const storage::OutboxJob& job);
  void log(int priority, std::string line) const;
  std::int64_t now() const;

  storage::Database& db_;
  OutboxWorkerOptions options_;
  std::unique_ptr<SmtpSender> sender_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool notified_ = false;
  std::thread thread_;

  std::atomic<std::uint64_t> sent_{0};
  std::atomic<std::uint64_t> retried_{0};
  std::atomic<std::uint64_t> failed_{0};
};

}  // namespace callpy::outbox
