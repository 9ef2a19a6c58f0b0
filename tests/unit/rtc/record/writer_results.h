#pragma once
// Collects a RecordingWriter's completion callbacks (they run on its converter thread) and waits
// for them with a deadline.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <vector>

#include "rtc/record/recording_writer.h"

namespace callpy::rtc::record::testing {

struct WriterResults {
  std::mutex m;
  std::condition_variable cv;
  std::vector<RecordingResult> all;
  std::function<void()> onEach;  // also run for each result, under the lock

  RecordingDone callback() {
    return [this](const RecordingResult& r) {
      std::lock_guard lock(m);
      all.push_back(r);
      if (onEach) onEach();
      cv.notify_all();
    };
  }
  // The n-th result (1-based), or nothing after 20 s.
  std::optional<RecordingResult> wait(std::size_t n = 1) {
    std::unique_lock lock(m);
    if (!cv.wait_for(lock, std::chrono::seconds(20), [&] { return all.size() >= n; })) return {};
    return all[n - 1];
  }
};

}  // namespace callpy::rtc::record::testing
