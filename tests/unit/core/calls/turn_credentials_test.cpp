#include "core/calls/turn_credentials.h"

#include <gtest/gtest.h>

namespace callpy::core::calls {
namespace {

TEST(TurnCredentials, FollowTheSharedSecretScheme) {
  auto s = turnCredentials({"turn:turn.example.com:3478"}, "north", 1700000000, 3600, "call-abc");
  EXPECT_EQ(s.urls, std::vector<std::string>{"turn:turn.example.com:3478"});
  EXPECT_EQ(s.username, "1700003600:call-abc");
  // base64(HMAC-SHA1("north", "1700003600:call-abc")), computed independently with
  // `printf %s 1700003600:call-abc | openssl dgst -sha1 -hmac north -binary | base64`.
  EXPECT_EQ(s.credential, "c4cKiB46PEeqcogZM8GhpWxHRVw=");
}

}  // namespace
}  // namespace callpy::core::calls
