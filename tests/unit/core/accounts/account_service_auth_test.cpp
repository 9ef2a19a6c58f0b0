// AccountService sign-in, sessions, passwords, resets and first-run bootstrap, over the real
// SQLite repository and OpenSSL crypto.
#include <gtest/gtest.h>

#include "accounts_env.h"

namespace callpy::core::accounts {
namespace {

using testing::errorOf;
using testing::ServiceEnv;
using testing::tokenFrom;

class AccountAuth : public ::testing::Test {
 protected:
  ServiceEnv env;
  std::int64_t alice = 0;
  void SetUp() override {
    env.addSite("shop", "Shop");
    alice = env.addUser("alice@example.com", "correct horse", "shop", Role::Owner);
  }
};

TEST_F(AccountAuth, LoginWithTheRightPasswordStartsASession) {
  auto s = env.accounts.login("  Alice@Example.COM ", "correct horse", "10.0.0.1");
  EXPECT_EQ(s.user.id, alice);
  EXPECT_EQ(s.user.email, "alice@example.com");
  EXPECT_GE(s.token.size(), 43u);
  EXPECT_FALSE(s.csrf.empty());
  EXPECT_NE(s.token, s.csrf);

  auto auth = env.accounts.authenticate(s.token);
  ASSERT_TRUE(auth);
  EXPECT_EQ(auth->csrf, s.csrf);
  ASSERT_TRUE(auth->principal.user);
  EXPECT_EQ(auth->principal.user->id, alice);
  EXPECT_EQ(auth->principal.roleOn("shop"), Role::Owner);
  EXPECT_FALSE(auth->principal.system);
}

TEST_F(AccountAuth, WrongPasswordAndUnknownUserLookAlike) {
  EXPECT_EQ(errorOf([&] { env.accounts.login("alice@example.com", "wrong horse", "ip"); }),
            ErrorCode::Unauthorized);
  EXPECT_EQ(errorOf([&] { env.accounts.login("nobody@example.com", "correct horse", "ip"); }),
            ErrorCode::Unauthorized);
}

TEST_F(AccountAuth, PendingUserCannotSignIn) {
  env.addUser("pending@example.com", std::nullopt, "shop");
  EXPECT_EQ(errorOf([&] { env.accounts.login("pending@example.com", "", "ip"); }),
            ErrorCode::Unauthorized);
}

TEST_F(AccountAuth, DisabledEverywhereCannotSignIn) {
  auto bob = env.addUser("bob@example.com", "bob password", "shop");
  env.addSite("blog");
  env.addMembership(bob, "blog", Role::Operator);
  env.accounts.setDisabled(ServiceEnv::system(), "shop", "bob@example.com", true);
  // Still enabled on blog: signs in.
  EXPECT_NO_THROW(env.accounts.login("bob@example.com", "bob password", "ip"));
  env.accounts.setDisabled(ServiceEnv::system(), "blog", "bob@example.com", true);
  EXPECT_EQ(errorOf([&] { env.accounts.login("bob@example.com", "bob password", "ip"); }),
            ErrorCode::Unauthorized);
}

TEST_F(AccountAuth, RateLimitedAfterRepeatedFailures) {
  for (int i = 0; i < env.settings.rateLimit.perAccount; ++i) {
    EXPECT_EQ(errorOf([&] { env.accounts.login("alice@example.com", "nope", "ip"); }),
              ErrorCode::Unauthorized);
  }
  try {
    env.accounts.login("alice@example.com", "correct horse", "ip");
    FAIL() << "not rate limited";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Limit);
    EXPECT_GT(e.retryAfter(), 0);
    EXPECT_LE(e.retryAfter(), env.settings.rateLimit.windowSeconds);
  }
  env.now += env.settings.rateLimit.windowSeconds;
  EXPECT_NO_THROW(env.accounts.login("alice@example.com", "correct horse", "ip"));
}

TEST_F(AccountAuth, SessionsExpireAndLogOut) {
  auto s = env.accounts.login("alice@example.com", "correct horse", "ip");
  env.now += env.settings.sessionTtlSeconds - 1;
  EXPECT_TRUE(env.accounts.authenticate(s.token));
  env.now += 1;
  EXPECT_FALSE(env.accounts.authenticate(s.token));

  auto s2 = env.accounts.login("alice@example.com", "correct horse", "ip");
  EXPECT_TRUE(env.accounts.authenticate(s2.token));
  env.accounts.logout(s2.token);
  EXPECT_FALSE(env.accounts.authenticate(s2.token));
}

TEST_F(AccountAuth, AuthenticateRejectsJunk) {
  EXPECT_FALSE(env.accounts.authenticate(""));
  EXPECT_FALSE(env.accounts.authenticate("not-a-session"));
  EXPECT_FALSE(env.accounts.authenticate(std::string(4096, 'a')));
}

TEST_F(AccountAuth, ChangePasswordKeepsThisSessionAndEndsOthers) {
  auto mine = env.accounts.login("alice@example.com", "correct horse", "ip");
  auto other = env.accounts.login("alice@example.com", "correct horse", "ip2");
  auto p = env.accounts.authenticate(mine.token)->principal;

  EXPECT_EQ(errorOf([&] { env.accounts.changePassword(p, mine.token, "wrong", "new password"); }),
            ErrorCode::Invalid);
  EXPECT_EQ(errorOf([&] { env.accounts.changePassword(p, mine.token, "correct horse", "short"); }),
            ErrorCode::Invalid);
  EXPECT_TRUE(env.accounts.authenticate(other.token));

  env.accounts.changePassword(p, mine.token, "correct horse", "new password");
  EXPECT_TRUE(env.accounts.authenticate(mine.token));
  EXPECT_FALSE(env.accounts.authenticate(other.token));
  EXPECT_EQ(errorOf([&] { env.accounts.login("alice@example.com", "correct horse", "ip"); }),
            ErrorCode::Unauthorized);
  EXPECT_NO_THROW(env.accounts.login("alice@example.com", "new password", "ip"));
}

TEST_F(AccountAuth, UpdateProfileValidates) {
  auto p = env.principalOf(alice);
  auto u = env.accounts.updateProfile(p, std::string("Alice"), std::string("ru"));
  EXPECT_EQ(u.name, "Alice");
  EXPECT_EQ(u.language, "ru");
  EXPECT_EQ(errorOf([&] { env.accounts.updateProfile(p, std::nullopt, std::string("de")); }),
            ErrorCode::Invalid);
  EXPECT_EQ(errorOf([&] { env.accounts.updateProfile(p, std::string(201, 'x'), std::nullopt); }),
            ErrorCode::Invalid);
  EXPECT_EQ(env.principalOf(alice).user->name, "Alice");
}

TEST_F(AccountAuth, ResetLinkIsMailedSingleUseAndEndsSessions) {
  auto before = env.accounts.login("alice@example.com", "correct horse", "ip");
  env.accounts.requestPasswordReset("ALICE@example.com", "10.0.0.9");
  auto mails = env.mails();
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0].kind, "mail");
  EXPECT_NE(mails[0].payload.find("\"to\":\"alice@example.com\""), std::string::npos);
  EXPECT_NE(mails[0].payload.find("https://chat.example.com/app/reset?token="), std::string::npos);
  EXPECT_EQ(env.mailWakeups, 1);
  auto token = tokenFrom(mails[0].payload);
  ASSERT_EQ(token.size(), 43u) << mails[0].payload;

  EXPECT_EQ(errorOf([&] { env.accounts.resetPassword(token, "short"); }), ErrorCode::Invalid);
  env.accounts.resetPassword(token, "brand new pass");
  EXPECT_FALSE(env.accounts.authenticate(before.token));
  EXPECT_NO_THROW(env.accounts.login("alice@example.com", "brand new pass", "ip"));
  // Single use.
  EXPECT_EQ(errorOf([&] { env.accounts.resetPassword(token, "another pass"); }),
            ErrorCode::Invalid);
  EXPECT_NO_THROW(env.accounts.login("alice@example.com", "brand new pass", "ip"));
}

