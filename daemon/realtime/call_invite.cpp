// Multi-party calls (F18): an operator in a running call invites another online operator of the
// call's site; the invitee's panel rings («Приглашение в звонок от …») and on call_accept joins
// the call, whose media room then gives every participant one receive slot per other
// participant (the browsers renegotiate on call_renegotiate). An operator may leave a call that
// goes on while another operator stays; the visitor hanging up ends it for everyone.
#include <Poco/JSON/Array.h>

#include <algorithm>

#include "core/common/error.h"
#include "observability/log.h"
#include "realtime/call_gateway.h"
#include "realtime/chat_gateway.h"
#include "realtime/session_support.h"
#include "rtc/call/media_engine.h"

namespace callpy::realtime {

namespace obs = callpy::observability;
using core::calls::Call;
using core::calls::CallState;
using core::calls::Participant;
using core::calls::Party;
using core::calls::PartyKind;

namespace {

constexpr std::size_t kMaxOperators = 3;        // with the visitor: the media room's 4
constexpr std::int64_t kInviteTimeoutMs = 45'000;

frames::Json inviteState(const std::string& callId, std::int64_t user, const char* state) {
  auto f = frames::object("call_invite_state");
  f->set("call", callId);
  f->set("operator", user);
  f->set("state", state);
  return f;
}

}  // namespace

std::size_t CallGateway::operatorsIn(const Call& c) const {
  std::size_t n = 0;
  for (const auto& p : c.participants) n += p.party.kind == PartyKind::Operator ? 1 : 0;
  return n;
}

void CallGateway::toOperatorsInCall(const Call& c, const frames::Json& frame) {
  for (const auto& p : c.participants) {
    if (p.party.kind == PartyKind::Operator) chat_.sendTo(p.tab, frame);
  }
}

bool CallGateway::inviteFrame(const CallSender& from, const std::string& type, const frames::Json& f) {
  const auto& me = from.participant;
  if (type == "call_accept" || type == "call_decline") {
    const auto callId = stringField(f, "call");
    std::optional<Invite> invite;
    {
      std::lock_guard lock(invitesMutex_);
      auto it = std::find_if(invites_.begin(), invites_.end(), [&](const Invite& i) {
        return i.callId == callId && i.user == me.party.id;
      });
      if (it == invites_.end()) return false;  // not an invite: the ordinary ring
      invite = *it;
      invites_.erase(it);
    }
    auto found = registry_.find(callId);  // the inviter may have left meanwhile: still valid
    if (!found) throw core::notFound("no such call");
    auto c = *found;
    if (type == "call_decline") {
      toOperatorsInCall(c, inviteState(callId, me.party.id, "declined"));
      return true;
    }
    c = registry_.addOperator(callId, me, kMaxOperators);
    {
      std::lock_guard lock(invitesMutex_);
      multiParty_.insert(callId);
    }
    obs::logInfo("call.operator_joined", {{"call", callId}, {"operator", std::to_string(me.party.id)}});
    changed(c);  // everyone's call frame lists the new participant; the invitee then offers
    toOperatorsInCall(c, inviteState(callId, me.party.id, "accepted"));
    return true;
  }
  if (type == "call_invitable") {
    auto c = registry_.joined(stringField(f, "call"), me.party);
    auto busy = registry_.operatorsInCalls();
    auto names = chat_.operatorNames(c.siteId);
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const auto& [user, idleSince] : chat_.hub().onlineOperators(c.siteId)) {
      if (busy.count(user)) continue;
      frames::Json o = new Poco::JSON::Object;
      o->set("id", user);
      o->set("name", names.count(user) ? names.at(user) : std::string());
      list->add(o);
    }
    auto out = frames::object("call_invitable");
    out->set("call", c.id);
    out->set("operators", list);
    chat_.sendTo(me.tab, out);
    return true;
  }
  if (type == "call_invite") {
    const auto callId = stringField(f, "call");
    auto user = intField(f, "operator");
    if (!user) throw core::invalid("operator is required", "operator");
    auto c = registry_.joined(callId, me.party);
    if (c.state != CallState::Active) throw core::conflict("the call is not in progress");
    // Per-site: only an operator online on the call's own site can be invited.
    if (!stillOnline(c.siteId, *user)) throw core::notFound("that operator is not online on this site");
    if (registry_.operatorsInCalls().count(*user)) throw core::conflict("that operator is already in a call");
    {
      std::lock_guard lock(invitesMutex_);
      std::size_t pending = 0;
      for (const auto& i : invites_) {
        if (i.callId != callId) continue;
        if (i.user == *user) throw core::conflict("that operator is already invited");
        ++pending;
      }
      if (operatorsIn(c) + pending >= kMaxOperators) {
        throw core::conflict("the call is full: at most " + std::to_string(kMaxOperators) + " operators");
      }
      invites_.push_back({callId, *user, me, now()});
    }
    auto ring = callFrame(c);
    ring->set("t", "call_invite");
    frames::Json by = new Poco::JSON::Object;
    by->set("id", me.party.id);
    by->set("name", me.name);
    ring->set("from", by);
    chat_.sendTo(chat_.hub().operatorTabsOfUser(*user), ring);
    toOperatorsInCall(c, inviteState(callId, *user, "ringing"));
    return true;
  }
  if (type == "call_leave") {
    const auto callId = stringField(f, "call");
    if (me.party.kind != PartyKind::Operator) throw core::invalid("only operators may leave");
    auto c = registry_.leave(callId, me.party, now());
    if (c.state == CallState::Ended) {
      finished(c);  // the last operator left: the call is over
      return true;
    }
    obs::logInfo("call.operator_left", {{"call", callId}, {"operator", std::to_string(me.party.id)}});
    media_.leave(callId, legKey(me.party));
    changed(c);
    chat_.sendTo(me.tab, [&] {
      auto out = frames::object("call_left");
      out->set("call", callId);
      return out;
    }());
    return true;
  }
  return false;
}

