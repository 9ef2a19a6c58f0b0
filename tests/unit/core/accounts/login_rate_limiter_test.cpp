#include "core/accounts/login_rate_limiter.h"

#include <gtest/gtest.h>

namespace callpy::core::accounts {
namespace {

constexpr std::int64_t kT0 = 1'000'000;

TEST(LoginRateLimiter, AllowsUntilTheAccountLimit) {
  LoginRateLimiter l({3, 100, 60});
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(l.retryAfter("a@x.com", "10.0.0.1", kT0 + i), 0) << i;
    l.recordFailure("a@x.com", "10.0.0.1", kT0 + i);
  }
  // The oldest failure (kT0) leaves the window at kT0 + 60.
  EXPECT_EQ(l.retryAfter("a@x.com", "10.0.0.1", kT0 + 10), 50);
  // Another address does not help the same account.
  EXPECT_EQ(l.retryAfter("a@x.com", "10.0.0.2", kT0 + 10), 50);
  // Another account from the same address is fine.
  EXPECT_EQ(l.retryAfter("b@x.com", "10.0.0.1", kT0 + 10), 0);
}

TEST(LoginRateLimiter, WindowExpiry) {
  LoginRateLimiter l({2, 100, 60});
  l.recordFailure("a", "ip", kT0);
  l.recordFailure("a", "ip", kT0 + 30);
  EXPECT_GT(l.retryAfter("a", "ip", kT0 + 59), 0);
  EXPECT_EQ(l.retryAfter("a", "ip", kT0 + 60), 0);  // the first one left the window
  l.recordFailure("a", "ip", kT0 + 60);
  EXPECT_EQ(l.retryAfter("a", "ip", kT0 + 61), 29);  // now kT0+30 is the oldest that counts
  EXPECT_EQ(l.retryAfter("a", "ip", kT0 + 200), 0);
}

TEST(LoginRateLimiter, PerAddressAcrossAccounts) {
  LoginRateLimiter l({100, 3, 60});
  l.recordFailure("a", "ip", kT0);
  l.recordFailure("b", "ip", kT0);
  l.recordFailure("c", "ip", kT0);
  EXPECT_EQ(l.retryAfter("d", "ip", kT0 + 1), 59);
  EXPECT_EQ(l.retryAfter("d", "other-ip", kT0 + 1), 0);
}

TEST(LoginRateLimiter, SuccessClearsTheAccountOnly) {
  LoginRateLimiter l({2, 3, 60});
  l.recordFailure("a", "ip", kT0);
  l.recordFailure("a", "ip", kT0);
  ASSERT_GT(l.retryAfter("a", "ip", kT0), 0);
  l.recordSuccess("a");
  EXPECT_EQ(l.retryAfter("a", "ip", kT0), 0);
  // The address still remembers its two failures: one more reaches its limit of 3.
  l.recordFailure("b", "ip", kT0);
  EXPECT_GT(l.retryAfter("c", "ip", kT0), 0);
}

// Checking must not store anything: otherwise every probe with a new e-mail grows memory.
TEST(LoginRateLimiter, LookupsDoNotGrowMemory) {
  LoginRateLimiter limiter({5, 20, 300});
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(limiter.retryAfter("user" + std::to_string(i) + "@example.com", "10.0.0.1", 1000), 0);
  }
  EXPECT_EQ(limiter.trackedKeys(), 0u);
  limiter.recordFailure("a@example.com", "10.0.0.1", 1000);
  EXPECT_EQ(limiter.trackedKeys(), 2u);
}

TEST(LoginRateLimiter, WaitIsAtLeastOneSecond) {
  LoginRateLimiter l({1, 100, 60});
  l.recordFailure("a", "ip", kT0);
  EXPECT_EQ(l.retryAfter("a", "ip", kT0 + 59), 1);
  EXPECT_EQ(l.retryAfter("a", "ip", kT0 + 60), 0);
}

}  // namespace
}  // namespace callpy::core::accounts
