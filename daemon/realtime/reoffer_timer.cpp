#include "realtime/reoffer_timer.h"

#include <pthread.h>

#include <chrono>

#include "observability/log.h"

namespace callpy::realtime {

namespace obs = callpy::observability;

void ReofferSchedule::schedule(std::int64_t dialogId, std::int64_t dueAt) {
  cancel(dialogId);
  byDialog_[dialogId] = byDue_.emplace(dueAt, dialogId);
}

void ReofferSchedule::cancel(std::int64_t dialogId) {
  auto it = byDialog_.find(dialogId);
  if (it == byDialog_.end()) return;
  byDue_.erase(it->second);
  byDialog_.erase(it);
}

std::vector<std::int64_t> ReofferSchedule::takeDue(std::int64_t now) {
  std::vector<std::int64_t> out;
  while (!byDue_.empty() && byDue_.begin()->first <= now) {
    out.push_back(byDue_.begin()->second);
    byDialog_.erase(byDue_.begin()->second);
    byDue_.erase(byDue_.begin());
  }
  return out;
}

std::optional<std::int64_t> ReofferSchedule::nextDue() const {
  if (byDue_.empty()) return std::nullopt;
  return byDue_.begin()->first;
}

ReofferTimer::ReofferTimer(Clock clock, Fire fire)
    : clock_(std::move(clock)), fire_(std::move(fire)) {}

ReofferTimer::~ReofferTimer() { stop(); }

void ReofferTimer::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "callpy-reoffer");
    run();
  });
}

void ReofferTimer::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ReofferTimer::schedule(std::int64_t dialogId, std::int64_t dueAt) {
  bool earliest = false;
  {
    std::lock_guard lock(mutex_);
    schedule_.schedule(dialogId, dueAt);
    earliest = schedule_.nextDue() == dueAt;
  }
  if (earliest) wake_.notify_all();
}

void ReofferTimer::cancel(std::int64_t dialogId) {
  std::lock_guard lock(mutex_);
  schedule_.cancel(dialogId);
}

std::size_t ReofferTimer::pending() const {
  std::lock_guard lock(mutex_);
  return schedule_.size();
}

std::size_t ReofferTimer::runDue() {
  std::vector<std::int64_t> due;
  {
    std::lock_guard lock(mutex_);
    due = schedule_.takeDue(clock_());
  }
  if (due.empty()) return 0;
  const auto n = due.size();
  try {
    fire_(std::move(due));  // outside the lock: fire may schedule again
  } catch (const std::exception& e) {
    obs::logError("routing.reoffer_failed", {{"error", e.what()}});
  }
  return n;
}

void ReofferTimer::run() {
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      if (stopping_) return;
      auto next = schedule_.nextDue();
      auto now = clock_();
      if (!next || *next > now) {
        // Seconds-resolution due times; waking at most every second also follows a clock that
        // is not the wall clock's pace (injected in tests) without a missed entry.
        if (next) wake_.wait_for(lock, std::chrono::seconds(1));
        else wake_.wait(lock);  // schedule() notifies
        if (stopping_) return;
        continue;
      }
    }
    runDue();
  }
}

}  // namespace callpy::realtime
