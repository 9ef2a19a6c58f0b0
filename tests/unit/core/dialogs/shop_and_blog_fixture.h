#pragma once
// The two-site layout the chat tests start from: sites "shop" and "blog" with one operator each,
// and alice, a visitor of shop. Fixtures add their own actors in SetUp() after calling this one's.
#include <gtest/gtest.h>

#include <cstdint>

#include "dialogs_env.h"

namespace callpy::testing {

class ShopAndBlogTest : public ::testing::Test {
 protected:
  DialogsEnv env;
  std::int64_t shopOp = 0, blogOp = 0;
  core::dialogs::VisitorRef alice;

  void SetUp() override {
    env.addSite("shop", "Shop");
    env.addSite("blog", "Blog");
    shopOp = env.addUser("shop@example.com", "operator password", "shop", Role::Operator);
    blogOp = env.addUser("blog@example.com", "operator password", "blog", Role::Operator);
    alice = env.newVisitor("shop");
  }
  core::accounts::Principal as(std::int64_t user) { return env.principalOf(user); }
};

}  // namespace callpy::testing
