// Sites, embed snippets and working hours (F9).
#include <algorithm>

#include "http/api.h"
#include "http/exchange.h"
#include "http/handlers/render.h"

namespace callpy::http {

namespace {

// A whole number in [0, max] (JSON numbers may arrive as doubles from some clients).
int boundedInt(const Poco::Dynamic::Var& v, const std::string& key, int max) {
  if (!v.isInteger()) throw core::invalid("\"" + key + "\" must be a whole number", key);
  auto n = v.convert<std::int64_t>();
  if (n < 0 || n > max) {
    throw core::invalid("\"" + key + "\" must be 0 to " + std::to_string(max), key);
  }
  return static_cast<int>(n);
}

// PATCH body "chat": {typing_preview, first_response_seconds, dialog_limit, prechat_departments,
// default_department_id}; every key optional.
void readChatChanges(const Poco::JSON::Object::Ptr& body, core::sites::SiteChanges& c) {
  if (!body->has("chat")) return;
  auto chat = body->getObject("chat");
  if (!chat) throw core::invalid("chat must be an object", "chat");
  for (const auto& [key, value] : *chat) {
    if (key != "typing_preview" && key != "first_response_seconds" && key != "dialog_limit" &&
        key != "prechat_departments" && key != "default_department_id") {
      throw core::invalid("unknown chat setting: " + key, key);
    }
  }
  c.typingPreview = optionalBool(chat, "typing_preview");
  c.prechatDepartments = optionalBool(chat, "prechat_departments");
  if (chat->has("first_response_seconds")) {
    c.firstResponseSeconds = boundedInt(chat->get("first_response_seconds"), "first_response_seconds",
                                        core::sites::kMaxFirstResponseSeconds);
  }
  if (chat->has("dialog_limit")) {
    c.dialogLimit = boundedInt(chat->get("dialog_limit"), "dialog_limit", core::sites::kMaxDialogLimit);
  }
  if (chat->has("default_department_id")) {
    auto v = chat->get("default_department_id");
    if (v.isEmpty()) {
      c.defaultDepartmentId = std::optional<std::int64_t>{};
    } else if (v.isInteger()) {
      c.defaultDepartmentId = std::optional<std::int64_t>{v.convert<std::int64_t>()};
    } else {
      throw core::invalid("default_department_id must be a department id or null",
                          "default_department_id");
    }
  }
}

// PATCH body "calls" (F21): {enabled, ring_mode, ring_timeout_seconds, after_hours}; every key
// optional.
void readCallChanges(const Poco::JSON::Object::Ptr& body, core::sites::SiteChanges& c) {
  if (!body->has("calls")) return;
  auto calls = body->getObject("calls");
  if (!calls) throw core::invalid("calls must be an object", "calls");
  for (const auto& [key, value] : *calls) {
    if (key != "enabled" && key != "ring_mode" && key != "ring_timeout_seconds" &&
        key != "after_hours") {
      throw core::invalid("unknown call setting: " + key, key);
    }
  }
  c.callsEnabled = optionalBool(calls, "enabled");
  if (auto mode = optionalString(calls, "ring_mode")) {
    c.ringMode = core::sites::parseRingMode(*mode);
    if (!c.ringMode) throw core::invalid("ring_mode must be all or sequential", "ring_mode");
  }
  if (calls->has("ring_timeout_seconds")) {
    auto v = calls->get("ring_timeout_seconds");
    if (!v.isInteger()) {
      throw core::invalid("\"ring_timeout_seconds\" must be a whole number", "ring_timeout_seconds");
    }
    auto n = v.convert<std::int64_t>();
    // Range checked by SiteService (5 to 120); clamp the cast so huge numbers stay invalid.
    c.ringTimeoutSeconds = static_cast<int>(std::clamp<std::int64_t>(n, -1, 1'000'000));
  }
  if (auto offer = optionalString(calls, "after_hours")) {
    c.afterHours = core::sites::parseAfterHours(*offer);
    if (!c.afterHours) throw core::invalid("after_hours must be offline_form or callback", "after_hours");
  }
}

}  // namespace

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
    readChatChanges(body, c);
    readCallChanges(body, c);
    auto v = ctx.sites.update(ex.principal, ex.param("site"), c);
    ex.sendJson(200, wrap("site", renderSite(v)));
  });
  // Per-operator dialog limits (overrides of the site's chat.dialog_limit).
  r.add("GET", p + "/sites/{site}/dialog_limits", Access::Session, [&ctx](Exchange& ex) {
    auto limits = object();
    for (const auto& [user, limit] : ctx.sites.operatorLimits(ex.principal, ex.param("site"))) {
      limits->set(std::to_string(user), limit);
    }
    ex.sendJson(200, wrap("dialog_limits", limits));
  });
  r.add("PUT", p + "/sites/{site}/dialog_limits/{user}", Access::Session, [&ctx](Exchange& ex) {
    auto body = ex.json();
    std::int64_t user = 0;
    try {
      user = std::stoll(ex.param("user"));
    } catch (...) {
      throw core::notFound("no such operator on this site");
    }
    std::optional<int> limit;
    if (body->has("dialog_limit") && !body->isNull("dialog_limit")) {
      limit = boundedInt(body->get("dialog_limit"), "dialog_limit", core::sites::kMaxDialogLimit);
    }
    ctx.sites.setOperatorLimit(ex.principal, ex.param("site"), user, limit);
    auto out = object();
    if (limit) out->set("dialog_limit", *limit);
    else out->set("dialog_limit", Poco::Dynamic::Var());
    ex.sendJson(200, out);
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
