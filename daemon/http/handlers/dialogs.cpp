// Dialogs for the panel (F11, F14): lists by folder with History search, messages, close, mark
// important. Live updates come over /ws/operator.
#include <Poco/JSON/Array.h>
#include <Poco/NumberParser.h>
#include <Poco/URI.h>

#include "http/api.h"
#include "http/exchange.h"
#include "http/handlers/render.h"
#include "realtime/chat_gateway.h"

namespace callpy::http {

using namespace core::dialogs;

namespace {

std::map<std::string, std::string> query(Exchange& ex) {
  std::map<std::string, std::string> out;
  for (const auto& [k, v] : Poco::URI(ex.request().getURI()).getQueryParameters()) out[k] = v;
  return out;
}

std::int64_t number(const std::string& text, const char* field, std::int64_t fallback) {
  if (text.empty()) return fallback;
  Poco::Int64 v = 0;
  if (!Poco::NumberParser::tryParse64(text, v) || v < 0) {
    throw core::invalid(std::string(field) + " must be a non-negative number", field);
  }
  return v;
}

std::int64_t dialogId(Exchange& ex) { return number(ex.param("id"), "id", 0); }

JsonObject renderSummary(const DialogSummary& s) {
  auto o = object();
  o->set("id", s.dialog.id);
  o->set("site", s.dialog.siteId);
  o->set("visitor", s.dialog.visitorId);
  o->set("visitor_name", s.visitorName);
  o->set("status", std::string(dialogStatusName(s.dialog.status)));
  o->set("last_seq", s.dialog.lastSeq);
  o->set("last_message", s.lastMessage);
  o->set("last_message_at", s.dialog.lastMessageAt * 1000);
  o->set("important", s.dialog.important);
  if (s.dialog.assigneeId) o->set("assignee", *s.dialog.assigneeId);
  else o->set("assignee", Poco::Dynamic::Var());
  if (s.dialog.rating) o->set("rating", *s.dialog.rating);
  else o->set("rating", Poco::Dynamic::Var());
  o->set("rating_comment", s.dialog.ratingComment);
  return o;
}

JsonObject renderMessage(const Message& m) {
  auto o = object();
  o->set("id", m.id);
  o->set("seq", m.seq);
  auto author = object();
  author->set("kind", std::string(authorKindName(m.authorKind)));
  author->set("id", m.authorId);
  o->set("author", author);
  o->set("kind", std::string(messageKindName(m.kind)));
  o->set("text", m.body);
  o->set("ts", m.createdAt * 1000);
  if (!m.cid.empty()) o->set("cid", m.cid);
  return o;
}

}  // namespace

void registerDialogRoutes(Router& r, ApiContext& ctx) {
  const std::string p = "/api/panel/dialogs";
  r.add("GET", p, Access::Session, [&ctx](Exchange& ex) {
    auto q = query(ex);
    DialogQuery dq;
    auto folder = parseFolder(q["folder"].empty() ? "open" : q["folder"]);
    if (!folder) throw core::invalid("folder must be open, history or important", "folder");
    dq.folder = *folder;
    dq.siteId = q["site"];
    dq.search = q["q"].substr(0, 200);
    dq.limit = static_cast<int>(std::min<std::int64_t>(number(q["limit"], "limit", 50), 200));
    dq.offset = static_cast<int>(number(q["offset"], "offset", 0));
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const auto& s : ctx.dialogs->listDialogs(ex.principal, dq)) list->add(renderSummary(s));
    ex.sendJson(200, wrap("dialogs", list));
  });
  r.add("GET", p + "/{id}/messages", Access::Session, [&ctx](Exchange& ex) {
    auto q = query(ex);
    auto page = ctx.dialogs->messagesSince(ex.principal, dialogId(ex), number(q["after"], "after", 0),
                                           static_cast<int>(number(q["limit"], "limit", 200)));
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const auto& m : page.messages) list->add(renderMessage(m));
    auto body = wrap("messages", list);
    body->set("last_seq", page.lastSeq);
    ex.sendJson(200, body);
  });
  r.add("POST", p + "/{id}/close", Access::Session, [&ctx](Exchange& ex) {
    auto d = ctx.dialogs->closeDialog(ex.principal, dialogId(ex));
    if (ctx.chat) ctx.chat->dialogClosed(d);
    ex.sendJson(200, wrap("status", std::string(dialogStatusName(d.status))));
  });
  r.add("POST", p + "/{id}/important", Access::Session, [&ctx](Exchange& ex) {
    auto important = optionalBool(ex.json(), "important").value_or(true);
    auto d = ctx.dialogs->markImportant(ex.principal, dialogId(ex), important);
    ex.sendJson(200, wrap("important", d.important));
  });
}

}  // namespace callpy::http
