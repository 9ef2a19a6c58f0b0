#pragma once
// sd_notify wrappers: READY=1, STATUS=, STOPPING=1 and the watchdog keep-alive thread.
#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace callpy::app {

void notifyReady(const std::string& status);
void notifyStatus(const std::string& status);
void notifyStopping();
void notifyReloading(bool done);

// Sends WATCHDOG=1 at half the interval systemd asks for, but only while `healthy()` holds, so a
// wedged writer gets the daemon restarted. Does nothing when the watchdog is not enabled.
class Watchdog {
 public:
  explicit Watchdog(std::function<bool()> healthy);
  ~Watchdog();

 private:
  std::function<bool()> healthy_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace callpy::app
