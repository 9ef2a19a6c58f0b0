#include "core/accounts/login_rate_limiter.h"

#include <algorithm>

namespace callpy::core::accounts {

void LoginRateLimiter::prune(Window& w, std::int64_t now) {
  while (!w.empty() && w.front() <= now - settings_.windowSeconds) w.pop_front();
}

int LoginRateLimiter::waitFor(Window& w, int limit, std::int64_t now) {
  prune(w, now);
  if (static_cast<int>(w.size()) < limit) return 0;
  // Allowed again when the oldest failure that keeps us at the limit leaves the window.
  std::int64_t oldest = w[w.size() - static_cast<std::size_t>(limit)];
  return static_cast<int>(std::max<std::int64_t>(1, oldest + settings_.windowSeconds - now));
}

int LoginRateLimiter::retryAfter(const std::string& account, const std::string& address,
                                 std::int64_t now) {
  std::lock_guard lock(mutex_);
  int a = waitFor(accounts_[account], settings_.perAccount, now);
  int b = waitFor(addresses_[address], settings_.perAddress, now);
  return std::max(a, b);
}

void LoginRateLimiter::recordFailure(const std::string& account, const std::string& address,
                                     std::int64_t now) {
  std::lock_guard lock(mutex_);
  accounts_[account].push_back(now);
  addresses_[address].push_back(now);
  // Bound memory: forget keys whose windows are empty now and then.
  if (accounts_.size() + addresses_.size() > 100000) {
    for (auto* map : {&accounts_, &addresses_}) {
      for (auto it = map->begin(); it != map->end();) {
        prune(it->second, now);
        it = it->second.empty() ? map->erase(it) : std::next(it);
      }
    }
  }
}

void LoginRateLimiter::recordSuccess(const std::string& account) {
  std::lock_guard lock(mutex_);
  accounts_.erase(account);
}

}  // namespace callpy::core::accounts
