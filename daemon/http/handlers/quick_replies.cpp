// Quick replies (F15) for the panel's composer: list, create (also by starring a sent message),
// edit, delete.
#include <Poco/JSON/Array.h>
#include <Poco/NumberParser.h>

#include "core/quick_replies/quick_reply_service.h"
#include "http/api.h"
#include "http/exchange.h"
#include "http/handlers/render.h"

namespace callpy::http {

using core::quick_replies::QuickReply;

namespace {

JsonObject renderQuickReply(const QuickReply& r) {
  auto o = object();
  o->set("id", r.id);
  o->set("site", r.siteId);
  o->set("shared", !r.ownerId.has_value());
  o->set("title", r.title);
  o->set("body", r.body);
  o->set("created_at", r.createdAt);
  return o;
}

std::int64_t replyId(Exchange& ex) {
  Poco::Int64 id = 0;
  if (!Poco::NumberParser::tryParse64(ex.param("id"), id) || id <= 0) {
    throw core::notFound("no such quick reply");
  }
  return id;
}

}  // namespace

void registerQuickReplyRoutes(Router& r, ApiContext& ctx) {
  const std::string p = "/api/panel/quick-replies";
  r.add("GET", p, Access::Session, [&ctx](Exchange& ex) {
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const auto& q : ctx.quickReplies->list(ex.principal, ex.query("site"))) {
      list->add(renderQuickReply(q));
    }
    ex.sendJson(200, wrap("quick_replies", list));
  });
  r.add("POST", p, Access::Session, [&ctx](Exchange& ex) {
    auto body = ex.json();
    core::quick_replies::NewQuickReply n;
    n.siteId = requireString(body, "site");
    n.title = optionalString(body, "title").value_or("");
    n.body = requireString(body, "body");
    n.shared = optionalBool(body, "shared").value_or(false);
    ex.sendJson(201, wrap("quick_reply", renderQuickReply(ctx.quickReplies->create(ex.principal, n))));
  });
  r.add("PATCH", p + "/{id}", Access::Session, [&ctx](Exchange& ex) {
    auto body = ex.json();
    auto q = ctx.quickReplies->update(ex.principal, replyId(ex), optionalString(body, "title"),
                                      optionalString(body, "body"));
    ex.sendJson(200, wrap("quick_reply", renderQuickReply(q)));
  });
  r.add("DELETE", p + "/{id}", Access::Session, [&ctx](Exchange& ex) {
    ctx.quickReplies->remove(ex.principal, replyId(ex));
    ex.sendJson(200, object());
  });
}

}  // namespace callpy::http
