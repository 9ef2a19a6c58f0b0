#include "core/accounts/types.h"

#include <gtest/gtest.h>

#include "core/common/error.h"

namespace callpy::core::accounts {
namespace {

Principal memberOf(std::vector<Membership> ms) {
  Principal p;
  p.user = User{7, "a@example.com", "A", "en", std::nullopt};
  p.memberships = std::move(ms);
  return p;
}

ErrorCode codeOf(const Principal& p, const std::string& site, Role minimum) {
  try {
    p.require(site, minimum);
  } catch (const Error& e) {
    return e.code();
  }
  return ErrorCode::Internal;  // "did not throw"
}

TEST(Roles, NamesRoundTrip) {
  for (Role r : {Role::Operator, Role::Admin, Role::Owner}) {
    auto parsed = parseRole(roleName(r));
    ASSERT_TRUE(parsed) << roleName(r);
    EXPECT_EQ(*parsed, r);
  }
  EXPECT_FALSE(parseRole(""));
  EXPECT_FALSE(parseRole("Owner"));
  EXPECT_FALSE(parseRole("root"));
  EXPECT_STREQ(roleName(Role::Admin), "admin");
}

TEST(Principal, RoleOnIsPerSite) {
  auto p = memberOf({{"a", "A", Role::Admin, false, false}, {"b", "B", Role::Operator, false, false}});
  EXPECT_EQ(p.roleOn("a"), Role::Admin);
  EXPECT_EQ(p.roleOn("b"), Role::Operator);
  EXPECT_FALSE(p.roleOn("c"));
}

TEST(Principal, DisabledMembershipGivesNoRole) {
  auto p = memberOf({{"a", "A", Role::Owner, true, false}});
  EXPECT_FALSE(p.roleOn("a"));
  EXPECT_EQ(codeOf(p, "a", Role::Operator), ErrorCode::Forbidden);
}

TEST(Principal, RequireComparesRoles) {
  auto p = memberOf({{"a", "A", Role::Admin, false, false}});
  EXPECT_NO_THROW(p.require("a", Role::Operator));
  EXPECT_NO_THROW(p.require("a", Role::Admin));
  EXPECT_EQ(codeOf(p, "a", Role::Owner), ErrorCode::Forbidden);
  EXPECT_EQ(codeOf(p, "other", Role::Operator), ErrorCode::Forbidden);

  auto op = memberOf({{"a", "A", Role::Operator, false, false}});
  EXPECT_EQ(codeOf(op, "a", Role::Admin), ErrorCode::Forbidden);
}

TEST(Principal, SystemIsOwnerEverywhere) {
  Principal p;
  p.system = true;
  EXPECT_EQ(p.roleOn("any-site"), Role::Owner);
  EXPECT_NO_THROW(p.require("any-site", Role::Owner));
}

TEST(Principal, NobodyHasNoRights) {
  Principal p;
  EXPECT_FALSE(p.roleOn("a"));
  EXPECT_EQ(codeOf(p, "a", Role::Operator), ErrorCode::Forbidden);
}

}  // namespace
}  // namespace callpy::core::accounts
