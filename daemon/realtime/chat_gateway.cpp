#include "realtime/chat_gateway.h"

#include <Poco/JSON/Array.h>

#include <set>

#include "observability/log.h"
#include "realtime/operator_session.h"
#include "realtime/upgrade.h"
#include "realtime/visitor_session.h"

namespace callpy::realtime {

ChatGateway::ChatGateway(RealtimeServer& server, core::dialogs::DialogService& dialogs,
                         core::sites::SiteService& sites, core::accounts::AccountService& accounts,
                         ChatGatewayOptions options)
    : server_(server),
      dialogs_(dialogs),
      sites_(sites),
      accounts_(accounts),
      options_(std::move(options)),
      pool_(std::make_unique<WorkerPool>(options_.workers)) {
  startReoffers();
}

void ChatGateway::shutdown() {
  if (reoffers_) reoffers_->stop();  // before the pool its callback submits to
  pool_.reset();
}

namespace {
void refuse(Poco::Net::HTTPServerResponse& resp, Poco::Net::HTTPResponse::HTTPStatus status,
            const std::string& message) {
  std::string body = "{\"error\":{\"code\":\"" +
                     std::string(status == Poco::Net::HTTPResponse::HTTP_NOT_FOUND ? "not_found"
                                                                                   : "forbidden") +
                     "\",\"message\":\"" + message + "\"}}";
  resp.setStatus(status);
  resp.setContentType("application/json; charset=utf-8");
  resp.setContentLength(static_cast<std::streamsize>(body.size()));
  resp.send() << body;
}
}  // namespace

void ChatGateway::upgradeVisitor(Poco::Net::HTTPServerRequest& req,
                                 Poco::Net::HTTPServerResponse& resp, const std::string& widgetKey) {
  auto site = sites_.siteByWidgetKey(widgetKey);
  if (!site) {
    refuse(resp, Poco::Net::HTTPResponse::HTTP_NOT_FOUND, "unknown widget key");
    return;
  }
  auto origins = site->origins;
  // Browsers always send Origin: it must be one of the site's addresses, so other sites cannot
  // open chats in this site's name. Non-browser clients send none (and could forge one anyway).
  OriginCheck check = [origins](std::string_view origin, bool hasOrigin) {
    if (!hasOrigin) return true;
    for (const auto& o : origins) {
      if (o == origin) return true;
    }
    return false;
  };
  VisitorSessionContext context{site->id, widgetKey, site->name, site->language,
                                req.get("User-Agent", ""), req.get("Accept-Language", "")};
  // No trusted-proxy setting exists, so X-Forwarded-For is never believed: the socket's peer.
  context.peerAddress = req.clientAddress().host().toString();
  upgradeToWebSocket(req, resp, server_, std::make_unique<VisitorSession>(*this, context), check);
}

void ChatGateway::upgradeOperator(Poco::Net::HTTPServerRequest& req,
                                  Poco::Net::HTTPServerResponse& resp,
                                  const core::accounts::Principal& principal) {
  // The session cookie rides along with any cross-site WebSocket: only our own panel may use it.
  OriginCheck check = [this](std::string_view origin, bool hasOrigin) {
    return !hasOrigin || origin == options_.publicOrigin;
  };
  upgradeToWebSocket(req, resp, server_, std::make_unique<OperatorSession>(*this, principal),
                     check);
}

void ChatGateway::sendTo(ConnectionId c, const frames::Json& frame) {
  server_.post(c, encodeText(frames::text(frame)));
}

void ChatGateway::sendTo(const std::vector<ConnectionId>& tabs, const frames::Json& frame) {
  if (tabs.empty()) return;
  // Encoded once, the same buffer queued to every tab.
  server_.post(std::span<const ConnectionId>(tabs), encodeText(frames::text(frame)));
}

void ChatGateway::toDialog(const std::string& siteId, std::int64_t visitorId,
                           const frames::Json& frame) {
  auto tabs = hub_.visitorTabs(visitorId);
  auto ops = hub_.operatorTabsOfSite(siteId);
  tabs.insert(tabs.end(), ops.begin(), ops.end());
  sendTo(tabs, frame);
}

void ChatGateway::toOperators(const std::string& siteId, const frames::Json& frame) {
  sendTo(hub_.operatorTabsOfSite(siteId), frame);
}

void ChatGateway::resume(ConnectionId c, const core::dialogs::Actor& a, std::int64_t dialogId,
                         std::int64_t afterSeq) {
  std::int64_t last = afterSeq;
  // Operator names as the live frames carry them; looked up once, and only when needed.
  std::optional<std::map<std::int64_t, std::string>> names;
  auto nameOf = [&](const core::dialogs::Message& m) -> std::string {
    if (m.authorKind != core::dialogs::AuthorKind::Operator) return "";
    if (!names) names = operatorNames(dialogs_.dialog(a, dialogId).siteId);
    auto it = names->find(m.authorId);
    return it == names->end() ? "" : it->second;
  };
  for (;;) {
    auto page = dialogs_.messagesSince(a, dialogId, last, core::dialogs::kMaxPage);
    for (const auto& m : page.messages) {
      sendTo(c, frames::message(m, nameOf(m), authorAvatar(m)));
      last = m.seq;
    }
    if (page.messages.empty() || last >= page.lastSeq) {
      last = std::max(last, page.lastSeq);
      break;
    }
  }
  auto done = frames::object("resumed");
  done->set("dialog", dialogId);
  done->set("seq", last);
  sendTo(c, done);
}

namespace {
core::accounts::Principal systemPrincipal() {
  core::accounts::Principal p;
  p.system = true;
  return p;
}

std::string operatorName(const core::accounts::OperatorEntry& o) {
  return o.name.empty() ? o.email.substr(0, o.email.find('@')) : o.name;
}
}  // namespace

std::map<std::int64_t, std::string> ChatGateway::operatorNames(const std::string& siteId) {
  std::map<std::int64_t, std::string> out;
  for (const auto& o : accounts_.operators(systemPrincipal(), siteId)) out[o.userId] = operatorName(o);
  return out;
}

void ChatGateway::announceTeam(const std::vector<std::string>& sites, ConnectionId only) {
  for (const auto& site : sites) {
    std::set<std::int64_t> online;
    for (const auto& [user, idle] : hub_.onlineOperators(site)) online.insert(user);
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const auto& o : accounts_.operators(systemPrincipal(), site)) {
      if (o.disabled || o.pending) continue;
      frames::Json entry = new Poco::JSON::Object;
      entry->set("id", o.userId);
      entry->set("name", operatorName(o));
      entry->set("online", online.count(o.userId) > 0);
      list->add(entry);
    }
    auto f = frames::object("team");
    f->set("site", site);
    f->set("operators", list);
    if (only) sendTo(only, f);
    else toOperators(site, f);
  }
}

