#include "realtime/operator_session.h"

#include <Poco/JSON/Array.h>

#include "core/common/error.h"
#include "realtime/call_gateway.h"
#include "realtime/chat_gateway.h"
#include "realtime/file_messages.h"

namespace callpy::realtime {

using namespace core::dialogs;

OperatorSession::OperatorSession(ChatGateway& gateway, core::accounts::Principal principal)
    : state_(std::make_shared<State>(gateway, std::move(principal))),
      strand_(std::make_shared<Strand>(gateway.pool())) {}

void OperatorSession::onOpen(ConnectionRef connection) { state_->connection = connection.id(); }

void OperatorSession::onText(ConnectionRef, std::string_view text) {
  strand_->post([state = state_, t = std::string(text)] { state->handle(t); });
}

void OperatorSession::onClose(std::uint16_t) {
  strand_->post([state = state_] { state->closed(); });
}

void OperatorSession::State::send(const frames::Json& frame) { gateway.sendTo(connection, frame); }

std::vector<std::string> OperatorSession::State::sites() const {
  std::vector<std::string> out;
  for (const auto& m : principal.memberships) {
    if (!m.disabled) out.push_back(m.siteId);
  }
  return out;
}

std::string OperatorSession::State::displayName() const {
  if (!principal.user) return "";
  if (!principal.user->name.empty()) return principal.user->name;
  return principal.user->email.substr(0, principal.user->email.find('@'));
}

const Dialog& OperatorSession::State::dialog(std::int64_t id) {
  auto it = dialogs.find(id);
  if (it != dialogs.end()) return it->second;
  if (dialogs.size() > 1000) dialogs.clear();  // bounded cache
  return dialogs.emplace(id, gateway.dialogs().dialog(principal, id)).first->second;
}

void OperatorSession::State::handle(const std::string& text) {
  std::string problem;
  auto frame = parseClientFrame(text, problem);
  if (!frame) {
    send(frames::error("invalid", problem));
    return;
  }
  const auto type = (*frame)->getValue<std::string>("t");
  if (!greeted) {
    if (type != "hello") {
      gateway.server().close(connection, close_code::kPolicyViolation, "hello first");
      return;
    }
    hello();
    return;
  }
  try {
    if (type == "msg") message(*frame);
    else if (type == "resume") resume(*frame);
    else if (type == "typing") typing(*frame);
    else if (type == "start") start(*frame);
    else if (type == "close") close(*frame);
    else if (type == "status") status(*frame);
    else if (type == "rate_request") rateRequest(*frame);
    else if (type == "transfer") transfer(*frame);
    else if (type == "take") gateway.take(principal, intField(*frame, "dialog").value_or(0));  // re-offer
    else if (type.rfind("call_", 0) == 0) call(type, *frame);  // F18–F20
    else if (controls(type, *frame)) return;  // operator_controls.cpp
    else send(frames::error("invalid", "unknown frame type"));
  } catch (...) {
    send(errorFrame(std::current_exception(), stringField(*frame, "cid")));
  }
}

void OperatorSession::State::hello() {
  greeted = true;
  auto welcome = frames::object("welcome");
  welcome->set("v", 1);
  frames::Json user = new Poco::JSON::Object;
  user->set("id", principal.user ? principal.user->id : 0);
  user->set("name", displayName());
  welcome->set("user", user);
  Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
  for (const auto& m : principal.memberships) {
    if (m.disabled) continue;
    frames::Json s = new Poco::JSON::Object;
    s->set("id", m.siteId);
    s->set("name", m.siteName);
    s->set("role", std::string(core::accounts::roleName(m.role)));
    list->add(s);
  }
  welcome->set("sites", list);
  welcome->set("status", state);
  send(welcome);
  auto mySites = sites();
  auto changed =
      gateway.hub().operatorJoined(connection, principal.user ? principal.user->id : 0, mySites, true);
  gateway.announceStatus(changed);
  gateway.announceTeam(changed);  // the others learn I am online
  gateway.announceTeam(mySites, connection);
  // The snapshot of who is on the sites now; the panel does not announce these as new arrivals.
  for (const auto& v : gateway.hub().visitorsOfSites(mySites)) {
    auto frame = ChatGateway::visitorFrame(v);
    frame->set("snapshot", true);
    send(frame);
  }
  gateway.sendOffers(connection, mySites);  // re-offers still waiting for a taker
  if (auto* calls = gateway.calls()) calls->sendRinging(connection, mySites);
}

void OperatorSession::State::call(const std::string& type, const frames::Json& f) {
  auto* calls = gateway.calls();
  if (!calls) throw core::Error(core::ErrorCode::Unavailable, "calls are not enabled on this server");
  CallSender from;
  from.participant = {{core::calls::PartyKind::Operator, principal.user ? principal.user->id : 0},
                      displayName(), connection};
  from.principal = &principal;
  calls->operatorFrame(from, type, f, [this](std::int64_t id) { return dialog(id); });
}

void OperatorSession::State::message(const frames::Json& f) {
  const auto cid = stringField(f, "cid");
  if (!isValidCid(cid)) throw core::invalid("cid must be 1 to 64 printable characters", "cid");
  auto id = intField(f, "dialog");
  if (!id) throw core::invalid("dialog is required", "dialog");
  const auto& d = dialog(*id);
  // F16: {"file":ID} posts an upload instead of text.
  const auto file = attachedFile(gateway, principal, f, d.siteId);
  if (!file && (!f->has("text") || !f->get("text").isString())) {
    throw core::invalid("text is required", "text");
  }
  // Looked up here (a worker), not in the commit callback: a first lookup reads the database.
  auto avatar = gateway.operatorAvatar(principal.user ? principal.user->id : 0);
  auto done = gateway.ackAndFanOut(connection, d.siteId, d.visitorId, cid, displayName(), avatar);
  if (file) {
    gateway.dialogs().postFileMessageAsync(principal, *id, cid, *file, std::move(done));
  } else {
    gateway.dialogs().postMessageAsync(principal, *id, cid, f->getValue<std::string>("text"),
                                       std::move(done));
  }
}

void OperatorSession::State::resume(const frames::Json& f) {
  auto id = intField(f, "dialog");
  if (!id) throw core::invalid("dialog is required", "dialog");
  gateway.resume(connection, principal, *id, intField(f, "after").value_or(0));
}

void OperatorSession::State::typing(const frames::Json& f) {
  auto id = intField(f, "dialog");
  if (!id || !typingThrottle.allow()) return;
  const auto& d = dialog(*id);
  auto out = frames::object("typing");
  out->set("active", f->has("active") && f->get("active").isBoolean() && f->getValue<bool>("active"));
  gateway.sendTo(gateway.hub().visitorTabs(d.visitorId), out);
}

void OperatorSession::State::start(const frames::Json& f) {
  auto visitorId = intField(f, "visitor");
  if (!visitorId) throw core::invalid("visitor is required", "visitor");
  auto& dialogs = gateway.dialogs();
  auto visitor = dialogs.visitor(principal, *visitorId);  // checks the operator's sites
  auto d = dialogs.openDialog({visitor.id, visitor.siteId});
  gateway.toOperators(d.siteId, frames::dialog(d));
  for (auto tab : gateway.hub().visitorTabs(visitor.id)) {
    if (auto view = gateway.hub().updateVisitor(visitor.id, tab, [&](VisitorView& v, TabState&) {
          v.dialogId = d.id;
        })) {
      gateway.toOperators(d.siteId, ChatGateway::visitorFrame(*view));
      break;
    }
  }
}

void OperatorSession::State::close(const frames::Json& f) {
  auto id = intField(f, "dialog");
  if (!id) throw core::invalid("dialog is required", "dialog");
  auto d = gateway.dialogs().closeDialog(principal, *id);
  dialogs.erase(*id);
  gateway.dialogClosed(d);
}

void OperatorSession::State::rateRequest(const frames::Json& f) {
  auto id = intField(f, "dialog");
  if (!id) throw core::invalid("dialog is required", "dialog");
  const auto& d = dialog(*id);
  auto out = frames::object("rating_request");
  out->set("dialog", d.id);
  gateway.sendTo(gateway.hub().visitorTabs(d.visitorId), out);
}

void OperatorSession::State::transfer(const frames::Json& f) {
  auto id = intField(f, "dialog");
  auto user = intField(f, "user");
  auto department = intField(f, "department");  // transfer to a department (routed)
  if (!id) throw core::invalid("dialog is required", "dialog");
  if (!user && !department) throw core::invalid("user is required", "user");
  dialog(*id);  // the caller must see the dialog
  dialogs.erase(*id);
  if (!user) gateway.transferToDepartment(principal, *id, *department);
  else gateway.transfer(principal, *id, *user);
}

void OperatorSession::State::status(const frames::Json& f) {
  auto wanted = stringField(f, "state");
  if (wanted != "online" && wanted != "away" && wanted != "offline") {
    throw core::invalid("state must be online, away or offline", "state");
  }
  state = wanted;
  auto changed = gateway.hub().operatorStatus(connection, state == "online");
  if (auto* calls = gateway.calls(); calls && state != "online") calls->dropOfflineInvites();
  gateway.announceStatus(changed);
  gateway.announceTeam(changed);
  auto out = frames::object("status");
  out->set("state", state);
  send(out);
}

void OperatorSession::State::closed() {
  if (!greeted) return;
  auto changed = gateway.hub().operatorLeft(connection);
  if (auto* calls = gateway.calls()) calls->tabClosed(connection);
  gateway.announceStatus(changed);
  gateway.announceTeam(changed);
}

}  // namespace callpy::realtime
