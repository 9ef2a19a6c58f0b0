#include "core/accounts/login_rate_limiter.h"

#include <algorithm>

namespace callpy::core::accounts {

void LoginRateLimiter::prune(Window& w, std::int64_t now) {
  while (!w.empty() && w.front() <= now - settings_.windowSeconds) w.pop_front();
}

int LoginRateLimiter::waitFor(std::unordered_map<std::string, Window>& map,
                              const std::string& key, int limit, std::int64_t now) {
  auto it = map.find(key);  // a check never creates an entry
  if (it == map.end()) return 0;
  Window& w = it->second;
  prune(w, now);
  if (w.empty()) {
    map.erase(it);
    return 0;
  }
  if (static_cast<int>(w.size()) < limit) return 0;
  // Allowed again when the oldest failure that keeps us at the limit leaves the window.
  std::int64_t oldest = w[w.size() - static_cast<std::size_t>(limit)];
  return static_cast<int>(std::max<std::int64_t>(1, oldest + settings_.windowSeconds - now));
}

int LoginRateLimiter::retryAfter(const std::string& account, const std::string& address,
                                 std::int64_t now) {
  std::lock_guard lock(mutex_);
  int a = waitFor(accounts_, account, settings_.perAccount, now);
  int b = waitFor(addresses_, address, settings_.perAddress, now);
  return std::max(a, b);
}

std::size_t LoginRateLimiter::trackedKeys() {
  std::lock_guard lock(mutex_);
  return accounts_.size() + addresses_.size();
}

void LoginRateLimiter::recordFailure(const std::string& account, const std::string& address,
                                     std::int64_t now) {
  std::lock_guard lock(mutex_);
  accounts_[account].push_back(now);
  addresses_[address].push_back(now);
  // Bound memory: forget keys whose windows are empty. The threshold doubles with what survives
  // a sweep, so a flood of distinct keys costs amortised O(1) per failure.
  if (accounts_.size() + addresses_.size() > nextSweepAt_) {
    for (auto* map : {&accounts_, &addresses_}) {
      for (auto it = map->begin(); it != map->end();) {
        prune(it->second, now);
        it = it->second.empty() ? map->erase(it) : std::next(it);
      }
    }
    nextSweepAt_ = std::max<std::size_t>(kMinSweepAt, 2 * (accounts_.size() + addresses_.size()));
  }
}

void LoginRateLimiter::recordSuccess(const std::string& account) {
  std::lock_guard lock(mutex_);
  accounts_.erase(account);
}

}  // namespace callpy::core::accounts