core::dialogs::Dialog ChatGateway::transfer(const core::accounts::Principal& by,
                                            std::int64_t dialogId, std::int64_t toUser) {
  auto d = dialogs_.assign(by, dialogId, toUser);
  std::string name = std::to_string(toUser);
  for (const auto& o : accounts_.operators(systemPrincipal(), d.siteId)) {
    if (o.userId == toUser) name = operatorName(o);
  }
  bool en = sites_.get(systemPrincipal(), d.siteId).site.language == "en";
  auto note = dialogs_.postSystemMessage(
      d.id, en ? "The dialog was transferred to " + name : "Диалог передан оператору " + name);
  toDialog(d.siteId, d.visitorId, frames::message(note, ""));
  toOperators(d.siteId, frames::dialog(d));
  return d;
}

void ChatGateway::dialogClosed(const core::dialogs::Dialog& d) {
  toOperators(d.siteId, frames::dialog(d));
  auto closedFrame = frames::object("closed");
  closedFrame->set("dialog", d.id);
  auto tabs = hub_.visitorTabs(d.visitorId);
  sendTo(tabs, closedFrame);
  for (auto tab : tabs) {
    hub_.updateVisitor(d.visitorId, tab, [&](VisitorView& v, TabState&) {
      if (v.dialogId == d.id) v.dialogId.reset();
    });
  }
}

void ChatGateway::disconnectUser(std::int64_t userId) {
  for (auto tab : hub_.operatorTabsOfUser(userId)) {
    server_.close(tab, close_code::kPolicyViolation, "access changed");
  }
}

frames::Json ChatGateway::statusFrame(const std::string& siteId) {
  auto f = frames::object("status");
  f->set("open", sites_.isOpenNow(siteId));
  f->set("operators_online", hub_.operatorsOnline(siteId));
  return f;
}

void ChatGateway::announceStatus(const std::vector<std::string>& sites) {
  for (const auto& s : sites) sendTo(hub_.visitorTabsOfSite(s), statusFrame(s));
}

frames::Json ChatGateway::visitorFrame(const VisitorView& v) {
  frames::Json inner = new Poco::JSON::Object;
  inner->set("id", v.id);
  inner->set("name", v.name);
  frames::Json contact = new Poco::JSON::Object;
  contact->set("name", v.contactName);
  contact->set("email", v.contactEmail);
  contact->set("phone", v.contactPhone);
  inner->set("contact", contact);
  inner->set("state", std::string(v.focused ? "focused" : "background"));
  inner->set("widget_open", v.widgetOpen);
  frames::Json page = new Poco::JSON::Object;
  page->set("url", v.pageUrl);
  page->set("title", v.pageTitle);
  inner->set("page", page);
  inner->set("device", v.device.empty() ? std::string("pc") : v.device);
  inner->set("browser", v.browser);
  inner->set("os", v.os);
  inner->set("location", v.location);
  inner->set("country_code", v.countryCode);
  inner->set("referrer", v.referrer);
  inner->set("user_agent", v.userAgent);
  if (v.dialogId) inner->set("dialog", *v.dialogId);
  else inner->set("dialog", Poco::Dynamic::Var());
  inner->set("since", v.sinceMs);
  auto f = frames::object("visitor");
  f->set("site", v.siteId);
  f->set("visitor", inner);
  return f;
}

core::dialogs::DialogService::PostDone ChatGateway::ackAndFanOut(
    ConnectionId sender, std::string siteId, std::int64_t visitorId, std::string cid,
    std::string authorName, std::optional<std::int64_t> avatar) {
  return [this, sender, siteId = std::move(siteId), visitorId, cid = std::move(cid),
          authorName = std::move(authorName),
          avatar](std::optional<core::dialogs::PostResult> result, std::exception_ptr error) {
    if (error) {
      sendTo(sender, errorFrame(error, cid));
      return;
    }
    sendTo(sender, frames::ack(result->message));
    if (!result->duplicate) {
      toDialog(siteId, visitorId, frames::message(result->message, authorName, avatar));
    }
  };
}

}  // namespace callpy::realtime
