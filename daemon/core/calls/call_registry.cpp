#include "core/calls/call_registry.h"

#include <algorithm>

#include "core/common/error.h"

namespace callpy::core::calls {

CallRegistry::CallRegistry(IdSource ids) : ids_(std::move(ids)) {}

Call& CallRegistry::live(const std::string& callId) {
  auto it = calls_.find(callId);
  if (it == calls_.end()) throw notFound("no such call");
  return it->second;
}

Call CallRegistry::finish(Call& c, EndReason reason, std::int64_t nowMs) {
  c.state = CallState::Ended;
  c.reason = reason;
  c.endedMs = nowMs;
  c.ringingOperators.clear();
  c.ringQueue.clear();
  Call out = c;
  calls_.erase(c.id);
  return out;
}

Call CallRegistry::start(const StartRequest& r, std::int64_t nowMs, const RingOptions& ringing) {
  std::lock_guard lock(mutex_);
  for (const auto& [id, c] : calls_) {
    if (c.dialogId == r.dialogId) throw conflict("this dialog already has a call");
  }
  Call c;
  c.id = ids_();
  c.dialogId = r.dialogId;
  c.siteId = r.siteId;
  c.visitorId = r.visitorId;
  c.caller = r.caller.party;
  c.video = r.video;
  c.startedMs = nowMs;
  c.participants.push_back(r.caller);
  if (c.fromVisitor()) {
    c.ringingOperators = r.ring;
    c.ringSinceMs = nowMs;
    if (ringing.ringTimeoutMs > 0) {
      c.ringTimeoutMs = ringing.ringTimeoutMs;
      c.ringQueue = ringing.queue;
      if (c.ringingOperators.empty() && !c.ringQueue.empty()) {
        c.ringingOperators.insert(c.ringQueue.front());
        c.ringQueue.erase(c.ringQueue.begin());
      }
    }
    if (ringing.refuse != EndReason::None || c.ringingOperators.empty()) {
      c.ringingOperators.clear();
      c.ringQueue.clear();
      c.state = CallState::Ended;
      c.reason = ringing.refuse != EndReason::None ? ringing.refuse : EndReason::Busy;
      c.endedMs = nowMs;
      return c;
    }
  }
  calls_.emplace(c.id, c);
  return c;
}

Call CallRegistry::accept(const std::string& callId, const Participant& who, std::int64_t nowMs) {
  std::lock_guard lock(mutex_);
  auto& c = live(callId);
  if (c.state != CallState::Ringing) throw conflict("the call was already answered");
  if (c.fromVisitor()) {
    if (who.party.kind != PartyKind::Operator || !c.ringingOperators.count(who.party.id)) {
      throw notFound("no such call");
    }
    c.answeredBy = who.party.id;
  } else if (who.party != Party{PartyKind::Visitor, c.visitorId}) {
    throw notFound("no such call");
  }
  c.participants.push_back(who);
  c.ringingOperators.clear();
  c.ringQueue.clear();
  c.state = CallState::Active;
  c.answeredMs = nowMs;
  return c;
}

Call CallRegistry::decline(const std::string& callId, const Party& who, std::int64_t nowMs) {
  std::lock_guard lock(mutex_);
  auto& c = live(callId);
  if (c.state != CallState::Ringing) throw conflict("the call was already answered");
  if (c.fromVisitor()) {
    if (who.kind != PartyKind::Operator || !c.ringingOperators.erase(who.id)) {
      throw notFound("no such call");
    }
    if (c.ringingOperators.empty()) return advance(c, nowMs);
    return c;
  }
  if (who != Party{PartyKind::Visitor, c.visitorId}) throw notFound("no such call");
  return finish(c, EndReason::Declined, nowMs);
}

Call CallRegistry::addOperator(const std::string& callId, const Participant& who,
                               std::size_t maxOperators) {
  std::lock_guard lock(mutex_);
  auto& c = live(callId);
  if (c.state != CallState::Active) throw conflict("the call is not in progress");
  if (c.participant(who.party)) throw conflict("already in this call");
  std::size_t operators = 0;
  for (const auto& p : c.participants) operators += p.party.kind == PartyKind::Operator ? 1 : 0;
  if (operators >= maxOperators) throw conflict("the call is full: at most " + std::to_string(maxOperators) + " operators");
  c.participants.push_back(who);
  return c;
}

Call CallRegistry::leave(const std::string& callId, const Party& who, std::int64_t nowMs) {
  std::lock_guard lock(mutex_);
  auto& c = live(callId);
  const auto* me = c.participant(who);
  if (!me || who.kind != PartyKind::Operator) throw notFound("no such call");
  std::size_t operators = 0;
  for (const auto& p : c.participants) operators += p.party.kind == PartyKind::Operator ? 1 : 0;
  if (operators < 2 || c.state != CallState::Active) return finish(c, EndReason::Hangup, nowMs);
  c.formerOperators.push_back(*me);
  std::erase_if(c.participants, [&](const Participant& p) { return p.party == who; });
  return c;
}

Call CallRegistry::hangup(const std::string& callId, const Party& who, std::int64_t nowMs) {
  std::lock_guard lock(mutex_);
  auto& c = live(callId);
  if (!c.participant(who)) {
    // A rung operator who has not answered may only decline.
    throw notFound("no such call");
  }
  return finish(c, EndReason::Hangup, nowMs);
}

std::optional<Call> CallRegistry::end(const std::string& callId, EndReason reason,
                                      std::int64_t nowMs) {
  std::lock_guard lock(mutex_);
  auto it = calls_.find(callId);
  if (it == calls_.end()) return std::nullopt;
  return finish(it->second, reason, nowMs);
}

std::vector<Call> CallRegistry::expire(std::int64_t nowMs) {
  std::lock_guard lock(mutex_);
  std::vector<Call> out;
  for (auto it = calls_.begin(); it != calls_.end();) {
    auto& c = (it++)->second;  // finish() erases the current node
    if (c.state == CallState::Ringing && c.ringTimeoutMs == 0 &&
        nowMs - c.startedMs >= kRingTimeoutMs) {
      out.push_back(finish(c, EndReason::NoAnswer, nowMs));
    }
  }
  return out;
}

void CallRegistry::setRingable(Ringable ringable) {
  std::lock_guard lock(mutex_);
  ringable_ = std::move(ringable);
}

bool CallRegistry::canRing(const Call& c, std::int64_t user) const {
  for (const auto& [id, other] : calls_) {
    if (id != c.id && other.participant({PartyKind::Operator, user})) return false;
  }
  return !ringable_ || ringable_(c.siteId, user);
}

Call CallRegistry::advance(Call& c, std::int64_t nowMs) {
  c.ringingOperators.clear();
  // The queue was made when the call started: skip whoever went offline or into another call
  // since (they did not decline, so an end after them is a missed call).
  while (!c.ringQueue.empty() && !canRing(c, c.ringQueue.front())) {
    c.ringQueue.erase(c.ringQueue.begin());
    c.missed = true;
  }
  if (c.ringQueue.empty()) {
    return finish(c, c.missed ? EndReason::NoAnswer : EndReason::Declined, nowMs);
  }
  c.ringingOperators.insert(c.ringQueue.front());
  c.ringQueue.erase(c.ringQueue.begin());
  c.ringSinceMs = nowMs;
  return c;
}

std::vector<Call> CallRegistry::ringNext(std::int64_t nowMs) {
  std::lock_guard lock(mutex_);
  std::vector<Call> out;
  for (auto it = calls_.begin(); it != calls_.end();) {
    auto& c = (it++)->second;  // advance() may erase the current node
    if (c.state != CallState::Ringing || c.ringTimeoutMs == 0) continue;
    const bool timedOut = nowMs - c.ringSinceMs >= c.ringTimeoutMs;
    // The operator being rung went offline or into another call: no point ringing on.
    const bool gone = std::none_of(c.ringingOperators.begin(), c.ringingOperators.end(),
                                   [&](std::int64_t user) { return canRing(c, user); });
    if (!timedOut && !gone) continue;
    c.missed = true;
    out.push_back(advance(c, nowMs));
  }
  return out;
}

std::set<std::int64_t> CallRegistry::operatorsInCalls() const {
  std::lock_guard lock(mutex_);
  std::set<std::int64_t> out;
  for (const auto& [id, c] : calls_) {
    for (const auto& p : c.participants) {
      if (p.party.kind == PartyKind::Operator) out.insert(p.party.id);
    }
  }
  return out;
}

std::vector<Call> CallRegistry::visitorLeft(std::int64_t visitorId, std::int64_t nowMs,
                                            const std::set<std::uint64_t>& onDevices) {
  std::lock_guard lock(mutex_);
  std::vector<Call> out;
  for (auto it = calls_.begin(); it != calls_.end();) {
    auto& c = (it++)->second;
    if (c.visitorId != visitorId) continue;
    const auto* side = c.participant({PartyKind::Visitor, visitorId});
    if (side && onDevices.count(side->tab)) continue;
    out.push_back(finish(c, EndReason::Left, nowMs));
  }
  return out;
}

std::vector<Call> CallRegistry::tabClosed(std::uint64_t tab, std::int64_t nowMs) {
  std::lock_guard lock(mutex_);
  std::vector<Call> out;
  for (auto it = calls_.begin(); it != calls_.end();) {
    auto& c = (it++)->second;
    auto p = std::find_if(c.participants.begin(), c.participants.end(),
                          [&](const auto& x) { return x.tab == tab; });
    if (p == c.participants.end()) continue;
    auto reason = p->party.kind == PartyKind::Visitor ? EndReason::Left : EndReason::Hangup;
    out.push_back(finish(c, reason, nowMs));
  }
  return out;
}

Call CallRegistry::setRecording(const std::string& callId, const Party& who, bool on) {
  std::lock_guard lock(mutex_);
  auto& c = live(callId);
  if (who.kind != PartyKind::Operator || !c.participant(who)) throw notFound("no such call");
  c.recording = on;
  return c;
}

Call CallRegistry::joined(const std::string& callId, const Party& who) const {
  std::lock_guard lock(mutex_);
  auto it = calls_.find(callId);
  if (it == calls_.end() || !it->second.participant(who)) throw notFound("no such call");
  return it->second;
}

Call CallRegistry::moveTab(const std::string& callId, const Party& who, std::uint64_t tab) {
  std::lock_guard lock(mutex_);
  auto& c = live(callId);
  for (auto& p : c.participants) {
    if (p.party == who) {
      p.tab = tab;
      return c;
    }
  }
  throw notFound("no such call");
}

std::optional<Call> CallRegistry::find(const std::string& callId) const {
  std::lock_guard lock(mutex_);
  auto it = calls_.find(callId);
  if (it == calls_.end()) return std::nullopt;
  return it->second;
}

std::optional<Call> CallRegistry::ofDialog(std::int64_t dialogId) const {
  std::lock_guard lock(mutex_);
  for (const auto& [id, c] : calls_) {
    if (c.dialogId == dialogId) return c;
  }
  return std::nullopt;
}

std::vector<Call> CallRegistry::ringingFor(const std::vector<std::string>& sites) const {
  std::lock_guard lock(mutex_);
  std::vector<Call> out;
  for (const auto& [id, c] : calls_) {
    if (c.state == CallState::Ringing &&
        std::find(sites.begin(), sites.end(), c.siteId) != sites.end()) {
      out.push_back(c);
    }
  }
  return out;
}

std::size_t CallRegistry::activeCount() const {
  std::lock_guard lock(mutex_);
  return calls_.size();
}

}  // namespace callpy::core::calls
