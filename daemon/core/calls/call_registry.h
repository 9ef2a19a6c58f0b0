#pragma once
// The live calls (signalling state machine, F18–F20). Sessions on many worker threads start,
// answer and end calls, so one mutex guards the map; every operation returns a copy of the call
// as it is afterwards, which the caller stores and announces. Errors are core::Error (conflict,
// not_found, forbidden) with messages a client can show.
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/calls/types.h"

namespace callpy::core::calls {

inline constexpr std::int64_t kRingTimeoutMs = 45'000;

struct StartRequest {
  std::int64_t dialogId = 0;
  std::string siteId;
  std::int64_t visitorId = 0;
  Participant caller;
  bool video = false;
  // Visitor calls: the operators to ring (F21); empty → the call ends at once as `busy`.
  std::set<std::int64_t> ring;
};

// How a visitor's call rings (F21), beside StartRequest.
struct RingOptions {
  // Sequential ringing: the operators to ring after those in `ring`, in order, each for
  // ringTimeoutMs (> 0). ringTimeoutMs 0: everyone in `ring` rings until kRingTimeoutMs.
  std::vector<std::int64_t> queue;
  std::int64_t ringTimeoutMs = 0;
  // A call the site refuses (outside working hours): it is made already ended with this reason.
  EndReason refuse = EndReason::None;
};

class CallRegistry {
 public:
  using IdSource = std::function<std::string()>;  // 32 hex characters, random
  explicit CallRegistry(IdSource ids);

  // A new ringing call. Conflict when the dialog already has a call that has not ended.
  Call start(const StartRequest& r, std::int64_t nowMs, const RingOptions& ringing = {});
  // The callee joins: the visitor for an operator's call, a rung operator for a visitor's call
  // (first one wins; later → conflict).
  Call accept(const std::string& callId, const Participant& who, std::int64_t nowMs);
  // A rung operator declines (removed from the ring; the call ends `declined` when nobody is
  // left) or the visitor declines an operator's call (ends it).
  Call decline(const std::string& callId, const Party& who, std::int64_t nowMs);
  // A participant (or the ringing caller) hangs up: the call ends.
  Call hangup(const std::string& callId, const Party& who, std::int64_t nowMs);
  // The media path failed (ICE, DTLS, consent) or the daemon ends it: nullopt when already over.
  std::optional<Call> end(const std::string& callId, EndReason reason, std::int64_t nowMs);
  // Ringing calls older than kRingTimeoutMs end `no_answer` (sequential calls: see ringNext).
  std::vector<Call> expire(std::int64_t nowMs);
  // Sequential calls whose current operator rang ringTimeoutMs without answering (or can no
  // longer be rung: offline, or in another call): the next one in the queue rings now, or the
  // call ends (`no_answer`; `declined` when everyone declined). Returns the calls that changed,
  // ringing or ended.
  std::vector<Call> ringNext(std::int64_t nowMs);
  // F21: whether an operator of a site is still online, asked again before each sequential ring
  // (the queue is made when the call starts; people go offline meanwhile). Called with this
  // registry's lock held, so it must not call back into the registry. Unset: everyone is.
  using Ringable = std::function<bool(const std::string& siteId, std::int64_t user)>;
  void setRingable(Ringable ringable);
  // Operators taking part in a call that has not ended (they are not rung for another one).
  std::set<std::int64_t> operatorsInCalls() const;
  // The visitor's last tab closed: its calls end `left`, except those whose visitor side runs on
  // one of `onDevices` (a phone that took it over by QR, F18): the phone still carries it.
  std::vector<Call> visitorLeft(std::int64_t visitorId, std::int64_t nowMs,
                                const std::set<std::uint64_t>& onDevices = {});
  // A tab closed: calls whose signalling ran through it end (`left` for the visitor's tab,
  // `hangup` for an operator's).
  std::vector<Call> tabClosed(std::uint64_t tab, std::int64_t nowMs);
  Call setRecording(const std::string& callId, const Party& who, bool on);
  // Multi-party (F18, realtime/call_invite.cpp): an invited operator joins an active call
  // (conflict when over `maxOperators` or already in it), and an operator leaves one: while
  // another operator stays the call goes on (the leaver is kept in `formerOperators` for the
  // record), else it ends `hangup`.
  Call addOperator(const std::string& callId, const Participant& who, std::size_t maxOperators);
  Call leave(const std::string& callId, const Party& who, std::int64_t nowMs);

  // The call when `who` takes part in it (for media frames); not_found otherwise.
  Call joined(const std::string& callId, const Party& who) const;
  // Moves the participant's signalling to another tab (a new offer from another tab/device).
  Call moveTab(const std::string& callId, const Party& who, std::uint64_t tab);
  std::optional<Call> find(const std::string& callId) const;
  std::optional<Call> ofDialog(std::int64_t dialogId) const;
  std::vector<Call> ringingFor(const std::vector<std::string>& sites) const;
  std::size_t activeCount() const;

 private:
  Call& live(const std::string& callId);
  Call finish(Call& c, EndReason reason, std::int64_t nowMs);
  // Sequential: the next queued operator who can still be rung rings, or the call ends when
  // the queue is empty.
  Call advance(Call& c, std::int64_t nowMs);
  // Online (ringable_) and not taking part in another call.
  bool canRing(const Call& c, std::int64_t user) const;

  IdSource ids_;
  Ringable ringable_;
  mutable std::mutex mutex_;
  std::map<std::string, Call> calls_;  // not ended yet
};

}  // namespace callpy::core::calls
