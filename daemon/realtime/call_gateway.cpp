#include "realtime/call_gateway.h"

#include <Poco/JSON/Array.h>
#include <pthread.h>

#include <chrono>
#include <cstdio>

#include "core/calls/turn_credentials.h"
#include "core/common/error.h"
#include "observability/log.h"
#include "realtime/chat_gateway.h"
#include "realtime/session_support.h"
#include "rtc/call/media_engine.h"
#include "security/openssl_crypto.h"

namespace callpy::realtime {

namespace obs = callpy::observability;

using core::calls::Call;
using core::calls::CallState;
using core::calls::EndReason;
using core::calls::Participant;
using core::calls::Party;
using core::calls::PartyKind;

namespace {

// 128 random bits as the call's public id.
std::string randomCallId() { return security::randomHex(16); }

frames::Json partyJson(const Participant& p) {
  frames::Json j = new Poco::JSON::Object;
  j->set("kind", p.party.kind == PartyKind::Visitor ? "visitor" : "operator");
  j->set("id", p.party.id);
  if (p.party.kind == PartyKind::Operator) j->set("name", p.name);
  return j;
}

Poco::Dynamic::Var optionalMs(const std::optional<std::int64_t>& v) {
  return v ? Poco::Dynamic::Var(*v) : Poco::Dynamic::Var();
}

std::string callIdOf(const frames::Json& f) {
  auto id = stringField(f, "call");
  if (id.empty() || id.size() > 64) throw core::invalid("call is required", "call");
  return id;
}

bool boolField(const frames::Json& f, const char* key) {
  return f->has(key) && f->get(key).isBoolean() && f->getValue<bool>(key);
}

// "2:35" or "1:02:03" for the dialog's record.
std::string duration(std::int64_t ms) {
  auto s = ms / 1000;
  char buf[32];
  if (s >= 3600) {
    std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", static_cast<long long>(s / 3600),
                  static_cast<long long>(s / 60 % 60), static_cast<long long>(s % 60));
  } else {
    std::snprintf(buf, sizeof buf, "%lld:%02lld", static_cast<long long>(s / 60),
                  static_cast<long long>(s % 60));
  }
  return buf;
}

}  // namespace

std::string legKey(const Party& p) {
  return p.kind == PartyKind::Visitor ? "visitor" : "operator:" + std::to_string(p.id);
}

CallGateway::CallGateway(ChatGateway& chat, core::ports::CallStore& store,
                         rtc::call::MediaEngine& media, Clock clock)
    : chat_(chat), store_(store), media_(media), clock_(std::move(clock)),
      registry_(randomCallId), links_(security::sha256Hex) {
  registry_.setRingable([this](const std::string& site, std::int64_t user) {
    return stillOnline(site, user);  // F21, call_ringing.cpp
  });
}

CallGateway::~CallGateway() { stop(); }

