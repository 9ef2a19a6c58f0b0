#include "realtime/worker_pool.h"

#include <pthread.h>

#include "observability/log.h"

namespace callpy::realtime {

WorkerPool::WorkerPool(unsigned threads) {
  for (unsigned i = 0; i < std::max(1u, threads); ++i) {
    threads_.emplace_back([this] {
      pthread_setname_np(pthread_self(), "callpy-worker");
      run();
    });
  }
}

WorkerPool::~WorkerPool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& t : threads_) t.join();
}

void WorkerPool::submit(std::function<void()> task) {
  {
    std::lock_guard lock(mutex_);
    tasks_.push_back(std::move(task));
  }
  wake_.notify_one();
}

void WorkerPool::run() {
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
      if (tasks_.empty()) return;
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    try {
      task();
    } catch (const std::exception& e) {
      // Tasks answer their own errors; reaching here is a bug, not a reason to lose the thread.
      observability::logError("realtime.task_failed", {{"error", e.what()}});
    }
  }
}

void Strand::post(std::function<void()> task) {
  bool start = false;
  {
    std::lock_guard lock(mutex_);
    tasks_.push_back(std::move(task));
    if (!running_) running_ = start = true;
  }
  if (start) pool_.submit([self = shared_from_this()] { self->drain(); });
}

void Strand::drain() {
  for (;;) {
    std::function<void()> task;
    {
      std::lock_guard lock(mutex_);
      if (tasks_.empty()) {
        running_ = false;
        return;
      }
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    try {
      task();
    } catch (const std::exception& e) {
      observability::logError("realtime.task_failed", {{"error", e.what()}});
    }
  }
}

}  // namespace callpy::realtime
