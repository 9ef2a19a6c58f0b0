#pragma once
// The site layout the site-service tests start from: "shop" with an owner, an admin and an
// operator, and "other" whose owner is a stranger to shop. Env is ServiceEnv or a subclass of it
// (DialogsEnv when the test also needs the chat).
#include <gtest/gtest.h>

#include <cstdint>

#include "../accounts/accounts_env.h"

namespace callpy::testing {

template <typename Env>
class ShopTeamTest : public ::testing::Test {
 protected:
  Env env;
  core::accounts::Principal sys = Env::system();
  std::int64_t owner = 0, admin = 0, op = 0, stranger = 0;
  void SetUp() override {
    env.sites.create("Shop", "https://shop.example/", "en", "shop");
    env.sites.create("Other", "https://other.example", "ru", "other");
    owner = env.addUser("owner@example.com", "pw-owner-1", "shop", Role::Owner);
    admin = env.addUser("admin@example.com", "pw-admin-1", "shop", Role::Admin);
    op = env.addUser("op@example.com", "pw-operator", "shop", Role::Operator);
    stranger = env.addUser("s@example.com", "pw-stranger", "other", Role::Owner);
  }
  core::accounts::Principal as(std::int64_t user) { return env.principalOf(user); }
};

}  // namespace callpy::testing
