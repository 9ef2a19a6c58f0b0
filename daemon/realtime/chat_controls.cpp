// ChatGateway's dialog controls (F17): rename and block visitors, invite an operator into a
// group dialog, transfer to a department (routed like a new dialog), e-mail the transcript.
// The rules live in DialogService; this file tells the sockets.
#include <Poco/JSON/Array.h>

#include "realtime/chat_gateway.h"

namespace callpy::realtime {

namespace {

core::accounts::Principal systemPrincipal() {
  core::accounts::Principal p;
  p.system = true;
  return p;
}

std::string nameOf(const core::accounts::OperatorEntry& o) {
  return o.name.empty() ? o.email.substr(0, o.email.find('@')) : o.name;
}

std::string visitorName(const core::dialogs::Visitor& v) {
  return v.displayName.empty() ? v.info.name : v.displayName;
}

}  // namespace

frames::Json ChatGateway::dialogFrame(const core::dialogs::Dialog& d) {
  auto f = frames::dialog(d);
  Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
  for (const auto& p : dialogs_.participants(systemPrincipal(), d.id)) {
    frames::Json e = new Poco::JSON::Object;
    e->set("user", p.userId);
    e->set("role", std::string(core::dialogs::participantRoleName(p.role)));
    list->add(e);
  }
  f->getObject("dialog")->set("participants", list);
  if (d.departmentId) f->getObject("dialog")->set("department", *d.departmentId);
  return f;
}

core::dialogs::Visitor ChatGateway::renameVisitor(const core::accounts::Principal& by,
                                                  std::int64_t visitorId,
                                                  const std::string& name) {
  auto v = dialogs_.renameVisitor(by, visitorId, name);
  auto shown = visitorName(v);
  for (auto tab : hub_.visitorTabs(v.id)) {
    if (hub_.updateVisitor(v.id, tab, [&](VisitorView& view, TabState&) { view.name = shown; })) {
      break;
    }
  }
  auto f = frames::object("visitor_name");
  f->set("site", v.siteId);
  f->set("visitor", v.id);
  f->set("name", shown);
  toOperators(v.siteId, f);
  return v;
}

core::dialogs::Visitor ChatGateway::blockVisitor(const core::accounts::Principal& by,
                                                 std::int64_t visitorId, bool blocked) {
  // The open dialog before blocking: the service closes it in the same transaction.
  auto before = dialogs_.visitor(by, visitorId);  // checks the caller's sites
  auto open = dialogs_.currentDialog({before.id, before.siteId});
  auto v = dialogs_.setVisitorBlocked(by, visitorId, blocked);
  if (blocked && open) dialogClosed(dialogs_.dialog(systemPrincipal(), open->id));
  auto tell = frames::object("blocked");
  tell->set("blocked", blocked);
  sendTo(hub_.visitorTabs(v.id), tell);
  auto f = frames::object("visitor_blocked");
  f->set("site", v.siteId);
  frames::Json inner = new Poco::JSON::Object;
  inner->set("id", v.id);
  inner->set("name", visitorName(v));
  inner->set("email", v.info.email);
  if (v.blockedAt) inner->set("blocked_at", frames::millis(*v.blockedAt));
  else inner->set("blocked_at", Poco::Dynamic::Var());
  f->set("visitor", inner);
  f->set("blocked", v.blockedAt.has_value());
  toOperators(v.siteId, f);
  return v;
}

core::dialogs::Dialog ChatGateway::invite(const core::accounts::Principal& by,
                                          std::int64_t dialogId, std::int64_t user) {
  auto before = dialogs_.participants(by, dialogId);  // checks the caller's sites
  auto d = dialogs_.invite(by, dialogId, user);
  bool already = false;
  for (const auto& p : before) already = already || p.userId == user;
  if (!already) {
    std::string name = std::to_string(user);
    for (const auto& o : accounts_.operators(systemPrincipal(), d.siteId)) {
      if (o.userId == user) name = nameOf(o);
    }
    bool en = sites_.get(systemPrincipal(), d.siteId).site.language == "en";
    auto note = dialogs_.postSystemMessage(
        d.id, en ? name + " joined the dialog" : "Оператор " + name + " присоединился к диалогу");
    toDialog(d.siteId, d.visitorId, frames::message(note, ""));
    d.lastSeq = note.seq;
  }
  toOperators(d.siteId, dialogFrame(d));
  return d;
}

core::dialogs::Dialog ChatGateway::transferToDepartment(const core::accounts::Principal& by,
                                                        std::int64_t dialogId,
                                                        std::int64_t departmentId) {
  auto d = dialogs_.setDepartment(by, dialogId, departmentId);
  std::string depName = std::to_string(departmentId);
  for (const auto& dep : sites_.departments(systemPrincipal(), d.siteId)) {
    if (dep.id == departmentId) depName = dep.name;
  }
  auto routed = routeNewDialog(d);
  bool en = sites_.get(systemPrincipal(), d.siteId).site.language == "en";
  auto note = dialogs_.postSystemMessage(d.id, en ? "The dialog was transferred to the " + depName +
                                                        " department"
                                                  : "Диалог передан в отдел " + depName);
  toDialog(d.siteId, d.visitorId, frames::message(note, ""));
  routed.lastSeq = note.seq;
  toOperators(d.siteId, dialogFrame(routed));
  return routed;
}

std::string ChatGateway::emailTranscript(const core::accounts::Principal& by,
                                         std::int64_t dialogId, const std::string& to) {
  auto d = dialogs_.dialog(by, dialogId);  // checks the caller's sites first
  auto site = sites_.get(systemPrincipal(), d.siteId).site;
  core::dialogs::TranscriptContext context;
  context.siteName = site.name;
  context.language = site.language;
  for (const auto& o : accounts_.operators(systemPrincipal(), d.siteId)) {
    context.operatorNames[o.userId] = nameOf(o);
  }
  return dialogs_.queueTranscript(by, dialogId, to, context);
}

}  // namespace callpy::realtime
