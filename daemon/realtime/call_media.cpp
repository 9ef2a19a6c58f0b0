// The media half of call signalling: a participant's SDP offer and ICE candidates go to the
// media engine; its answer and the leg's state come back to the participant's tab.
#include "core/common/error.h"
#include "observability/log.h"
#include "realtime/call_gateway.h"
#include "realtime/chat_gateway.h"
#include "realtime/session_support.h"
#include "rtc/call/media_engine.h"

namespace callpy::realtime {

namespace obs = callpy::observability;

using core::calls::Call;
using core::calls::EndReason;
using core::calls::Party;
using core::calls::PartyKind;
using rtc::call::LegState;

namespace {

constexpr std::size_t kMaxSdpBytes = 64 * 1024;       // the frame limit bounds it too
constexpr std::size_t kMaxCandidateBytes = 1024;

frames::Json callEvent(const char* type, const std::string& callId) {
  auto f = frames::object(type);
  f->set("call", callId);
  return f;
}

const char* stateName(LegState s) {
  switch (s) {
    case LegState::Connecting: return "connecting";
    case LegState::Connected: return "connected";
    case LegState::Failed: return "failed";
    case LegState::Closed: return "closed";
  }
  return "failed";
}

}  // namespace

void CallGateway::media(const CallSender& from, const std::string& type, const frames::Json& f) {
  const auto& me = from.participant;
  auto callId = stringField(f, "call");
  if (callId.empty()) throw core::invalid("call is required", "call");
  if (type == "call_offer") {
    auto sdp = stringField(f, "sdp");
    if (sdp.empty() || sdp.size() > kMaxSdpBytes) throw core::invalid("sdp is required", "sdp");
    auto c = registry_.joined(callId, me.party);
    // An offer from another tab of the same participant moves the call there (device switch).
    if (const auto old = c.participant(me.party)->tab; old != me.tab) {
      c = registry_.moveTab(callId, me.party, me.tab);
      // The device that had the call stops its side (F23); the new leg takes over once connected.
      chat_.sendTo(old, callEvent("call_moved", callId));
    }
    const ConnectionId tab = me.tab;
    rtc::call::LegEvents events;
    events.answer = [this, tab, callId](const std::string& answer) {
      auto out = callEvent("call_answer", callId);
      out->set("sdp", answer);
      chat_.sendTo(tab, out);
    };
    events.rejected = [this, tab, callId](const std::string& problem) {
      auto out = frames::error("invalid", problem);
      out->set("field", "sdp");
      out->set("call", callId);
      chat_.sendTo(tab, out);
    };
    const Party party = me.party;
    events.state = [this, tab, callId, party](LegState state, const std::string& reason) {
      // A leg of a tab that no longer carries this participant's side (it moved to another
      // device, F23) speaks neither to that tab nor for the call.
      auto current = registry_.find(callId);
      const auto* p = current ? current->participant(party) : nullptr;
      if (!p || p->tab != tab) return;
      auto out = callEvent("call_media_state", callId);
      out->set("state", stateName(state));
      if (!reason.empty()) out->set("reason", reason);
      chat_.sendTo(tab, out);
      // A leg that failed ends the call; the media thread must not wait for storage.
      if (state == LegState::Failed) {
        obs::logWarning("call.leg_failed", {{"call", callId}, {"reason", reason}});
        chat_.pool().submit([this, callId] {
          try {
            if (auto ended = registry_.end(callId, EndReason::Failed, now())) finished(*ended);
          } catch (...) {
            // Storage trouble: the call is over in memory; the row ends at the next start.
          }
        });
      }
    };
    events.slots = [this, tab, callId](const std::vector<std::string>& slots) {
      renegotiate(tab, callId, slots);  // F18 multi-party (call_invite.cpp)
    };
    media_.offer(callId, legKey(me.party), std::move(sdp), std::move(events));
  } else if (type == "call_ice") {
    registry_.joined(callId, me.party);
    auto candidate = stringField(f, "candidate");
    if (candidate.size() > kMaxCandidateBytes) throw core::invalid("candidate is too long", "candidate");
    media_.remoteCandidate(callId, legKey(me.party), std::move(candidate));
  } else if (type == "call_media") {
    auto c = registry_.joined(callId, me.party);
    auto out = callEvent("call_media", callId);
    frames::Json who = new Poco::JSON::Object;
    who->set("kind", me.party.kind == PartyKind::Visitor ? "visitor" : "operator");
    who->set("id", me.party.id);
    out->set("who", who);
    out->set("audio", f->has("audio") && f->get("audio").isBoolean() && f->getValue<bool>("audio"));
    out->set("video", f->has("video") && f->get("video").isBoolean() && f->getValue<bool>("video"));
    // Who shares a screen (F25): the receivers show the screen track only while this is true.
    out->set("screen", f->has("screen") && f->get("screen").isBoolean() && f->getValue<bool>("screen"));
    for (const auto& p : c.participants) {
      if (!(p.party == me.party)) chat_.sendTo(p.tab, out);
    }
  } else if (type == "call_screen_request") {
    // F25: an operator asks the visitor to share a screen; the widget asks the visitor first.
    if (me.party.kind != PartyKind::Operator) throw core::invalid("only operators may ask");
    auto c = registry_.joined(callId, me.party);
    auto out = callEvent("call_screen_request", callId);
    frames::Json who = new Poco::JSON::Object;
    who->set("kind", "operator");
    who->set("id", me.party.id);
    who->set("name", me.name);
    out->set("from", who);
    for (const auto& p : c.participants) {
      if (p.party.kind == PartyKind::Visitor) chat_.sendTo(p.tab, out);
    }
  } else if (type == "call_screen_decline") {
    // F25: the visitor refused the operator's screen request (or cancelled the picker): the
    // operators in the call are told instead of waiting for a screen that will not come.
    if (me.party.kind != PartyKind::Visitor) throw core::invalid("only the visitor may decline");
    auto c = registry_.joined(callId, me.party);
    auto out = callEvent("call_screen_declined", callId);
    for (const auto& p : c.participants) {
      if (p.party.kind == PartyKind::Operator) chat_.sendTo(p.tab, out);
    }
  } else if (type == "call_hangup") {
    finished(registry_.hangup(callId, me.party, now()));
  } else {
    throw core::invalid("unknown frame type");
  }
}

}  // namespace callpy::realtime
