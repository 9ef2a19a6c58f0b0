// AccountService invitations and operator management (F2), over the real SQLite repository.
#include <gtest/gtest.h>

#include "accounts_env.h"

namespace callpy::core::accounts {
namespace {

using testing::errorOf;
using testing::ServiceEnv;
using testing::tokenFrom;

class AccountTeam : public ::testing::Test {
 protected:
  ServiceEnv env;
  std::int64_t owner = 0, admin = 0, op = 0;
  void SetUp() override {
    env.addSite("shop", "Shop");
    owner = env.addUser("owner@example.com", "owner password", "shop", Role::Owner);
    admin = env.addUser("admin@example.com", "admin password", "shop", Role::Admin);
    op = env.addUser("op@example.com", "operator password", "shop", Role::Operator);
  }
  Principal as(std::int64_t user) { return env.principalOf(user); }
};

TEST_F(AccountTeam, InviteCreatesPendingOperatorTokenAndMail) {
  auto r = env.accounts.invite(as(admin), "shop", " New@Example.com", Role::Operator);
  EXPECT_EQ(r.entry.email, "new@example.com");
  EXPECT_EQ(r.entry.role, Role::Operator);
  EXPECT_TRUE(r.entry.pending);
  EXPECT_FALSE(r.entry.disabled);
  EXPECT_EQ(r.link.rfind("https://chat.example.com/app/invite?token=", 0), 0u) << r.link;

  auto mails = env.mails();
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_NE(mails[0].payload.find("\"to\":\"new@example.com\""), std::string::npos);
  EXPECT_NE(mails[0].payload.find(r.link), std::string::npos) << mails[0].payload;
  EXPECT_EQ(env.mailWakeups, 1);

  auto info = env.accounts.inviteInfo(tokenFrom(r.link));
  EXPECT_EQ(info.email, "new@example.com");
  EXPECT_EQ(info.siteId, "shop");
  EXPECT_EQ(info.siteName, "Shop");
  EXPECT_EQ(info.role, Role::Operator);

  auto ops = env.accounts.operators(as(op), "shop");
  EXPECT_EQ(ops.size(), 4u);
}

TEST_F(AccountTeam, AcceptInviteSignsInOnce) {
  auto r = env.accounts.invite(as(owner), "shop", "new@example.com", Role::Admin);
  auto token = tokenFrom(r.link);
  EXPECT_EQ(errorOf([&] { env.accounts.acceptInvite(token, "New", "short"); }),
            ErrorCode::Invalid);
  auto s = env.accounts.acceptInvite(token, "New Person", "new password");
  EXPECT_EQ(s.user.name, "New Person");
  auto auth = env.accounts.authenticate(s.token);
  ASSERT_TRUE(auth);
  EXPECT_EQ(auth->principal.roleOn("shop"), Role::Admin);
  EXPECT_FALSE(env.operatorOf("shop", s.user.id)->pending);
  EXPECT_NO_THROW(env.accounts.login("new@example.com", "new password", "ip"));

  EXPECT_EQ(errorOf([&] { env.accounts.acceptInvite(token, "", "other password"); }),
            ErrorCode::Invalid);
  EXPECT_EQ(errorOf([&] { env.accounts.inviteInfo(token); }), ErrorCode::NotFound);
}

TEST_F(AccountTeam, InviteExpires) {
  auto token = tokenFrom(env.accounts.invite(as(admin), "shop", "n@example.com", Role::Operator).link);
  env.now += env.settings.inviteTtlSeconds;
  EXPECT_EQ(errorOf([&] { env.accounts.inviteInfo(token); }), ErrorCode::NotFound);
  EXPECT_EQ(errorOf([&] { env.accounts.acceptInvite(token, "", "new password"); }),
            ErrorCode::Invalid);
  EXPECT_EQ(errorOf([&] { env.accounts.inviteInfo("unknown"); }), ErrorCode::NotFound);
}

TEST_F(AccountTeam, ResetTokenIsNotAnInvite) {
  env.accounts.requestPasswordReset("op@example.com", "10.0.0.9");
  auto token = tokenFrom(env.mails().at(0).payload);
  EXPECT_EQ(errorOf([&] { env.accounts.inviteInfo(token); }), ErrorCode::NotFound);
  EXPECT_EQ(errorOf([&] { env.accounts.acceptInvite(token, "", "new password"); }),
            ErrorCode::Invalid);
}

TEST_F(AccountTeam, WithdrawnInviteCannotBeAccepted) {
  auto r = env.accounts.invite(as(admin), "shop", "n@example.com", Role::Operator);
  env.accounts.setDisabled(as(admin), "shop", "n@example.com", true);
  // Accepting would sign in a user whose only membership is disabled.
  EXPECT_EQ(errorOf([&] { env.accounts.acceptInvite(tokenFrom(r.link), "", "new password"); }),
            ErrorCode::Invalid);
  EXPECT_EQ(errorOf([&] { env.accounts.login("n@example.com", "new password", "ip"); }),
            ErrorCode::Unauthorized);
}

TEST_F(AccountTeam, InviteRules) {
  EXPECT_EQ(errorOf([&] { env.accounts.invite(as(op), "shop", "x@example.com", Role::Operator); }),
            ErrorCode::Forbidden);
  EXPECT_EQ(errorOf([&] { env.accounts.invite(as(admin), "shop", "x@example.com", Role::Owner); }),
            ErrorCode::Forbidden);
  EXPECT_NO_THROW(env.accounts.invite(as(owner), "shop", "x@example.com", Role::Owner));
  EXPECT_EQ(errorOf([&] { env.accounts.invite(as(admin), "shop", "op@example.com", Role::Admin); }),
            ErrorCode::Conflict);
  EXPECT_EQ(errorOf([&] { env.accounts.invite(as(admin), "shop", "not-an-email", Role::Operator); }),
            ErrorCode::Invalid);
  EXPECT_EQ(errorOf([&] { env.accounts.invite(as(admin), "nosuch", "y@example.com", Role::Operator); }),
            ErrorCode::NotFound);
  // Re-inviting someone still pending sends a fresh link.
  auto again = env.accounts.invite(as(owner), "shop", "x@example.com", Role::Admin);
  EXPECT_TRUE(again.entry.pending);
  EXPECT_EQ(again.entry.role, Role::Admin);
  EXPECT_EQ(env.mails().size(), 2u);
}

TEST_F(AccountTeam, CrossSiteAccessIsForbidden) {
  env.addSite("other");
  auto stranger = env.addUser("s@example.com", "stranger pass", "other", Role::Owner);
  EXPECT_EQ(errorOf([&] { env.accounts.operators(as(stranger), "shop"); }), ErrorCode::Forbidden);
  EXPECT_EQ(errorOf([&] { env.accounts.setDisabled(as(stranger), "shop", "op@example.com", true); }),
            ErrorCode::Forbidden);
  EXPECT_EQ(errorOf([&] { env.accounts.setRole(as(stranger), "shop", "op@example.com", Role::Owner); }),
            ErrorCode::Forbidden);
  EXPECT_EQ(errorOf([&] { env.accounts.operators(as(owner), "nosuch"); }), ErrorCode::NotFound);
}

TEST_F(AccountTeam, DisableEndsSessionsOnlyWhenNoEnabledMembershipLeft) {
  env.addSite("blog");
  env.addMembership(op, "blog", Role::Operator);
  auto s = env.accounts.login("op@example.com", "operator password", "ip");

  auto e = env.accounts.setDisabled(as(admin), "shop", std::to_string(op), true);
  EXPECT_TRUE(e.disabled);
  auto auth = env.accounts.authenticate(s.token);
  ASSERT_TRUE(auth) << "still enabled on blog";
  EXPECT_FALSE(auth->principal.roleOn("shop"));
  EXPECT_EQ(auth->principal.roleOn("blog"), Role::Operator);

  env.accounts.setDisabled(ServiceEnv::system(), "blog", "op@example.com", true);
  EXPECT_FALSE(env.accounts.authenticate(s.token));

  auto back = env.accounts.setDisabled(as(admin), "shop", "op@example.com", false);
  EXPECT_FALSE(back.disabled);
  EXPECT_NO_THROW(env.accounts.login("op@example.com", "operator password", "ip"));
}

TEST_F(AccountTeam, DisableRules) {
  EXPECT_EQ(errorOf([&] { env.accounts.setDisabled(as(admin), "shop", "admin@example.com", true); }),
            ErrorCode::Conflict);
  EXPECT_EQ(errorOf([&] { env.accounts.setDisabled(as(op), "shop", "admin@example.com", true); }),
            ErrorCode::Forbidden);
  EXPECT_EQ(errorOf([&] { env.accounts.setDisabled(as(admin), "shop", "owner@example.com", true); }),
            ErrorCode::Forbidden);
  EXPECT_EQ(errorOf([&] { env.accounts.setDisabled(as(admin), "shop", "ghost@example.com", true); }),
            ErrorCode::NotFound);
  EXPECT_EQ(errorOf([&] { env.accounts.setDisabled(as(admin), "shop", "99999", true); }),
            ErrorCode::NotFound);
  // The system administrator may not disable the last owner either.
  EXPECT_EQ(errorOf([&] {
              env.accounts.setDisabled(ServiceEnv::system(), "shop", "owner@example.com", true);
            }),
            ErrorCode::Conflict);
  EXPECT_FALSE(env.operatorOf("shop", owner)->disabled);
}

TEST_F(AccountTeam, SecondOwnerMayBeDisabled) {
  auto second = env.addUser("owner2@example.com", "owner2 password", "shop", Role::Owner);
  auto e = env.accounts.setDisabled(as(owner), "shop", std::to_string(second), true);
  EXPECT_TRUE(e.disabled);
  // Now `owner` is the last enabled owner again.
  EXPECT_EQ(errorOf([&] {
              env.accounts.setDisabled(ServiceEnv::system(), "shop", "owner@example.com", true);
            }),
            ErrorCode::Conflict);
}

TEST_F(AccountTeam, RoleChanges) {
  auto e = env.accounts.setRole(as(admin), "shop", "op@example.com", Role::Admin);
  EXPECT_EQ(e.role, Role::Admin);
  EXPECT_EQ(errorOf([&] { env.accounts.setRole(as(admin), "shop", "op@example.com", Role::Owner); }),
            ErrorCode::Forbidden);
  EXPECT_EQ(errorOf([&] { env.accounts.setRole(as(admin), "shop", "owner@example.com", Role::Admin); }),
            ErrorCode::Forbidden);
  EXPECT_EQ(errorOf([&] { env.accounts.setRole(as(owner), "shop", "owner@example.com", Role::Admin); }),
            ErrorCode::Conflict);
  EXPECT_EQ(env.accounts.setRole(as(owner), "shop", "op@example.com", Role::Owner).role, Role::Owner);
  EXPECT_EQ(env.accounts.setRole(as(owner), "shop", "owner@example.com", Role::Admin).role,
            Role::Admin);
}

TEST_F(AccountTeam, DisabledOwnerCanBeDemotedWhileAnotherOwnerIsEnabled) {
  auto second = env.addUser("owner2@example.com", "owner2 password", "shop", Role::Owner);
  env.accounts.setDisabled(as(owner), "shop", std::to_string(second), true);
  auto e = env.accounts.setRole(as(owner), "shop", std::to_string(second), Role::Admin);
  EXPECT_EQ(e.role, Role::Admin);
  EXPECT_TRUE(e.disabled);
}

TEST_F(AccountTeam, RoleChangeKeepsDisabledState) {
  env.accounts.setDisabled(as(admin), "shop", "op@example.com", true);
  auto e = env.accounts.setRole(as(admin), "shop", "op@example.com", Role::Admin);
  EXPECT_EQ(e.role, Role::Admin);
  EXPECT_TRUE(e.disabled);
}

TEST_F(AccountTeam, OperatorListShowsState) {
  env.accounts.invite(as(admin), "shop", "p@example.com", Role::Operator);
  env.accounts.setDisabled(as(admin), "shop", "op@example.com", true);
  auto ops = env.accounts.operators(as(admin), "shop");
  ASSERT_EQ(ops.size(), 4u);
  for (const auto& o : ops) {
    EXPECT_EQ(o.pending, o.email == "p@example.com") << o.email;
    EXPECT_EQ(o.disabled, o.email == "op@example.com") << o.email;
  }
}

}  // namespace
}  // namespace callpy::core::accounts
