#pragma once
// SQL for the `outbox` table: durable outbound jobs (mail now; SMS, Telegram, webhooks later).
//
// Every function takes the Connection it runs on, so callers choose the transaction:
// enqueueOutbox belongs INSIDE the Database::write job that causes the mail (an invite, a password
// reset), so the mail is committed together with its cause or not at all. The outbox worker reads
// with Database::read and records outcomes with Database::write.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/connection.h"

namespace callpy::storage {

struct OutboxJob {
  std::int64_t id = 0;
  std::string kind;
  std::string payload;  // JSON, interpreted by the sender of `kind`
  int attempts = 0;     // attempts made so far
  std::int64_t nextAttemptAt = 0;
  std::optional<std::string> lastError;
  std::int64_t createdAt = 0;
  std::optional<std::int64_t> doneAt;  // set when sent or given up
  bool failed = false;                 // given up (doneAt is set too)
};

// Queues a job due at `now`; returns its id.
std::int64_t enqueueOutbox(Connection& c, std::string_view kind, std::string_view payloadJson,
                           std::int64_t now);

// Pending jobs with next_attempt_at <= now, oldest due first.
std::vector<OutboxJob> dueOutboxJobs(Connection& c, std::int64_t now, int limit);

// Each mark* records one attempt and is a no-op on a job that is already done.
// The attempt succeeded.
void markOutboxDone(Connection& c, std::int64_t id, std::int64_t now);
// The attempt failed but may succeed later. `attempts` is the total made so far, including this one.
void markOutboxRetry(Connection& c, std::int64_t id, int attempts, std::int64_t nextAttemptAt,
                     std::string_view error);
// The attempt failed for good (permanent rejection or too many attempts).
void markOutboxFailed(Connection& c, std::int64_t id, std::int64_t now, std::string_view error);

// Jobs not yet done (for /metrics and status).
std::int64_t outboxBacklog(Connection& c);
// The earliest next_attempt_at among pending jobs; nullopt when nothing is pending.
std::optional<std::int64_t> nextOutboxDue(Connection& c);
// One job in any state (tests, admin tooling).
std::optional<OutboxJob> findOutboxJob(Connection& c, std::int64_t id);

}  // namespace callpy::storage
