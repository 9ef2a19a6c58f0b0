// Moving an operator's side of a call to another device and back (F18, F20, F23): one-time links
// shown as QR codes, and the /ws/call sockets opened from them.
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

void CallGateway::deviceLink(const CallSender& from, const frames::Json& f) {
  auto callId = stringField(f, "call");
  auto c = registry_.find(callId);
  const auto& me = from.participant;
  // A participant moves its side; a rung operator may answer a visitor's call on the phone.
  const bool rung = c && c->state == CallState::Ringing && c->ringingOperators.count(me.party.id);
  if (!c || (!c->participant(me.party) && !rung) || me.party.kind != PartyKind::Operator) {
    throw core::notFound("no such call");
  }
  auto token = security::randomHex(32);
  const auto expires = now() + core::calls::kDeviceLinkTtlMs;
  links_.add(token, {callId, me.party.id, me.name, expires}, now());
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
  frames::Json user = new Poco::JSON::Object;
  user->set("id", link.userId);
  user->set("name", link.name);
  welcome->set("user", user);
  welcome->set("call", callFrame(*c)->getObject("call"));
  chat_.sendTo(tab, welcome);
}

void CallGateway::deviceFrame(ConnectionId tab, const core::calls::DeviceLink& link,
                              const std::string& type, const frames::Json& f) {
  static const std::set<std::string> kAllowed = {"call_accept", "call_decline", "call_offer",
                                                 "call_ice", "call_media", "call_hangup"};
  if (!kAllowed.count(type)) throw core::invalid("unknown frame type");
  if (stringField(f, "call") != link.callId) throw core::notFound("no such call");
  CallSender from;
  from.participant = {{PartyKind::Operator, link.userId}, link.name, tab};
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
