#pragma once
// Accounts: users, per-site roles, sessions and one-time links (F1, F2).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace callpy::core::accounts {

// Ordered: a higher role includes every right of a lower one on the same site.
enum class Role { Operator = 1, Admin = 2, Owner = 3 };
std::optional<Role> parseRole(std::string_view name);
const char* roleName(Role role);

struct User {
  std::int64_t id = 0;
  std::string email;
  std::string name;
  std::string language = "ru";
  std::optional<std::string> passwordHash;  // empty until the user sets a password
};

struct Membership {
  std::string siteId;
  std::string siteName;
  Role role = Role::Operator;
  bool disabled = false;
  bool managedByConfig = false;
};

// One operator of a site as the panel lists it.
struct OperatorEntry {
  std::int64_t userId = 0;
  std::string email;
  std::string name;
  Role role = Role::Operator;
  bool disabled = false;
  bool pending = false;  // invited, no password yet
  bool managedByConfig = false;
};

struct SessionRecord {
  std::int64_t userId = 0;
  std::string csrfToken;
  std::int64_t expiresAt = 0;
};

enum class TokenKind { Invite, Reset };

struct OneTimeToken {
  TokenKind kind = TokenKind::Invite;
  std::int64_t userId = 0;
  std::optional<std::string> siteId;
  std::optional<Role> role;
  std::int64_t expiresAt = 0;
  std::optional<std::int64_t> usedAt;
};

// Who makes a request: a signed-in user with their memberships, or the system administrator
// on the admin socket (full rights on every site).
struct Principal {
  std::optional<User> user;
  std::vector<Membership> memberships;
  bool system = false;

  // The caller's effective role on a site; nullopt when not a member or disabled there.
  std::optional<Role> roleOn(const std::string& siteId) const;
  // Throws Error(forbidden) unless the caller holds at least `minimum` on the site.
  void require(const std::string& siteId, Role minimum) const;
};

}  // namespace callpy::core::accounts
