// Dialog controls over REST (F17), the same rules and live updates as the operator frames:
// rename / block a visitor, the Blocked list, invite, transfer, e-mail the transcript.
#include <Poco/JSON/Array.h>
#include <Poco/NumberParser.h>

#include "http/api.h"
#include "http/exchange.h"
#include "http/handlers/render.h"
#include "realtime/chat_gateway.h"

namespace callpy::http {

using namespace core::dialogs;

namespace {

std::int64_t pathId(Exchange& ex, const char* what) {
  Poco::Int64 id = 0;
  if (!Poco::NumberParser::tryParse64(ex.param("id"), id) || id <= 0) {
    throw core::notFound(std::string("no such ") + what);
  }
  return id;
}

std::optional<std::int64_t> optionalId(const JsonObject& body, const char* field) {
  if (!body->has(field) || body->get(field).isEmpty()) return std::nullopt;
  const auto& v = body->get(field);
  if (!v.isInteger()) throw core::invalid(std::string(field) + " must be a number", field);
  return v.convert<Poco::Int64>();
}

JsonObject renderVisitor(const Visitor& v) {
  auto o = object();
  o->set("id", v.id);
  o->set("site", v.siteId);
  o->set("name", v.displayName.empty() ? v.info.name : v.displayName);
  o->set("email", v.info.email);
  if (v.blockedAt) o->set("blocked_at", *v.blockedAt * 1000);
  else o->set("blocked_at", Poco::Dynamic::Var());
  return o;
}

realtime::ChatGateway& gateway(ApiContext& ctx) {
  if (!ctx.chat) throw core::Error(core::ErrorCode::Unavailable, "chat is not running");
  return *ctx.chat;
}

}  // namespace

void registerVisitorControlRoutes(Router& r, ApiContext& ctx) {
  r.add("PATCH", "/api/panel/visitors/{id}", Access::Session, [&ctx](Exchange& ex) {
    auto body = ex.json();
    const auto id = pathId(ex, "visitor");
    auto name = optionalString(body, "name");
    auto blocked = optionalBool(body, "blocked");
    if (!name && !blocked) throw core::invalid("name or blocked is required", "name");
    std::optional<Visitor> v;
    if (name) v = gateway(ctx).renameVisitor(ex.principal, id, *name);
    if (blocked) v = gateway(ctx).blockVisitor(ex.principal, id, *blocked);
    ex.sendJson(200, wrap("visitor", renderVisitor(*v)));
  });
  r.add("GET", "/api/panel/blocked-visitors", Access::Session, [&ctx](Exchange& ex) {
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const auto& v : ctx.dialogs->blockedVisitors(ex.principal, ex.query("site"))) {
      list->add(renderVisitor(v));
    }
    ex.sendJson(200, wrap("visitors", list));
  });
  const std::string p = "/api/panel/dialogs";
  r.add("POST", p + "/{id}/invite", Access::Session, [&ctx](Exchange& ex) {
    auto body = ex.json();
    auto user = optionalId(body, "user");
    if (!user) throw core::invalid("user is required", "user");
    auto d = gateway(ctx).invite(ex.principal, pathId(ex, "dialog"), *user);
    ex.sendJson(200, wrap("dialog", d.id));
  });
  r.add("POST", p + "/{id}/transfer", Access::Session, [&ctx](Exchange& ex) {
    auto body = ex.json();
    auto user = optionalId(body, "user");
    auto department = optionalId(body, "department");
    if (!user && !department) throw core::invalid("user or department is required", "user");
    const auto id = pathId(ex, "dialog");
    auto d = user ? gateway(ctx).transfer(ex.principal, id, *user)
                  : gateway(ctx).transferToDepartment(ex.principal, id, *department);
    auto out = object();
    if (d.assigneeId) out->set("assignee", *d.assigneeId);
    else out->set("assignee", Poco::Dynamic::Var());
    if (d.departmentId) out->set("department", *d.departmentId);
    ex.sendJson(200, out);
  });
  r.add("POST", p + "/{id}/transcript", Access::Session, [&ctx](Exchange& ex) {
    auto body = ex.json();
    auto to = gateway(ctx).emailTranscript(ex.principal, pathId(ex, "dialog"),
                                           optionalString(body, "email").value_or(""));
    ex.sendJson(202, wrap("email", to));
  });
}

}  // namespace callpy::http
