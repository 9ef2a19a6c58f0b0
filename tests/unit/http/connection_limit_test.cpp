// Per-address connection cap: the counter alone, then a real listener.
#include "http/connection_limit.h"

#include <gtest/gtest.h>

#include <chrono>

#include "http_env.h"

namespace callpy::http {
namespace {

using testing::HttpEnv;
using testing::send;

TEST(ConnectionCounter, CapsPerAddress) {
  ConnectionCounter c(2);
  EXPECT_TRUE(c.tryAcquire("10.0.0.1"));
  EXPECT_TRUE(c.tryAcquire("10.0.0.1"));
  EXPECT_FALSE(c.tryAcquire("10.0.0.1"));
  EXPECT_EQ(c.active("10.0.0.1"), 2);
  EXPECT_TRUE(c.tryAcquire("10.0.0.2"));
  c.release("10.0.0.1");
  EXPECT_EQ(c.active("10.0.0.1"), 1);
  EXPECT_TRUE(c.tryAcquire("10.0.0.1"));
  c.release("10.0.0.1");
  c.release("10.0.0.1");
  EXPECT_EQ(c.active("10.0.0.1"), 0);
  EXPECT_EQ(c.active("never-seen"), 0);
}

TEST(ConnectionLimit, ListenerAnswers503OverTheCapAndRecovers) {
  HttpEnv env({}, 2);
  auto a = env.client();
  auto b = env.client();
  ASSERT_EQ(send(*a, {"GET", "/healthz"}).status, 200);
  ASSERT_EQ(send(*b, {"GET", "/healthz"}).status, 200);
  // a and b keep their connections open: a third is refused.
  auto c = env.client();
  auto refused = send(*c, {"GET", "/healthz"});
  EXPECT_EQ(refused.status, 503);
  EXPECT_EQ(refused.header("Retry-After"), "5");
  // The first two still work on their connections.
  EXPECT_EQ(send(*a, {"GET", "/healthz"}).status, 200);

  // Once one closes, a new connection gets through (the server notices the close
  // asynchronously, so retry until a deadline).
  b->reset();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  int status = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    auto d = env.client();
    status = send(*d, {"GET", "/healthz"}).status;
    if (status == 200) break;
  }
  EXPECT_EQ(status, 200);
}

}  // namespace
}  // namespace callpy::http
