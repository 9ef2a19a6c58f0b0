#include "core/accounts/types.h"

#include "core/common/error.h"

namespace callpy::core::accounts {

std::optional<Role> parseRole(std::string_view name) {
  if (name == "owner") return Role::Owner;
  if (name == "admin") return Role::Admin;
  if (name == "operator") return Role::Operator;
  return std::nullopt;
}

const char* roleName(Role role) {
  switch (role) {
    case Role::Owner: return "owner";
    case Role::Admin: return "admin";
    case Role::Operator: return "operator";
  }
  return "operator";
}

std::optional<Role> Principal::roleOn(const std::string& siteId) const {
  if (system) return Role::Owner;
  for (const auto& m : memberships) {
    if (m.siteId == siteId && !m.disabled) return m.role;
  }
  return std::nullopt;
}

void Principal::require(const std::string& siteId, Role minimum) const {
  auto role = roleOn(siteId);
  if (!role) throw forbidden("you have no access to this site");
  if (static_cast<int>(*role) < static_cast<int>(minimum)) {
    throw forbidden(std::string("this needs the ") + roleName(minimum) + " role on the site");
  }
}

}  // namespace callpy::core::accounts