TEST_F(AccountAuth, ResetLinkExpires) {
  env.accounts.requestPasswordReset("alice@example.com", "10.0.0.9");
  auto token = tokenFrom(env.mails().at(0).payload);
  env.now += env.settings.resetTtlSeconds;
  EXPECT_EQ(errorOf([&] { env.accounts.resetPassword(token, "brand new pass"); }),
            ErrorCode::Invalid);
  EXPECT_NO_THROW(env.accounts.login("alice@example.com", "correct horse", "ip"));
}

TEST_F(AccountAuth, ResetForUnknownEmailSendsNothing) {
  EXPECT_NO_THROW(env.accounts.requestPasswordReset("nobody@example.com", "10.0.0.9"));
  EXPECT_TRUE(env.mails().empty());
  EXPECT_EQ(env.mailWakeups, 0);
  EXPECT_EQ(errorOf([&] { env.accounts.requestPasswordReset("not an email", "10.0.0.9"); }),
            ErrorCode::Invalid);
  EXPECT_EQ(errorOf([&] { env.accounts.resetPassword("made-up-token", "brand new pass"); }),
            ErrorCode::Invalid);
}

TEST_F(AccountAuth, ResetRequestsAreRateLimited) {
  for (int i = 0; i < 3; ++i) env.accounts.requestPasswordReset("alice@example.com", "ip-a");
  EXPECT_EQ(env.mails().size(), 3u);
  try {
    env.accounts.requestPasswordReset("alice@example.com", "ip-b");
    FAIL() << "not rate limited";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Limit);
    EXPECT_GT(e.retryAfter(), 0);
  }
  EXPECT_EQ(env.mails().size(), 3u);
  // Unknown addresses count too, so probing cannot tell accounts apart.
  for (int i = 0; i < 7; ++i) {
    env.accounts.requestPasswordReset("nobody" + std::to_string(i) + "@example.com", "ip-a");
  }
  EXPECT_EQ(errorOf([&] { env.accounts.requestPasswordReset("other@example.com", "ip-a"); }),
            ErrorCode::Limit);
  env.now += 3600;
  EXPECT_NO_THROW(env.accounts.requestPasswordReset("alice@example.com", "ip-a"));
  EXPECT_EQ(env.mails().size(), 4u);
}

