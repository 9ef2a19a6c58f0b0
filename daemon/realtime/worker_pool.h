#pragma once
// Threads for the blocking work behind realtime frames (database reads, visitor sign-in), so the
// event loops never wait on storage. A Strand runs one connection's tasks in order, one at a time.
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace callpy::realtime {

class WorkerPool {
 public:
  explicit WorkerPool(unsigned threads);
  ~WorkerPool();  // finishes queued tasks, then joins
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void submit(std::function<void()> task);

 private:
  void run();
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

// Serialises tasks on a pool: a task starts only after the previous one of the same strand ended.
// Shared ownership keeps the strand alive while tasks are queued after its owner is gone.
class Strand : public std::enable_shared_from_this<Strand> {
 public:
  explicit Strand(WorkerPool& pool) : pool_(pool) {}
  void post(std::function<void()> task);

 private:
  void drain();
  WorkerPool& pool_;
  std::mutex mutex_;
  std::deque<std::function<void()>> tasks_;
  bool running_ = false;
};

}  // namespace callpy::realtime
