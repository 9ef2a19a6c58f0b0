#pragma once
// One queued write: run() executes inside the batch transaction (in the job's own SAVEPOINT);
// complete() is called once, after the batch's COMMIT, with the job's error, the commit's
// error, or null when the job's changes are durable.
#include <cstdint>
#include <exception>

namespace callpy::storage {

class Connection;

class WriteJob {
 public:
  virtual ~WriteJob() = default;
  virtual void run(Connection& c) = 0;
  virtual void complete(std::exception_ptr error) noexcept = 0;
};

}  // namespace callpy::storage

namespace callpy::storage {

// Cumulative writer figures since open (for /metrics and the benchmark). Times are wall-clock
// microseconds spent by the writer thread in each phase of its batches.
struct WriteStats {
  std::uint64_t batches = 0;         // transactions committed or attempted
  std::uint64_t jobs = 0;            // jobs completed (successfully or not)
  std::uint64_t gatherMicros = 0;    // holding a batch open for more jobs
  std::uint64_t runMicros = 0;       // BEGIN + jobs in their savepoints
  std::uint64_t commitMicros = 0;    // COMMIT, i.e. mostly the fsync
  std::uint64_t completeMicros = 0;  // fulfilling the futures (waking the waiters)
};

}  // namespace callpy::storage
