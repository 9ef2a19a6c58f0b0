#include "app/systemd_notify.h"

#include <systemd/sd-daemon.h>

#include <chrono>

namespace callpy::app {

void notifyReady(const std::string& status) {
  sd_notifyf(0, "READY=1\nSTATUS=%s\nMAINPID=%lu", status.c_str(), static_cast<unsigned long>(getpid()));
}

void notifyStatus(const std::string& status) { sd_notifyf(0, "STATUS=%s", status.c_str()); }

void notifyStopping() { sd_notify(0, "STOPPING=1\nSTATUS=Draining"); }

void notifyReloading(bool done) { sd_notify(0, done ? "READY=1" : "RELOADING=1"); }

Watchdog::Watchdog(std::function<bool()> healthy) : healthy_(std::move(healthy)) {
  std::uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return;
  auto period = std::chrono::microseconds(usec / 2);
  thread_ = std::thread([this, period] {
    std::unique_lock lock(mutex_);
    while (!stop_) {
      lock.unlock();
      if (healthy_()) sd_notify(0, "WATCHDOG=1");
      lock.lock();
      cv_.wait_for(lock, period, [this] { return stop_; });
    }
  });
}

Watchdog::~Watchdog() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace callpy::app
