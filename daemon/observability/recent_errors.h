#pragma once
// The last few error log lines, kept in memory for `callpyctl status` (an administrator asking
// "is anything wrong?" should not need journalctl first). Fed by log() for every line at
// priority error; a fixed-size ring, so a storm of errors costs no memory.
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace callpy::observability {

struct RecentError {
  std::int64_t at = 0;  // Unix seconds
  std::string line;     // the log line without its priority prefix and newline
};

class RecentErrors {
 public:
  static constexpr std::size_t kDefaultCapacity = 20;
  explicit RecentErrors(std::size_t capacity = kDefaultCapacity) : capacity_(capacity) {}

  static RecentErrors& instance();

  void add(std::int64_t at, std::string line);
  // Oldest first.
  std::vector<RecentError> snapshot() const;
  std::uint64_t total() const;  // errors seen since start, including those dropped from the ring

 private:
  std::size_t capacity_;
  mutable std::mutex mutex_;
  std::vector<RecentError> ring_;
  std::size_t next_ = 0;
  std::uint64_t total_ = 0;
};

}  // namespace callpy::observability