void CallGateway::leaveOnTabClosed(ConnectionId tab) {
  // An operator's tab that closes in a call with another operator leaves it instead of ending
  // it for everyone; its leg's later consent failure no longer speaks for the call.
  std::vector<std::string> calls;
  {
    std::lock_guard lock(invitesMutex_);
    calls.assign(multiParty_.begin(), multiParty_.end());
  }
  for (const auto& id : calls) {
    auto c = registry_.find(id);
    if (!c) {
      std::lock_guard lock(invitesMutex_);
      multiParty_.erase(id);
      continue;
    }
    for (const auto& p : c->participants) {
      if (p.tab != tab || p.party.kind != PartyKind::Operator || operatorsIn(*c) < 2) continue;
      try {
        auto left = registry_.leave(id, p.party, now());
        media_.leave(id, legKey(p.party));
        changed(left);
      } catch (const std::exception& e) {
        obs::logWarning("call.leave_failed", {{"call", id}, {"error", e.what()}});
      }
      break;
    }
  }
}

void CallGateway::expireInvites() {
  // Unanswered for 45 s, or the call is gone; an invitee who went offline is dropped at once.
  std::vector<std::pair<Invite, const char*>> over;
  {
    std::lock_guard lock(invitesMutex_);
    const auto t = now();
    for (auto it = invites_.begin(); it != invites_.end();) {
      if (t - it->sinceMs >= kInviteTimeoutMs || !registry_.find(it->callId)) {
        over.emplace_back(*it, "expired");
        it = invites_.erase(it);
      } else {
        ++it;
      }
    }
  }
  endInvites(over);
  dropOfflineInvites();
}

void CallGateway::dropOfflineInvites() {
  // An invitee whose last tab closed or who set away/offline cannot answer: the inviters learn it
  // now instead of after the 45 s ring. Online is asked per site of the invite's call.
  std::vector<Invite> pending;
  {
    std::lock_guard lock(invitesMutex_);
    pending = invites_;
  }
  std::vector<std::pair<Invite, const char*>> offline;
  for (const auto& i : pending) {
    auto c = registry_.find(i.callId);
    if (!c) continue;  // expireInvites() ends it
    if (stillOnline(c->siteId, i.user)) continue;
    std::lock_guard lock(invitesMutex_);
    auto it = std::find_if(invites_.begin(), invites_.end(), [&](const Invite& x) {
      return x.callId == i.callId && x.user == i.user;
    });
    if (it == invites_.end()) continue;  // answered or expired meanwhile
    invites_.erase(it);
    offline.emplace_back(i, "offline");
  }
  endInvites(offline);
}

void CallGateway::endInvites(const std::vector<std::pair<Invite, const char*>>& ended) {
  for (const auto& [i, state] : ended) {
    obs::logInfo("call.invite_ended", {{"call", i.callId}, {"operator", std::to_string(i.user)}, {"state", state}});
    auto c = registry_.find(i.callId);
    auto frame = inviteState(i.callId, i.user, state);
    chat_.sendTo(chat_.hub().operatorTabsOfUser(i.user), frame);  // the invitee's popup closes
    if (c) toOperatorsInCall(*c, frame);
  }
}

void CallGateway::renegotiate(ConnectionId tab, const std::string& callId,
                              const std::vector<std::string>& slots) {
  // Runs on the media thread: reads the registry (its own lock) and queues one frame.
  auto c = registry_.find(callId);
  if (!c) return;
  Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
  for (const auto& key : slots) {
    const Participant* who = nullptr;
    for (const auto& p : c->participants) {
      if (legKey(p.party) == key) who = &p;
    }
    if (!who) {
      list->add(Poco::Dynamic::Var());
      continue;
    }
    frames::Json j = new Poco::JSON::Object;
    j->set("kind", who->party.kind == PartyKind::Visitor ? "visitor" : "operator");
    j->set("id", who->party.id);
    if (who->party.kind == PartyKind::Operator) j->set("name", who->name);
    list->add(j);
  }
  auto out = frames::object("call_renegotiate");
  out->set("call", callId);
  out->set("slots", list);
  chat_.sendTo(tab, out);
}

}  // namespace callpy::realtime
