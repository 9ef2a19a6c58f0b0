// Moving a participant's side of a call to another device and back (F18, F20, F23): one-time
// links shown as QR codes (by the panel for an operator, by the widget for the visitor), and the
// /ws/call sockets opened from them.
#include "core/common/error.h"
#include "realtime/call_gateway.h"
#include "realtime/chat_gateway.h"
#include "realtime/device_session.h"
#include "realtime/session_support.h"
#include "realtime/upgrade.h"
#include "security/openssl_crypto.h"

namespace callpy::realtime {

using core::calls::CallState;
using core::calls::PartyKind;

namespace {

// May `me` make a link for call `c`? An operator in the call, or rung for a visitor's call; the
// visitor whose dialog the call belongs to (its own session, same site) while its widget rings
// or while it is in the call. Anyone else learns nothing: not_found, as for an unknown call.
bool mayLink(const core::calls::Call& c, const CallSender& from) {
  const auto& me = from.participant;
  if (me.party.kind == PartyKind::Operator) {
    const bool rung = c.state == CallState::Ringing && c.ringingOperators.count(me.party.id);
    return c.participant(me.party) || rung;
  }
  if (c.visitorId != me.party.id || c.siteId != from.siteId) return false;
  const bool ringsHere = c.state == CallState::Ringing && !c.fromVisitor();
  return ringsHere || (c.state == CallState::Active && c.participant(me.party));
}

}  // namespace

void CallGateway::deviceLink(const CallSender& from, const frames::Json& f) {
  auto callId = stringField(f, "call");
  auto c = registry_.find(callId);
  const auto& me = from.participant;
  if (!c || !mayLink(*c, from)) throw core::notFound("no such call");
  auto token = security::randomHex(32);
  const auto expires = now() + core::calls::kDeviceLinkTtlMs;
  links_.add(token, {callId, me.party.id, me.name, expires, me.party.kind, c->siteId}, now());
  auto out = frames::object("call_device_link");
  out->set("call", callId);
  out->set("url", chat_.panelUrl() + "/call/" + token);
  out->set("expires", expires);
  chat_.sendTo(me.tab, out);
}

void CallGateway::upgradeDevice(Poco::Net::HTTPServerRequest& req,
                                Poco::Net::HTTPServerResponse& resp, const std::string& token) {
  auto link = token.size() == 64 ? links_.take(token, now()) : std::nullopt;
  if (!link) {
    resp.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_NOT_FOUND);
    resp.setContentType("application/json");
    resp.send() << R"({"error":{"code":"not_found","message":"this call link has expired or was used"}})";
    return;
  }
  const auto origin = chat_.publicOrigin();
  OriginCheck check = [origin](std::string_view o, bool has) { return !has || o == origin; };
  upgradeToWebSocket(req, resp, chat_.server(),
                     std::make_unique<DeviceSession>(*this, chat_.pool(), std::move(*link)), check);
}

void CallGateway::deviceOpened(ConnectionId tab, const core::calls::DeviceLink& link) {
  auto c = registry_.find(link.callId);
  if (!c) {
    chat_.sendTo(tab, frames::error("not_found", "the call is over"));
    chat_.server().close(tab, close_code::kNormal, "call over");
    return;
  }
  {
    std::lock_guard lock(devicesMutex_);
    devices_[link.callId].insert(tab);
  }
  auto welcome = frames::object("welcome");
  welcome->set("v", 1);
  if (link.kind == PartyKind::Visitor) {
    // The visitor's phone page: no sign-in, in the site's language.
    frames::Json visitor = new Poco::JSON::Object;
    visitor->set("id", link.userId);
    welcome->set("visitor", visitor);
    welcome->set("lang", chat_.siteLanguage(link.siteId));
  } else {
    frames::Json user = new Poco::JSON::Object;
    user->set("id", link.userId);
    user->set("name", link.name);
    welcome->set("user", user);
  }
  welcome->set("call", callFrame(*c)->getObject("call"));
  chat_.sendTo(tab, welcome);
}

void CallGateway::deviceFrame(ConnectionId tab, const core::calls::DeviceLink& link,
                              const std::string& type, const frames::Json& f) {
  static const std::set<std::string> kAllowed = {"call_accept", "call_decline", "call_offer",
                                                 "call_ice", "call_media", "call_hangup",
                                                 "call_screen_decline"};
  if (!kAllowed.count(type)) throw core::invalid("unknown frame type");
  if (stringField(f, "call") != link.callId) throw core::notFound("no such call");
  CallSender from;
  from.participant = {link.party(), link.name, tab};
  from.siteId = link.siteId;
  if (link.kind == PartyKind::Visitor) {
    // kAllowed keeps call_start and call_callback out, so no dialog is ever opened from here.
    visitorFrame(from, type, f, []() -> std::int64_t { throw core::notFound("no such dialog"); });
    return;
  }
  operatorFrame(from, type, f, [](std::int64_t) -> core::dialogs::Dialog {
    throw core::notFound("no such dialog");
  });
}

void CallGateway::deviceClosed(ConnectionId tab, const core::calls::DeviceLink& link) {
  {
    std::lock_guard lock(devicesMutex_);
    if (auto it = devices_.find(link.callId); it != devices_.end()) {
      it->second.erase(tab);
      if (it->second.empty()) devices_.erase(it);
    }
  }
  tabClosed(tab);
}

}  // namespace callpy::realtime