std::int64_t CallGateway::now() const {
  if (clock_) return clock_();
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void CallGateway::start() {
  // Calls the daemon did not see end (it was stopped or killed) are over: their media is gone.
  for (const auto& c : store_.endUnfinished(now())) noteInDialog(c);
  timer_ = std::thread([this] { runTimer(); });
}

void CallGateway::stop() {
  {
    std::lock_guard lock(timerMutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  timerWake_.notify_all();
  if (timer_.joinable()) timer_.join();
}

void CallGateway::runTimer() {
  pthread_setname_np(pthread_self(), "callpy-calls");
  std::unique_lock lock(timerMutex_);
  while (!stopping_) {
    timerWake_.wait_for(lock, std::chrono::seconds(1));
    if (stopping_) break;
    lock.unlock();
    try {
      expireRinging();
    } catch (...) {
      // A storage error must not stop the timer; the next sweep tries again.
    }
    lock.lock();
  }
}

void CallGateway::expireRinging() {
  for (const auto& c : registry_.expire(now())) finished(c);
  advanceRinging();  // F21: sequential ringing moves on (call_ringing.cpp)
  expireInvites();   // F18: unanswered invitations (call_invite.cpp)
}

frames::Json CallGateway::callFrame(const Call& c) {
  frames::Json call = new Poco::JSON::Object;
  call->set("id", c.id);
  call->set("dialog", c.dialogId);
  call->set("site", c.siteId);
  call->set("visitor", c.visitorId);
  call->set("from", c.fromVisitor() ? "visitor" : "operator");
  call->set("video", c.video);
  call->set("state", std::string(core::calls::stateName(c.state)));
  call->set("recording", c.recording);
  Poco::JSON::Array::Ptr people = new Poco::JSON::Array;
  for (const auto& p : c.participants) people->add(partyJson(p));
  call->set("participants", people);
  Poco::JSON::Array::Ptr ringing = new Poco::JSON::Array;  // F21: the operators rung right now
  for (auto user : c.ringingOperators) ringing->add(user);
  call->set("ringing", ringing);
  call->set("started", c.startedMs);
  call->set("answered", optionalMs(c.answeredMs));
  call->set("ended", optionalMs(c.endedMs));
  auto reason = core::calls::reasonName(c.reason);
  call->set("reason", reason.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(std::string(reason)));
  auto frame = frames::object("call");
  frame->set("call", call);
  return frame;
}

void CallGateway::announce(const Call& c, const frames::Json& frame) {
  if (!turn_.urls.empty() && c.state != CallState::Ended) {
    // Short-lived TURN credentials for this call, for browsers that cannot reach us over UDP.
    auto ice = core::calls::turnCredentials(turn_.urls, turn_.secret, now() / 1000,
                                            turn_.ttlSeconds, "call-" + c.id);
    frames::Json server = new Poco::JSON::Object;
    Poco::JSON::Array::Ptr urls = new Poco::JSON::Array;
    for (const auto& u : ice.urls) urls->add(u);
    server->set("urls", urls);
    server->set("username", ice.username);
    server->set("credential", ice.credential);
    Poco::JSON::Array::Ptr servers = new Poco::JSON::Array;
    servers->add(server);
    frame->getObject("call")->set("ice_servers", servers);
  }
  auto tabs = chat_.hub().visitorTabs(c.visitorId);
  {
    std::lock_guard lock(devicesMutex_);
    if (auto it = devices_.find(c.id); it != devices_.end()) tabs.insert(tabs.end(), it->second.begin(), it->second.end());
  }
  chat_.sendTo(tabs, frame);
  chat_.toOperators(c.siteId, frame);
}

void CallGateway::sendTo(ConnectionId tab, const frames::Json& frame) { chat_.sendTo(tab, frame); }

void CallGateway::operatorFrame(const CallSender& from, const std::string& type,
                                const frames::Json& f,
                                const std::function<core::dialogs::Dialog(std::int64_t)>& dialogOf) {
  const auto& me = from.participant;
  if (inviteFrame(from, type, f)) return;  // F18 multi-party: call_invite.cpp
  if (type == "call_start") {
    auto id = intField(f, "dialog");
    if (!id) throw core::invalid("dialog is required", "dialog");
    auto d = dialogOf(*id);
    if (d.status != core::dialogs::DialogStatus::Open) throw core::conflict("the dialog is closed");
    startCall({d.id, d.siteId, d.visitorId, me, boolField(f, "video"), {}});
  } else if (type == "call_accept") {
    auto c = registry_.accept(callIdOf(f), me, now());
    changed(c);
  } else if (type == "call_decline") {
    auto c = registry_.decline(callIdOf(f), me.party, now());
    if (c.state == CallState::Ended) finished(c);
    else changed(c);
  } else if (type == "call_device_link") {
    deviceLink(from, f);
  } else if (type == "call_record") {
    auto c = registry_.setRecording(callIdOf(f), me.party, boolField(f, "on"));
    record(c, from.principal);
    changed(c);
  } else {
    media(from, type, f);
  }
}

void CallGateway::visitorFrame(const CallSender& from, const std::string& type,
                               const frames::Json& f, const std::function<std::int64_t()>& dialogId) {
  const auto& me = from.participant;
  if (type == "call_start") {
    startVisitorCall(from, f, dialogId);  // F21 routing: call_ringing.cpp
  } else if (type == "call_callback") {
    callbackRequest(from, f, dialogId);
  } else if (type == "call_device_link") {
    deviceLink(from, f);  // the visitor answers on / moves to a phone (call_devices.cpp)
  } else if (type == "call_accept") {
    changed(registry_.accept(callIdOf(f), me, now()));
  } else if (type == "call_decline") {
    finished(registry_.decline(callIdOf(f), me.party, now()));
  } else {
    media(from, type, f);
  }
}

void CallGateway::startCall(const core::calls::StartRequest& r,
                            const core::calls::RingOptions& ringing) {
  auto c = registry_.start(r, now(), ringing);
  try {
    c.number = store_.insertCall(c);
  } catch (...) {
    registry_.end(c.id, EndReason::Failed, now());
    throw;
  }
  obs::logInfo("call.started", {{"call", c.id}, {"dialog", std::to_string(c.dialogId)},
                                {"from", c.fromVisitor() ? "visitor" : "operator"}});
  if (c.state == CallState::Ended) {
    finished(c);  // a visitor's call with nobody to ring (busy) or refused (closed)
    return;
  }
  // An operator's call to a visitor who has no tab open any more cannot ring anywhere.
  if (!c.fromVisitor() && chat_.hub().visitorTabs(c.visitorId).empty()) {
    if (auto ended = registry_.end(c.id, EndReason::Left, now())) finished(*ended);
    return;
  }
  announce(c, callFrame(c));
}

void CallGateway::changed(const Call& c) {
  store_.updateCall(c);
  announce(c, callFrame(c));
}

void CallGateway::finished(const Call& c) {
  obs::logInfo("call.ended", {{"call", c.id}, {"reason", std::string(core::calls::reasonName(c.reason))},
                              {"talk_ms", std::to_string(c.talkMs())}});
  stopRecording(c.id);
  store_.updateCall(c);
  media_.closeRoom(c.id);
  announce(c, callFrame(c));
  noteInDialog(c);
}

void CallGateway::noteInDialog(const Call& c) {
  const bool en = chat_.siteLanguage(c.siteId) == "en";
  std::string text;
  if (c.answeredMs) {
    text = (en ? (c.video ? "Video call ended, " : "Call ended, ")
               : (c.video ? "Видеозвонок завершён, " : "Звонок завершён, ")) +
           duration(c.talkMs());
    // Who talked with the visitor: every operator in the call, also those who left it (F18).
    std::string names;
    std::set<std::int64_t> named;  // an operator who left and came back is named once
    for (const auto* list : {&c.formerOperators, &c.participants}) {
      for (const auto& p : *list) {
        if (p.party.kind != PartyKind::Operator || p.name.empty() || !named.insert(p.party.id).second) continue;
        names += (names.empty() ? "" : ", ") + p.name;
      }
    }
    if (!names.empty()) text += " · " + names;
  } else if (c.reason == EndReason::Declined) {
    text = en ? "Call declined" : "Звонок отклонён";
  } else if (c.reason == EndReason::Busy) {
    text = en ? "Missed call: no operator online" : "Пропущенный звонок: нет операторов в сети";
  } else if (c.reason == EndReason::Closed) {
    text = en ? "Missed call: outside working hours" : "Пропущенный звонок: нерабочее время";
  } else {
    text = en ? "Missed call" : "Пропущенный звонок";
  }
  auto note = chat_.dialogs().postSystemMessage(c.dialogId, text);
  chat_.toDialog(c.siteId, c.visitorId, frames::message(note, ""));
}

void CallGateway::visitorLeft(std::int64_t visitorId) {
  // A call the visitor's phone carries (F18) outlives the widget's tabs.
  std::set<ConnectionId> onDevices;
  {
    std::lock_guard lock(devicesMutex_);
    for (const auto& [call, tabs] : devices_) onDevices.insert(tabs.begin(), tabs.end());
  }
  for (const auto& c : registry_.visitorLeft(visitorId, now(), onDevices)) finished(c);
}

void CallGateway::tabClosed(ConnectionId tab) {
  leaveOnTabClosed(tab);  // F18: an operator of a multi-party call leaves it (call_invite.cpp)
  for (const auto& c : registry_.tabClosed(tab, now())) finished(c);
  dropOfflineInvites();  // F18: an invitee whose last tab closed is told to the inviters now
}

void CallGateway::sendRinging(ConnectionId tab, const std::vector<std::string>& sites) {
  for (const auto& c : registry_.ringingFor(sites)) chat_.sendTo(tab, callFrame(c));
}

}  // namespace callpy::realtime
