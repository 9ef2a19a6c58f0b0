#pragma once
// The database: one writer thread with group commit plus a pool of read-only connections.
//
// Open sequence (Database::open): open the file read-write, PRAGMA quick_check (throws
// CorruptDatabaseError), read user_version; refuse a newer schema (SchemaTooNewError); if
// migrations are pending and the file already has a schema, VACUUM INTO
// "<path>.pre-v<N>-<unixtime>.bak" first; apply each pending migration in its own transaction and
// set user_version. Then start the writer thread and the reader pool.
#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <type_traits>

#include "storage/connection.h"
#include "storage/errors.h"
#include "storage/write_job.h"

namespace callpy::storage {

class Writer;
class ReadPool;

struct DatabaseOptions {
  std::string path;             // the SQLite file
  int readers = 4;              // read-only connections in the pool
  std::size_t maxBatch = 4096;  // most jobs folded into one transaction
  std::function<void(double seconds)> onCommit = {};  // each COMMIT's duration (metrics)
};

class Database {
 public:
  static std::unique_ptr<Database> open(const DatabaseOptions& options);
  ~Database();  // stops the writer after draining queued jobs

  // Queues a write job. The writer runs queued jobs in one transaction, each inside its own
  // SAVEPOINT (a job that throws is rolled back alone and its future carries the exception),
  // commits with one fsync, then completes every future. The future is ready only after the
  // commit is durable. A job must not call write()/writeSync() itself (std::logic_error).
  template <typename R>
  std::future<R> write(std::function<R(Connection&)> job);
  // Same, deducing R from any callable taking Connection& (no std::function allocation).
  template <typename F>
  requires std::is_invocable_v<F&, Connection&>
  auto write(F&& job) -> std::future<std::invoke_result_t<F&, Connection&>>;
  // Queues a job whose outcome goes to `done` (null after the durable commit, else the error),
  // called once on the writer's completion thread: for callers that must not wait (page views).
  // Keep `done` short. Throws like write() when the writer is stopping (`done` is not called).
  void writeThen(std::function<void(Connection&)> job,
                 std::function<void(std::exception_ptr)> done);
  // Convenience: queue and wait.
  template <typename F>
  auto writeSync(F&& job) -> decltype(job(std::declval<Connection&>()));

  // Runs `job` on a pooled read-only connection (blocks while all are busy).
  template <typename F>
  auto read(F&& job) -> decltype(job(std::declval<Connection&>()));

  // Online, consistent copy of the database (VACUUM INTO on a pooled reader, so writes go on)
  // followed by PRAGMA integrity_check on the copy. `destination` must not exist yet. Throws
  // StorageError when the copy cannot be made or is not sound.
  void backupTo(const std::string& destination);

  int schemaVersion() const { return schemaVersion_; }
  const std::string& path() const { return options_.path; }
  // Jobs queued but not yet committed (for /metrics).
  std::size_t pendingWrites() const;
  // Cumulative batch/commit figures of the writer (for /metrics and benchmarks).
  WriteStats writeStats() const;

 private:
  explicit Database(DatabaseOptions options);
  void submit(std::unique_ptr<WriteJob> job);
  Connection& acquireReader();
  void releaseReader(Connection& c);

  DatabaseOptions options_;
  int schemaVersion_ = 0;
  std::unique_ptr<Writer> writer_;
  std::unique_ptr<ReadPool> readers_;
};

// The schema version this binary knows (the number of the last compiled-in migration).
int latestSchemaVersion();

}  // namespace callpy::storage

#include "storage/database_inl.h"
