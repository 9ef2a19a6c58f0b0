#include "storage/writer.h"

#include <pthread.h>

#include <sqlite3.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>

#include "storage/errors.h"

namespace callpy::storage {

namespace {

using Clock = std::chrono::steady_clock;

void addMicros(std::atomic<std::uint64_t>& counter, Clock::time_point from, Clock::time_point to) {
  counter.fetch_add(static_cast<std::uint64_t>(
                        std::chrono::duration_cast<std::chrono::microseconds>(to - from).count()),
                    std::memory_order_relaxed);
}

std::string describe(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "unknown error";
  }
}

// Used where the transaction is already lost and a second error would only hide the first.
void rollbackQuietly(Connection& c) {
  if (c.inTransaction()) sqlite3_exec(c.raw(), "ROLLBACK", nullptr, nullptr, nullptr);
}

}  // namespace

Writer::Writer(std::unique_ptr<Connection> connection, std::size_t maxBatch,
               std::function<void(double)> onCommit)
    : connection_(std::move(connection)),
      maxBatch_(std::max<std::size_t>(maxBatch, 1)),
      onCommit_(std::move(onCommit)),
      completer_([this] {
        pthread_setname_np(pthread_self(), "callpy-commit");
        completeLoop();
      }),
      thread_([this] {
        pthread_setname_np(pthread_self(), "callpy-writer");
        loop();
      }) {}

Writer::~Writer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();  // the writer drains the queue before it returns
  {
    std::lock_guard lock(doneMutex_);
    doneStopping_ = true;
  }
  doneWake_.notify_one();
  completer_.join();
  connection_.reset();
}

void Writer::submit(std::unique_ptr<WriteJob> job) {
  if (onWriterThread()) {
    throw std::logic_error(
        "Database::write called from inside a write job: it would wait for a commit that "
        "cannot happen until the job returns; do the work in the same job instead");
  }
  bool wake = false;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) throw StorageError("the database is closing; the write was not queued");
    queue_.push_back(std::move(job));
    pending_.fetch_add(1, std::memory_order_relaxed);
    // Only the producer that finds the writer asleep, or brings the queue to the size the
    // writer is waiting for, pays for a wake-up.
    if (idle_ || (wakeAt_ != 0 && queue_.size() >= wakeAt_)) {
      idle_ = false;
      wakeAt_ = 0;
      wake = true;
    }
  }
  if (wake) wake_.notify_one();
}

WriteStats Writer::stats() const {
  WriteStats s;
  s.batches = counters_.batches.load(std::memory_order_relaxed);
  s.jobs = counters_.jobs.load(std::memory_order_relaxed);
  s.gatherMicros = counters_.gather.load(std::memory_order_relaxed);
  s.runMicros = counters_.run.load(std::memory_order_relaxed);
  s.commitMicros = counters_.commit.load(std::memory_order_relaxed);
  s.completeMicros = counters_.complete.load(std::memory_order_relaxed);
  return s;
}

