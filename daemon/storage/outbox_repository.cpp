#include "storage/outbox_repository.h"

#include "storage/statement.h"

namespace callpy::storage {
namespace {

constexpr std::string_view kJobColumns =
    "id, kind, payload, attempts, next_attempt_at, last_error, created_at, done_at, failed";

OutboxJob readJob(const Statement& s) {
  OutboxJob job;
  job.id = s.columnInt64(0);
  job.kind = s.columnText(1);
  job.payload = s.columnText(2);
  job.attempts = s.columnInt(3);
  job.nextAttemptAt = s.columnInt64(4);
  job.lastError = s.columnOptionalText(5);
  job.createdAt = s.columnInt64(6);
  job.doneAt = s.columnOptionalInt64(7);
  job.failed = s.columnInt64(8) != 0;
  return job;
}

}  // namespace

std::int64_t enqueueOutbox(Connection& c, std::string_view kind, std::string_view payloadJson,
                           std::int64_t now) {
  Statement& s = c.prepare(
      "INSERT INTO outbox (kind, payload, next_attempt_at, created_at) VALUES (?1, ?2, ?3, ?3)");
  s.bind(1, kind).bind(2, payloadJson).bind(3, now);
  s.run();
  return c.lastInsertRowId();
}

std::vector<OutboxJob> dueOutboxJobs(Connection& c, std::int64_t now, int limit) {
  static const std::string sql = "SELECT " + std::string(kJobColumns) +
                                 " FROM outbox WHERE done_at IS NULL AND next_attempt_at <= ?1"
                                 " ORDER BY next_attempt_at, id LIMIT ?2";
  Statement& s = c.prepare(sql);
  s.bind(1, now).bind(2, limit);
  std::vector<OutboxJob> jobs;
  while (s.step()) jobs.push_back(readJob(s));
  s.reset();
  return jobs;
}

void markOutboxDone(Connection& c, std::int64_t id, std::int64_t now) {
  Statement& s = c.prepare(
      "UPDATE outbox SET done_at = ?2, attempts = attempts + 1 WHERE id = ?1 AND done_at IS NULL");
  s.bind(1, id).bind(2, now);
  s.run();
}

void markOutboxRetry(Connection& c, std::int64_t id, int attempts, std::int64_t nextAttemptAt,
                     std::string_view error) {
  Statement& s = c.prepare(
      "UPDATE outbox SET attempts = ?2, next_attempt_at = ?3, last_error = ?4"
      " WHERE id = ?1 AND done_at IS NULL");
  s.bind(1, id).bind(2, attempts).bind(3, nextAttemptAt).bind(4, error);
  s.run();
}

void markOutboxFailed(Connection& c, std::int64_t id, std::int64_t now, std::string_view error) {
  Statement& s = c.prepare(
      "UPDATE outbox SET done_at = ?2, failed = 1, attempts = attempts + 1, last_error = ?3"
      " WHERE id = ?1 AND done_at IS NULL");
  s.bind(1, id).bind(2, now).bind(3, error);
  s.run();
}

std::int64_t outboxBacklog(Connection& c) {
  Statement& s = c.prepare("SELECT COUNT(*) FROM outbox WHERE done_at IS NULL");
  std::int64_t n = s.step() ? s.columnInt64(0) : 0;
  s.reset();
  return n;
}

std::optional<std::int64_t> nextOutboxDue(Connection& c) {
  Statement& s = c.prepare("SELECT MIN(next_attempt_at) FROM outbox WHERE done_at IS NULL");
  std::optional<std::int64_t> due = s.step() ? s.columnOptionalInt64(0) : std::nullopt;
  s.reset();
  return due;
}

std::optional<OutboxJob> findOutboxJob(Connection& c, std::int64_t id) {
  static const std::string sql =
      "SELECT " + std::string(kJobColumns) + " FROM outbox WHERE id = ?1";
  Statement& s = c.prepare(sql);
  s.bind(1, id);
  std::optional<OutboxJob> job;
  if (s.step()) job = readJob(s);
  s.reset();
  return job;
}

}  // namespace callpy::storage
