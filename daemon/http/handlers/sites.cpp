// Sites, embed snippets and working hours (F9).
#include "http/api.h"
#include "http/exchange.h"
#include "http/handlers/render.h"

namespace callpy::http {

void registerSiteRoutes(Router& r, const std::string& p, ApiContext& ctx, bool admin) {
  r.add("GET", p + "/sites", Access::Session, [&ctx](Exchange& ex) {
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const auto& v : ctx.sites.list(ex.principal)) list->add(renderSite(v));
    ex.sendJson(200, wrap("sites", list));
  });
  r.add("POST", p + "/sites", Access::Session, [&ctx, admin](Exchange& ex) {
    auto body = ex.json();
    auto id = admin ? optionalString(body, "id").value_or("") : std::string();
    auto site = ctx.sites.create(requireString(body, "name"), requireString(body, "url"),
                                 optionalString(body, "language").value_or("ru"), id);
    if (ex.principal.user) {
      ctx.accounts.addOwner(ex.principal.user->id, site.id);
      ex.principal.memberships.push_back({site.id, site.name, core::accounts::Role::Owner});
    }
    ex.sendJson(201, wrap("site", renderSite({site, ex.principal.roleOn(site.id)})));
  });
  r.add("GET", p + "/sites/{site}", Access::Session, [&ctx](Exchange& ex) {
    ex.sendJson(200, wrap("site", renderSite(ctx.sites.get(ex.principal, ex.param("site")))));
  });
  r.add("PATCH", p + "/sites/{site}", Access::Session, [&ctx](Exchange& ex) {
    auto body = ex.json();
    core::sites::SiteChanges c;
    c.name = optionalString(body, "name");
    c.language = optionalString(body, "language");
    if (body->has("origins")) {
      auto list = body->getArray("origins");
      if (!list) throw core::invalid("origins must be a list of addresses", "origins");
      c.origins.emplace();
      for (const auto& o : *list) {
        if (!o.isString()) throw core::invalid("origins must be a list of addresses", "origins");
        c.origins->push_back(o.extract<std::string>());
      }
    }
    if (body->has("offline_emails")) {
      auto list = body->getArray("offline_emails");
      if (!list) throw core::invalid("offline_emails must be a list of addresses", "offline_emails");
      c.offlineEmails.emplace();
      for (const auto& e : *list) {
        if (!e.isString()) throw core::invalid("offline_emails must be a list of addresses", "offline_emails");
        c.offlineEmails->push_back(e.extract<std::string>());
      }
    }
    auto v = ctx.sites.update(ex.principal, ex.param("site"), c);
    ex.sendJson(200, wrap("site", renderSite(v)));
  });
  r.add("DELETE", p + "/sites/{site}", Access::Session, [&ctx](Exchange& ex) {
    ctx.sites.remove(ex.principal, ex.param("site"));
    ex.sendJson(200, object());
  });
  r.add("GET", p + "/sites/{site}/snippet", Access::Session, [&ctx](Exchange& ex) {
    auto s = ctx.sites.snippet(ex.principal, ex.param("site"));
    auto body = object();
    body->set("body_start", s.bodyStart);
    body->set("anywhere", s.anywhere);
    ex.sendJson(200, body);
  });
  r.add("GET", p + "/sites/{site}/hours", Access::Session, [&ctx](Exchange& ex) {
    ex.sendJson(200, wrap("hours", renderHours(ctx.sites.hours(ex.principal, ex.param("site")))));
  });
  r.add("PUT", p + "/sites/{site}/hours", Access::Session, [&ctx](Exchange& ex) {
    auto body = ex.json();
    auto hoursObj = body->has("hours") ? body->getObject("hours") : body;
    if (!hoursObj) throw core::invalid("hours must be an object", "hours");
    auto v = ctx.sites.setHours(ex.principal, ex.param("site"), parseHours(hoursObj));
    ex.sendJson(200, wrap("hours", renderHours(v)));
  });
}

}  // namespace callpy::http
