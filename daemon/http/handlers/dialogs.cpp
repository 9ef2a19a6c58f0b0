// Dialogs for the panel (F11, F14): lists by folder with History search, messages, close, mark
// important. Live updates come over /ws/operator.
#include <Poco/JSON/Array.h>
#include <Poco/NumberParser.h>

#include "http/api.h"
#include "http/exchange.h"
#include "http/handlers/render.h"
#include "realtime/call_gateway.h"
#include "realtime/chat_gateway.h"

namespace callpy::http {

using namespace core::dialogs;

namespace {

std::int64_t number(const std::string& text, const char* field, std::int64_t fallback) {
  if (text.empty()) return fallback;
  Poco::Int64 v = 0;
  if (!Poco::NumberParser::tryParse64(text, v) || v < 0) {
    throw core::invalid(std::string(field) + " must be a non-negative number", field);
  }
  return v;
}

std::int64_t dialogId(Exchange& ex) { return number(ex.param("id"), "id", 0); }

JsonObject renderSummary(const DialogSummary& s, const std::vector<Participant>& participants) {
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
  // Group dialogs (F17): the panel lists the dialogs it was invited to from these after a reload.
  Poco::JSON::Array::Ptr people = new Poco::JSON::Array;
  for (const auto& p : participants) {
    auto e = object();
    e->set("user", p.userId);
    e->set("role", std::string(participantRoleName(p.role)));
    people->add(e);
  }
  o->set("participants", people);
  if (s.dialog.departmentId) o->set("department", *s.dialog.departmentId);
  else o->set("department", Poco::Dynamic::Var());
  return o;
}

// F6: `avatar` is the operator author's current avatar (author.avatar, its URL path).
JsonObject renderMessage(const Message& m, std::optional<std::int64_t> avatar = std::nullopt) {
  auto o = object();
  o->set("id", m.id);
  o->set("seq", m.seq);
  auto author = object();
  author->set("kind", std::string(authorKindName(m.authorKind)));
  author->set("id", m.authorId);
  if (avatar) author->set("avatar", avatarUrl(*avatar));
  o->set("author", author);
  o->set("kind", std::string(messageKindName(m.kind)));
  o->set("text", m.body);
  o->set("ts", m.createdAt * 1000);
  if (!m.cid.empty()) o->set("cid", m.cid);
  if (m.file) o->set("file", realtime::frames::file(*m.file));  // F16
  return o;
}

}  // namespace

void registerDialogRoutes(Router& r, ApiContext& ctx) {
  const std::string p = "/api/panel/dialogs";
  r.add("GET", p, Access::Session, [&ctx](Exchange& ex) {
    DialogQuery dq;
    auto folder = parseFolder(ex.query("folder").empty() ? "open" : ex.query("folder"));
    if (!folder) throw core::invalid("folder must be open, history or important", "folder");
    dq.folder = *folder;
    dq.siteId = ex.query("site");
    dq.search = ex.query("q").substr(0, 200);
    dq.limit = static_cast<int>(std::min<std::int64_t>(number(ex.query("limit"), "limit", 50), 200));
    dq.offset = static_cast<int>(number(ex.query("offset"), "offset", 0));
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    // One small read per row (at most 200): participants live in their own table.
    for (const auto& s : ctx.dialogs->listDialogs(ex.principal, dq)) {
      list->add(renderSummary(s, ctx.dialogs->participants(ex.principal, s.dialog.id)));
    }
    ex.sendJson(200, wrap("dialogs", list));
  });
  r.add("GET", p + "/{id}/messages", Access::Session, [&ctx](Exchange& ex) {
    auto page = ctx.dialogs->messagesSince(ex.principal, dialogId(ex), number(ex.query("after"), "after", 0),
                                           static_cast<int>(number(ex.query("limit"), "limit", 200)));
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const auto& m : page.messages) {
      list->add(renderMessage(m, ctx.chat ? ctx.chat->authorAvatar(m) : std::nullopt));
    }
    auto body = wrap("messages", list);
    body->set("last_seq", page.lastSeq);
    ex.sendJson(200, body);
  });
  // Calls of the dialog (F18–F20) for History: who called, when, who answered, how long.
  r.add("GET", p + "/{id}/calls", Access::Session, [&ctx](Exchange& ex) {
    const auto id = dialogId(ex);
    ctx.dialogs->dialog(ex.principal, id);  // the caller's sites only (404 otherwise)
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    if (ctx.calls) {
      for (const auto& c : ctx.calls->callsOfDialog(id)) {
        list->add(realtime::CallGateway::callFrame(c)->getObject("call"));
      }
    }
    ex.sendJson(200, wrap("calls", list));
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
