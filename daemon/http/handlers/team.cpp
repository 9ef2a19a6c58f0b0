// Operators (F2) and departments (F3) of a site.
#include "http/api.h"
#include "http/exchange.h"
#include "http/handlers/render.h"
#include "realtime/chat_gateway.h"

namespace callpy::http {

using core::accounts::Role;

namespace {

Role requireRole(const Poco::JSON::Object::Ptr& body) {
  auto name = optionalString(body, "role").value_or("operator");
  auto role = core::accounts::parseRole(name);
  if (!role) throw core::invalid("role must be owner, admin or operator", "role");
  return *role;
}

std::vector<std::int64_t> readUserIds(const Poco::JSON::Array::Ptr& list) {
  std::vector<std::int64_t> ids;
  for (const auto& v : *list) {
    if (!v.isInteger()) throw core::invalid("operators must be a list of user ids", "operators");
    ids.push_back(v.convert<std::int64_t>());
  }
  return ids;
}

}  // namespace

void registerTeamRoutes(Router& r, const std::string& p, ApiContext& ctx, bool admin) {
  const std::string ops = p + "/sites/{site}/operators";
  r.add("GET", ops, Access::Session, [&ctx](Exchange& ex) {
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const auto& o : ctx.accounts.operators(ex.principal, ex.param("site"))) {
      list->add(renderOperator(o));
    }
    ex.sendJson(200, wrap("operators", list));
  });
  r.add("POST", ops, Access::Session, [&ctx, admin](Exchange& ex) {
    auto body = ex.json();
    auto result = ctx.accounts.invite(ex.principal, ex.param("site"), requireString(body, "email"),
                                      requireRole(body));
    auto out = wrap("operator", renderOperator(result.entry));
    // The secret link goes only to the administrator on the socket (bootstrapping); panel users
    // never see it, the invitee gets it by e-mail.
    if (admin && optionalBool(body, "print_link").value_or(false)) {
      out->set("invite_link", result.link);
    }
    ex.sendJson(201, out);
  });
  r.add("POST", ops + "/{user}/disable", Access::Session, [&ctx](Exchange& ex) {
    auto e = ctx.accounts.setDisabled(ex.principal, ex.param("site"), ex.param("user"), true);
    // Their open sockets go too; a reconnect is authorised with what is left.
    if (ctx.chat) ctx.chat->disconnectUser(e.userId);
    ex.sendJson(200, wrap("operator", renderOperator(e)));
  });
  r.add("POST", ops + "/{user}/enable", Access::Session, [&ctx](Exchange& ex) {
    auto e = ctx.accounts.setDisabled(ex.principal, ex.param("site"), ex.param("user"), false);
    ex.sendJson(200, wrap("operator", renderOperator(e)));
  });
  r.add("PUT", ops + "/{user}/role", Access::Session, [&ctx](Exchange& ex) {
    auto e = ctx.accounts.setRole(ex.principal, ex.param("site"), ex.param("user"),
                                  requireRole(ex.json()));
    if (ctx.chat) ctx.chat->disconnectUser(e.userId);
    ex.sendJson(200, wrap("operator", renderOperator(e)));
  });

  const std::string deps = p + "/sites/{site}/departments";
  r.add("GET", deps, Access::Session, [&ctx](Exchange& ex) {
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const auto& d : ctx.sites.departments(ex.principal, ex.param("site"))) {
      list->add(renderDepartment(d));
    }
    ex.sendJson(200, wrap("departments", list));
  });
  r.add("POST", deps, Access::Session, [&ctx](Exchange& ex) {
    auto body = ex.json();
    auto d = ctx.sites.createDepartment(ex.principal, ex.param("site"), requireString(body, "name"),
                                        optionalString(body, "slug").value_or(""));
    ex.sendJson(201, wrap("department", renderDepartment(d)));
  });
  r.add("PATCH", deps + "/{dep}", Access::Session, [&ctx](Exchange& ex) {
    auto body = ex.json();
    std::optional<std::vector<std::int64_t>> operators;
    if (body->has("operators")) {
      auto list = body->getArray("operators");
      if (!list) throw core::invalid("operators must be a list of user ids", "operators");
      operators = readUserIds(list);
    }
    auto d = ctx.sites.updateDepartment(ex.principal, ex.param("site"), ex.param("dep"),
                                        optionalString(body, "name"), operators);
    ex.sendJson(200, wrap("department", renderDepartment(d)));
  });
  r.add("DELETE", deps + "/{dep}", Access::Session, [&ctx](Exchange& ex) {
    ctx.sites.deleteDepartment(ex.principal, ex.param("site"), ex.param("dep"));
    ex.sendJson(200, object());
  });
  // Assign / unassign one operator: what `callpyctl department assign` uses.
  auto changeMember = [&ctx](Exchange& ex, const std::string& userRef, bool add) {
    const auto& site = ex.param("site");
    std::int64_t userId = 0;
    for (const auto& o : ctx.accounts.operators(ex.principal, site)) {
      if (std::to_string(o.userId) == userRef || o.email == core::accounts::normalizeEmail(userRef)) {
        userId = o.userId;
      }
    }
    if (userId == 0) throw core::notFound("no such operator on this site: " + userRef);
    for (auto d : ctx.sites.departments(ex.principal, site)) {
      if (d.slug != ex.param("dep")) continue;
      std::erase(d.operators, userId);
      if (add) d.operators.push_back(userId);
      auto updated = ctx.sites.updateDepartment(ex.principal, site, d.slug, std::nullopt, d.operators);
      ex.sendJson(200, wrap("department", renderDepartment(updated)));
      return;
    }
    throw core::notFound("no such department: " + ex.param("dep"));
  };
  r.add("POST", deps + "/{dep}/operators", Access::Session, [changeMember](Exchange& ex) {
    changeMember(ex, requireString(ex.json(), "user"), true);
  });
  r.add("DELETE", deps + "/{dep}/operators/{user}", Access::Session, [changeMember](Exchange& ex) {
    changeMember(ex, ex.param("user"), false);
  });
}

void registerSiteRoutes(Router& r, const std::string& p, ApiContext& ctx, bool admin);

void registerResourceRoutes(Router& r, const std::string& prefix, ApiContext& ctx, bool admin) {
  registerSiteRoutes(r, prefix, ctx, admin);
  registerTeamRoutes(r, prefix, ctx, admin);
}

}  // namespace callpy::http
