#pragma once
// The first-response re-offer timer (issue 4 §4): one schedule of (due time, dialog) for every
// unanswered dialog and ONE thread that sleeps until the earliest entry is due, then hands the
// due dialog ids to a callback (the gateway checks them on its worker pool). No thread or timer
// object per dialog; entries are two map nodes each.
//
// Times are Unix seconds from an injected clock, so tests run the schedule with a fake clock and
// runDue() instead of waiting.
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

namespace callpy::realtime {

// Pure data structure (not thread-safe): at most one entry per dialog.
class ReofferSchedule {
 public:
  // Adds or moves the dialog's entry.
  void schedule(std::int64_t dialogId, std::int64_t dueAt);
  void cancel(std::int64_t dialogId);
  // Removes and returns the dialogs due at `now` (dueAt <= now), earliest first.
  std::vector<std::int64_t> takeDue(std::int64_t now);
  std::optional<std::int64_t> nextDue() const;
  std::size_t size() const { return byDialog_.size(); }

 private:
  std::multimap<std::int64_t, std::int64_t> byDue_;  // dueAt → dialog id
  std::unordered_map<std::int64_t, std::multimap<std::int64_t, std::int64_t>::iterator> byDialog_;
};

class ReofferTimer {
 public:
  using Clock = std::function<std::int64_t()>;                   // Unix seconds
  using Fire = std::function<void(std::vector<std::int64_t>)>;  // due dialog ids

  ReofferTimer(Clock clock, Fire fire);
  ~ReofferTimer();  // stops the thread
  ReofferTimer(const ReofferTimer&) = delete;
  ReofferTimer& operator=(const ReofferTimer&) = delete;

  // Starts the thread (without it, only runDue() fires entries: unit tests).
  void start();
  void stop();

  void schedule(std::int64_t dialogId, std::int64_t dueAt);
  void cancel(std::int64_t dialogId);
  // Fires what is due at clock() now; returns how many dialogs were handed to `fire`.
  std::size_t runDue();
  std::size_t pending() const;

 private:
  void run();

  Clock clock_;
  Fire fire_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  ReofferSchedule schedule_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace callpy::realtime