TEST(AccountBootstrap, OnlyWhileNoAccountHasAPassword) {
  ServiceEnv env;
  env.addSite("a");
  env.addSite("b");
  auto password = env.accounts.bootstrapOwner("Root@Example.com");
  EXPECT_EQ(password.size(), 18u);
  auto s = env.accounts.login("root@example.com", password, "ip");
  auto auth = env.accounts.authenticate(s.token);
  EXPECT_EQ(auth->principal.roleOn("a"), Role::Owner);
  EXPECT_EQ(auth->principal.roleOn("b"), Role::Owner);

  EXPECT_EQ(errorOf([&] { env.accounts.bootstrapOwner("other@example.com"); }),
            ErrorCode::Conflict);
  EXPECT_EQ(errorOf([&] { env.accounts.bootstrapOwner("root@example.com"); }),
            ErrorCode::Conflict);
  EXPECT_NO_THROW(env.accounts.login("root@example.com", password, "ip"));
}

TEST(AccountBootstrap, RejectsBadEmail) {
  ServiceEnv env;
  EXPECT_EQ(errorOf([&] { env.accounts.bootstrapOwner("root"); }), ErrorCode::Invalid);
}

TEST(Email, PlausibilityAndNormalisation) {
  EXPECT_EQ(normalizeEmail("  A@B.Com\n"), "a@b.com");
  EXPECT_EQ(normalizeEmail("   "), "");
  for (const char* good : {"a@b.co", "first.last+tag@sub.example.org"}) {
    EXPECT_TRUE(isPlausibleEmail(good)) << good;
  }
  for (const char* bad : {"", "a", "@b.com", "a@", "a@b", "a@.com", "a@b.", "a@@b.com",
                          "a b@c.com", "a@b.com>", "a,b@c.com", "\"a\"@b.com"}) {
    EXPECT_FALSE(isPlausibleEmail(bad)) << bad;
  }
  EXPECT_FALSE(isPlausibleEmail(std::string(250, 'a') + "@b.com"));
}

}  // namespace
}  // namespace callpy::core::accounts
