#pragma once
// The single writer thread: owns the read-write connection and commits queued jobs in groups
// (DESIGN §3), so many concurrent writers share one fsync.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "storage/connection.h"
#include "storage/write_job.h"

namespace callpy::storage {

class Writer {
 public:
  // How long a batch may stay open for the producers released by the previous commit (see
  // runBatch()); it bounds the latency a lone write can gain from group commit.
  static constexpr std::chrono::microseconds kGatherWindow{300};

  // `onCommit` (may be empty) gets each durable COMMIT's duration in seconds, on the writer
  // thread: keep it cheap (the app feeds a lock-free histogram).
  Writer(std::unique_ptr<Connection> connection, std::size_t maxBatch,
         std::function<void(double)> onCommit = {});
  // Runs every job already queued, completes every future, then stops the threads and closes
  // the connection.
  ~Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  // Throws StorageError once the writer is stopping, and std::logic_error when called from a job
  // (the job would wait for a batch that cannot start before the job ends).
  void submit(std::unique_ptr<WriteJob> job);
  // Queued plus running jobs whose futures are not yet complete.
  std::size_t pending() const { return pending_.load(std::memory_order_relaxed); }
  WriteStats stats() const;
  bool onWriterThread() const { return std::this_thread::get_id() == thread_.get_id(); }

 private:
  using Batch = std::vector<std::unique_ptr<WriteJob>>;
  using Errors = std::vector<std::exception_ptr>;
  struct Committed {
    Batch jobs;
    Errors errors;
  };

  void loop();
  void runBatch(Batch& batch, Errors& errors, std::size_t target,
                std::chrono::steady_clock::time_point deadline);
  bool runJob(Batch& batch, Errors& errors, std::size_t index, std::size_t first);
  bool pullMore(Batch& batch, Errors& errors, std::size_t target,
                std::chrono::steady_clock::time_point deadline);
  void takeLocked(Batch& batch, Errors& errors);
  void completeLoop();

  std::unique_ptr<Connection> connection_;
  const std::size_t maxBatch_;
  const std::function<void(double)> onCommit_;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::unique_ptr<WriteJob>> queue_;  // guarded by mutex_
  bool idle_ = false;                            // writer waits on wake_; guarded by mutex_
  std::size_t wakeAt_ = 0;  // wake the writer once the queue holds this many; guarded by mutex_
  bool stopping_ = false;   // guarded by mutex_

  // Committed batches waiting for their futures to be fulfilled. A separate thread wakes the
  // waiters so the writer can start the next transaction during those wake-ups.
  std::mutex doneMutex_;
  std::condition_variable doneWake_;
  std::vector<Committed> done_;  // guarded by doneMutex_
  bool doneStopping_ = false;    // guarded by doneMutex_

  std::atomic<std::size_t> pending_{0};
  // Written by the writer threads only; atomics so stats() may read them from anywhere.
  struct Counters {
    std::atomic<std::uint64_t> batches{0}, jobs{0}, gather{0}, run{0}, commit{0}, complete{0};
  } counters_;
  // Last: they start after every other member is ready.
  std::thread completer_;
  std::thread thread_;
};

}  // namespace callpy::storage
