#pragma once
// Limits failed sign-in attempts per account and per client address within a sliding window.
// In memory on purpose: a restart forgetting counts is acceptable, and it keeps the hot path
// free of disk writes.
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

namespace callpy::core::accounts {

struct RateLimitSettings {
  int perAccount = 5;
  int perAddress = 20;
  int windowSeconds = 300;
};

class LoginRateLimiter {
 public:
  explicit LoginRateLimiter(RateLimitSettings settings) : settings_(settings) {}

  // Seconds until the next attempt is allowed, or 0 when allowed now.
  int retryAfter(const std::string& account, const std::string& address, std::int64_t now);
  void recordFailure(const std::string& account, const std::string& address, std::int64_t now);
  // A successful sign-in clears the account's failures (not the address's).
  void recordSuccess(const std::string& account);
  // Accounts and addresses with failures on record (for tests and metrics).
  std::size_t trackedKeys();

 private:
  using Window = std::deque<std::int64_t>;
  int waitFor(std::unordered_map<std::string, Window>& map, const std::string& key, int limit,
              std::int64_t now);
  void prune(Window& w, std::int64_t now);

  static constexpr std::size_t kMinSweepAt = 100000;
  RateLimitSettings settings_;
  std::size_t nextSweepAt_ = kMinSweepAt;
  std::mutex mutex_;
  std::unordered_map<std::string, Window> accounts_;
  std::unordered_map<std::string, Window> addresses_;
};

}  // namespace callpy::core::accounts