void Writer::takeLocked(Batch& batch, Errors& errors) {
  const std::size_t n = std::min(queue_.size(), maxBatch_ - batch.size());
  for (std::size_t i = 0; i < n; ++i) {
    batch.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  errors.resize(batch.size());
}

void Writer::loop() {
  std::size_t released = 0;  // jobs in the previous batch: producers likely to come back
  for (;;) {
    Batch batch;
    Errors errors;
    {
      std::unique_lock lock(mutex_);
      while (queue_.empty() && !stopping_) {
        idle_ = true;
        wake_.wait(lock);
      }
      idle_ = false;
      if (queue_.empty()) return;  // stopping, and every queued job has run
      takeLocked(batch, errors);
    }
    // The producers of the previous batch are being released now and are likely to submit again.
    // Aiming at that count rather than at every outstanding write matters: waiting for the very
    // last straggler of a wake-up chain costs more than letting it lead the next batch (measured:
    // ~115k vs ~88k rows/s with 64 producers).
    runBatch(batch, errors, std::min(released, maxBatch_), Clock::now() + kGatherWindow);
    released = batch.size();
    pending_.fetch_sub(batch.size(), std::memory_order_relaxed);
    {
      std::lock_guard lock(doneMutex_);
      done_.push_back({std::move(batch), std::move(errors)});
    }
    doneWake_.notify_one();
  }
}

void Writer::completeLoop() {
  std::vector<Committed> work;
  for (;;) {
    {
      std::unique_lock lock(doneMutex_);
      doneWake_.wait(lock, [this] { return doneStopping_ || !done_.empty(); });
      if (done_.empty()) return;  // stopping, and every batch is complete
      work.swap(done_);
    }
    const auto from = Clock::now();
    std::size_t jobs = 0;
    for (auto& batch : work) {
      for (std::size_t i = 0; i < batch.jobs.size(); ++i) batch.jobs[i]->complete(batch.errors[i]);
      jobs += batch.jobs.size();
    }
    addMicros(counters_.complete, from, Clock::now());
    counters_.jobs.fetch_add(jobs, std::memory_order_relaxed);

    work.clear();  // destroys the jobs here, off the writer thread
  }
}

// Group commit that does not depend on luck: the producers released by the previous commit are
// usually submitting again while this batch starts. Rather than commit whatever happens to be
// queued, the writer keeps the transaction open (running jobs as they arrive) until as many jobs
// as the previous batch had are in, or kGatherWindow has passed. At low load the previous batch
// was no larger than this one, so nobody waits.
bool Writer::pullMore(Batch& batch, Errors& errors, std::size_t target,
                      Clock::time_point deadline) {
  if (batch.size() >= target || batch.size() >= maxBatch_) return false;
  std::unique_lock lock(mutex_);
  if (queue_.empty() && !stopping_) {
    const auto from = Clock::now();
    // Wake up when half of the missing jobs are in: few wake-ups, and their work still overlaps
    // with the arrival of the rest.
    wakeAt_ = std::max<std::size_t>(1, (target - batch.size()) / 2);
    // submit() clears wakeAt_ when it wakes us, hence the `wakeAt_ == 0` test.
    wake_.wait_until(lock, deadline,
                     [&] { return stopping_ || wakeAt_ == 0 || queue_.size() >= wakeAt_; });
    wakeAt_ = 0;
    addMicros(counters_.gather, from, Clock::now());
  }
  if (queue_.empty()) return false;
  takeLocked(batch, errors);
  return true;
}

// Runs batch[index] in its own savepoint. Returns false when the whole transaction is lost, after
// giving every earlier job of it (from `first`) an error.
bool Writer::runJob(Batch& batch, Errors& errors, std::size_t index, std::size_t first) {
  Connection& c = *connection_;
  try {
    c.prepare("SAVEPOINT job").run();
    batch[index]->run(c);
    c.prepare("RELEASE job").run();
    return true;
  } catch (...) {
    errors[index] = std::current_exception();
  }
  c.resetBusyStatements();
  if (c.inTransaction()) {
    try {
      c.prepare("ROLLBACK TO job").run();
      c.prepare("RELEASE job").run();
      return true;
    } catch (...) {
    }
  }
  // SQLite rolled back the whole transaction (SQLITE_FULL, I/O errors...) or the job could not
  // be undone alone: its batch-mates in this transaction lost their changes too.
  rollbackQuietly(c);
  const auto lost = std::make_exception_ptr(StorageError(
      "write rolled back together with a failing batch-mate: " + describe(errors[index])));
  for (std::size_t j = first; j < index; ++j) {
    if (!errors[j]) errors[j] = lost;
  }
  return false;
}

void Writer::runBatch(Batch& batch, Errors& errors, std::size_t target,
                      Clock::time_point deadline) {
  Connection& c = *connection_;
  std::size_t next = 0;
  // Normally one transaction; a new one starts only when SQLite aborted the previous one.
  while (next < batch.size()) {
    const std::size_t first = next;
    counters_.batches.fetch_add(1, std::memory_order_relaxed);
    const auto begun = Clock::now();
    try {
      c.prepare("BEGIN IMMEDIATE").run();
    } catch (...) {
      const auto error = std::current_exception();
      for (std::size_t j = first; j < batch.size(); ++j) errors[j] = error;
      return;
    }
    bool aborted = false;
    do {
      while (next < batch.size() && !aborted) {
        aborted = !runJob(batch, errors, next, first);
        ++next;
      }
    } while (!aborted && pullMore(batch, errors, target, deadline));
    if (aborted) continue;
    // A reader left stepping inside a job would otherwise keep the transaction's snapshot busy.
    c.resetBusyStatements();
    const auto committing = Clock::now();
    addMicros(counters_.run, begun, committing);
    try {
      c.prepare("COMMIT").run();
      const auto committed = Clock::now();
      addMicros(counters_.commit, committing, committed);
      if (onCommit_) onCommit_(std::chrono::duration<double>(committed - committing).count());
    } catch (...) {
      const auto error = std::current_exception();
      rollbackQuietly(c);
      for (std::size_t j = first; j < next; ++j) {
        if (!errors[j]) errors[j] = error;
      }
    }
  }
}

}  // namespace callpy::storage
