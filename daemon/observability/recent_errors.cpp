#include "observability/recent_errors.h"

namespace callpy::observability {

RecentErrors& RecentErrors::instance() {
  static RecentErrors errors;
  return errors;
}

void RecentErrors::add(std::int64_t at, std::string line) {
  constexpr std::size_t kMaxLine = 1000;  // a runaway field must not pin megabytes
  if (line.size() > kMaxLine) line.resize(kMaxLine);
  std::lock_guard lock(mutex_);
  ++total_;
  if (capacity_ == 0) return;
  if (ring_.size() < capacity_) {
    ring_.push_back({at, std::move(line)});
    return;
  }
  ring_[next_] = {at, std::move(line)};
  next_ = (next_ + 1) % capacity_;
}

std::vector<RecentError> RecentErrors::snapshot() const {
  std::lock_guard lock(mutex_);
  std::vector<RecentError> out;
  out.reserve(ring_.size());
  for (std::size_t i = 0; i < ring_.size(); ++i) out.push_back(ring_[(next_ + i) % ring_.size()]);
  return out;
}

std::uint64_t RecentErrors::total() const {
  std::lock_guard lock(mutex_);
  return total_;
}

}  // namespace callpy::observability
