#include "realtime/visitor_session.h"

#include <chrono>

#include "core/common/error.h"
#include "realtime/call_gateway.h"
#include "realtime/chat_gateway.h"
#include "realtime/file_messages.h"
#include "realtime/visitor_tracking.h"

namespace callpy::realtime {

using namespace core::dialogs;

namespace {
std::int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string visitorName(const Visitor& v) {
  return v.displayName.empty() ? v.info.name : v.displayName;
}
}  // namespace

VisitorSession::VisitorSession(ChatGateway& gateway, VisitorSessionContext context)
    : state_(std::make_shared<State>(gateway, std::move(context))),
      strand_(std::make_shared<Strand>(gateway.pool())) {}

void VisitorSession::onOpen(ConnectionRef connection) { state_->connection = connection.id(); }

void VisitorSession::onText(ConnectionRef, std::string_view text) {
  strand_->post([state = state_, t = std::string(text)] { state->handle(t); });
}

void VisitorSession::onClose(std::uint16_t) {
  strand_->post([state = state_] { state->closed(); });
}

void VisitorSession::State::send(const frames::Json& frame) { gateway.sendTo(connection, frame); }

void VisitorSession::State::handle(const std::string& text) {
  std::string problem;
  auto frame = parseClientFrame(text, problem);
  if (!frame) {
    send(frames::error("invalid", problem));
    return;
  }
  const auto type = (*frame)->getValue<std::string>("t");
  if (visitorId == 0) {
    if (type != "hello") {
      gateway.server().close(connection, close_code::kPolicyViolation, "hello first");
      return;
    }
    hello(*frame);
    return;
  }
  try {
    if (type == "msg") message(*frame);
    else if (type == "resume") resume(*frame);
    else if (type == "typing") typing(*frame);
    else if (type == "presence" || type == "widget" || type == "page") presence(type, *frame);
    else if (type == "contact" || type == "custom") contact(type, *frame);
    else if (type == "offline") offline(*frame);
    else if (type == "rate") rate(*frame);
    else if (type.rfind("call_", 0) == 0) call(type, *frame);  // F18–F20
    else send(frames::error("invalid", "unknown frame type"));
  } catch (...) {
    send(errorFrame(std::current_exception(), stringField(*frame, "cid")));
  }
}

void VisitorSession::State::hello(const frames::Json& f) {
  auto& dialogs = gateway.dialogs();
  std::optional<Visitor> visitor;
  std::string newToken;
  if (auto token = stringField(f, "token"); !token.empty()) {
    visitor = dialogs.authenticateVisitor(context.siteId, token);
  }
  if (!visitor) {
    VisitorInfo info;
    info.userAgent = context.userAgent.substr(0, 512);
    info.language = stringField(f, "lang").substr(0, 16);
    auto created = dialogs.createVisitor(context.siteId, info);
    newToken = created.token;
    visitor = dialogs.visitor(created.visitor, created.visitor.id);
  } else {
    dialogs.touchVisitor(ref());
  }
  visitorId = visitor->id;
  if (auto d = dialogs.currentDialog({visitorId, context.siteId})) dialogId = d->id;

  VisitorView view;
  view.id = visitorId;
  view.siteId = context.siteId;
  view.name = visitorName(*visitor);
  view.contactName = visitor->info.name;
  view.contactEmail = visitor->info.email;
  view.contactPhone = visitor->info.phone;
  view.userAgent = visitor->info.userAgent.empty() ? context.userAgent : visitor->info.userAgent;
  view.dialogId = dialogId;
  view.sinceMs = nowMs();
  if (f->has("page") && f->getObject("page")) {
    auto page = f->getObject("page");
    view.pageUrl = stringField(page, "url").substr(0, 2048);
    view.pageTitle = stringField(page, "title").substr(0, 512);
  }
  trackHello(gateway, ref(), f, context.peerAddress, context.siteLanguage, view);  // F4, F12
  gateway.hub().visitorJoined(connection, view);

  auto welcome = frames::object("welcome");
  welcome->set("v", 1);
  frames::Json v = new Poco::JSON::Object;
  v->set("id", visitorId);
  if (!newToken.empty()) v->set("token", newToken);
  // A blocked visitor cannot open chats: the widget shows a notice instead of the composer.
  v->set("blocked", visitor->blockedAt.has_value());
  welcome->set("visitor", v);
  frames::Json site = new Poco::JSON::Object;
  site->set("name", context.siteName);
  site->set("language", context.siteLanguage);
  auto status = gateway.statusFrame(context.siteId);
  site->set("open", status->get("open"));
  site->set("operators_online", status->get("operators_online"));
  // Fixed for this connection: the visitor was told what operators see (privacy).
  typingPreview = gateway.addChatSettings(context.siteId, site);
  addUploadLimit(gateway, site);  // F16
  welcome->set("site", site);
  if (dialogId) {
    auto d = dialogs.dialog(ref(), *dialogId);
    frames::Json dj = new Poco::JSON::Object;
    dj->set("id", d.id);
    dj->set("seq", d.lastSeq);
    welcome->set("dialog", dj);
  } else {
    welcome->set("dialog", Poco::Dynamic::Var());
  }
  send(welcome);
  publishView();
}

void VisitorSession::State::publishView() {
  auto view = gateway.hub().updateVisitor(visitorId, connection, [](VisitorView&, TabState&) {});
  if (view) gateway.toOperators(context.siteId, ChatGateway::visitorFrame(*view));
}

void VisitorSession::State::message(const frames::Json& f) {
  const auto cid = stringField(f, "cid");
  if (!isValidCid(cid)) throw core::invalid("cid must be 1 to 64 printable characters", "cid");
  // F16: {"file":ID} posts an upload instead of text.
  const auto file = attachedFile(gateway, ref(), f, context.siteId);
  if (!file && (!f->has("text") || !f->get("text").isString())) {
    throw core::invalid("text is required", "text");
  }
  const auto text = file ? std::string() : f->getValue<std::string>("text");
  auto& dialogs = gateway.dialogs();
  // `department`: the visitor's pre-chat choice (checked to be of this site by openDialog).
  const auto dialog = currentOrNewDialog(intField(f, "department"));
  // The ack and the fan-out happen on the storage side once the message is durable.
  auto done = gateway.ackAndFanOut(connection, context.siteId, visitorId, cid, "", std::nullopt);
  if (file) dialogs.postFileMessageAsync(ref(), dialog, cid, *file, std::move(done));
  else dialogs.postMessageAsync(ref(), dialog, cid, text, std::move(done));
}

std::int64_t VisitorSession::State::currentOrNewDialog(std::optional<std::int64_t> department) {
  // The hub holds the visitor's current dialog for all tabs: another tab may have opened one,
  // or an operator may have closed ours.
  if (auto view = gateway.hub().updateVisitor(visitorId, connection, [](VisitorView&, TabState&) {})) {
    dialogId = view->dialogId;
  }
  if (!dialogId) {
    auto d = gateway.dialogs().openDialog(ref(), department);
    if (!d.assigneeId) d = gateway.routeNewDialog(d);
    dialogId = d.id;
    gateway.hub().updateVisitor(visitorId, connection,
                                [&](VisitorView& v, TabState&) { v.dialogId = d.id; });
    gateway.toOperators(context.siteId, frames::dialog(d));
    publishView();
  }
  return *dialogId;
}

void VisitorSession::State::call(const std::string& type, const frames::Json& f) {
  auto* calls = gateway.calls();
  if (!calls) throw core::Error(core::ErrorCode::Unavailable, "calls are not enabled on this server");
  CallSender from;
  from.participant = {{core::calls::PartyKind::Visitor, visitorId}, "", connection};
  from.siteId = context.siteId;
  calls->visitorFrame(from, type, f, [this] { return currentOrNewDialog(std::nullopt); });
}

void VisitorSession::State::resume(const frames::Json& f) {
  auto dialog = intField(f, "dialog");
  if (!dialog) throw core::invalid("dialog is required", "dialog");
  gateway.resume(connection, ref(), *dialog, intField(f, "after").value_or(0));
}

void VisitorSession::State::typing(const frames::Json& f) {
  if (!typingThrottle.allow()) return;
  auto out = frames::object("typing");
  if (dialogId) out->set("dialog", *dialogId);
  else out->set("dialog", Poco::Dynamic::Var());
  out->set("visitor", visitorId);
  if (f->has("text") && f->get("text").isString()) {
    // With the site's typing preview off the draft is dropped here, whatever the widget sends:
    // operators learn only that the visitor is typing.
    if (typingPreview) out->set("text", f->getValue<std::string>("text").substr(0, 4000));
    else out->set("active", !f->getValue<std::string>("text").empty());
  } else {
    out->set("active", f->has("active") && f->get("active").isBoolean() && f->getValue<bool>("active"));
  }
  gateway.toOperators(context.siteId, out);
}

void VisitorSession::State::presence(const std::string& type, const frames::Json& f) {
  if (!presenceThrottle.allow()) return;
  auto view = gateway.hub().updateVisitor(visitorId, connection, [&](VisitorView& v, TabState& tab) {
    if (type == "presence") tab.focused = stringField(f, "state") != "background";
    else if (type == "widget") tab.widgetOpen = f->has("open") && f->get("open").isBoolean() && f->getValue<bool>("open");
    else {
      v.pageUrl = stringField(f, "url").substr(0, 2048);
      v.pageTitle = stringField(f, "title").substr(0, 512);
    }
  });
  if (view) gateway.toOperators(context.siteId, ChatGateway::visitorFrame(*view));
  if (type == "page") trackPage(gateway, ref(), f);  // pages visited (F4)
}

void VisitorSession::State::contact(const std::string& type, const frames::Json& f) {
  VisitorInfo patch;
  if (type == "contact") {
    patch.name = stringField(f, "name").substr(0, 200);
    patch.email = stringField(f, "email").substr(0, 254);
    patch.phone = stringField(f, "phone").substr(0, 64);
  } else if (f->has("data") && f->getObject("data")) {
    auto data = f->getObject("data");
    for (const auto& [k, v] : *data) {
      if (patch.custom.size() >= 50) break;
      patch.custom.emplace_back(k.substr(0, 64), v.isString() ? v.extract<std::string>().substr(0, 1024)
                                                             : v.toString().substr(0, 1024));
    }
  }
  auto visitor = gateway.dialogs().updateVisitorInfo(ref(), patch);
  auto view = gateway.hub().updateVisitor(visitorId, connection, [&](VisitorView& v, TabState&) {
    v.contactName = visitor.info.name;
    v.contactEmail = visitor.info.email;
    v.contactPhone = visitor.info.phone;
    v.name = visitorName(visitor);
  });
  if (view) gateway.toOperators(context.siteId, ChatGateway::visitorFrame(*view));
}

void VisitorSession::State::offline(const frames::Json& f) {
  core::dialogs::OfflineRequest request{stringField(f, "cid"), stringField(f, "name"),
                                        stringField(f, "email"), stringField(f, "phone"),
                                        stringField(f, "text")};
  auto site = gateway.sites().siteByWidgetKey(context.widgetKey);
  core::dialogs::OfflineMailContext mail;
  if (site) mail.to = site->offlineEmails;
  mail.siteName = context.siteName;
  mail.language = context.siteLanguage;
  mail.panelUrl = gateway.panelUrl();
  auto d = gateway.dialogs().submitOfflineRequest(ref(), request, mail);
  gateway.toOperators(context.siteId, frames::dialog(d));
  auto ack = frames::object("offline_ack");
  ack->set("cid", request.cid);
  ack->set("dialog", d.id);
  send(ack);
}

void VisitorSession::State::rate(const frames::Json& f) {
  auto dialog = intField(f, "dialog");
  if (!dialog) throw core::invalid("dialog is required", "dialog");
  auto stars = intField(f, "stars");
  if (!stars || *stars < 1 || *stars > 5) throw core::invalid("stars must be 1 to 5", "stars");
  auto d = gateway.dialogs().rate(ref(), *dialog, static_cast<int>(*stars),
                                  stringField(f, "comment"));
  auto rated = frames::object("rated");
  rated->set("cid", stringField(f, "cid"));
  rated->set("dialog", d.id);
  rated->set("stars", *stars);
  gateway.sendTo(gateway.hub().visitorTabs(visitorId), rated);
  gateway.toOperators(context.siteId, frames::dialog(d));
}

void VisitorSession::State::closed() {
  if (visitorId == 0) return;
  if (auto* calls = gateway.calls()) calls->tabClosed(connection);
  if (auto gone = gateway.hub().visitorLeft(visitorId, connection)) {
    if (auto* calls = gateway.calls()) calls->visitorLeft(visitorId);
    auto f = frames::object("visitor_left");
    f->set("site", context.siteId);
    f->set("visitor", visitorId);
    gateway.toOperators(context.siteId, f);
  } else {
    publishView();
  }
}

}  // namespace callpy::realtime
