#include "rtc/rtp/pli_limiter.h"

#include <gtest/gtest.h>

namespace callpy::rtc::rtp {
namespace {

TEST(PliLimiter, OnePerIntervalAndPendingIsDeliveredLater) {
  PliLimiter l(500'000);
  EXPECT_TRUE(l.request(1'000'000));
  EXPECT_FALSE(l.pending());
  EXPECT_FALSE(l.request(1'100'000));
  EXPECT_FALSE(l.request(1'499'999));
  EXPECT_TRUE(l.pending());
  EXPECT_EQ(l.nextAllowedUs(), 1'500'000u);
  EXPECT_FALSE(l.poll(1'400'000));
  EXPECT_TRUE(l.poll(1'500'000));
  EXPECT_FALSE(l.pending());
  EXPECT_FALSE(l.poll(2'100'000));  // nothing pending: a timer firing sends nothing
  EXPECT_TRUE(l.request(2'100'000));
}

TEST(PliLimiter, ResetAllowsImmediateRequest) {
  PliLimiter l(500'000);
  EXPECT_TRUE(l.request(0));
  EXPECT_FALSE(l.request(10));
  l.reset();
  EXPECT_FALSE(l.pending());
  EXPECT_TRUE(l.request(20));
}

}  // namespace
}  // namespace callpy::rtc::rtp
