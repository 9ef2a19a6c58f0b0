#pragma once
// Calls (F18–F20): a call belongs to a dialog and connects its visitor with one operator (more
// later: invited operators, a phone joining by QR). This is the signalling state; the media path
// lives in rtc/.
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace callpy::core::calls {

enum class CallState { Ringing, Active, Ended };
// Closed: a visitor called outside the site's working hours (F21).
enum class EndReason { None, Hangup, Declined, NoAnswer, Failed, Left, Busy, Interrupted, Closed };
enum class PartyKind { Visitor, Operator };

std::string_view stateName(CallState s);
std::string_view reasonName(EndReason r);  // "" for None

struct Party {
  PartyKind kind = PartyKind::Visitor;
  std::int64_t id = 0;  // visitor id or user id
  bool operator==(const Party&) const = default;
  bool operator<(const Party& o) const { return kind != o.kind ? kind < o.kind : id < o.id; }
};

struct Participant {
  Party party;
  std::string name;           // operators' display name; "" for the visitor
  std::uint64_t tab = 0;      // the socket that carries this participant's media signalling
};

struct Call {
  std::int64_t number = 0;    // storage row id (0 until stored)
  std::string id;             // 32 hex characters, the id clients see
  std::int64_t dialogId = 0;
  std::string siteId;
  std::int64_t visitorId = 0;
  Party caller;
  bool video = false;
  CallState state = CallState::Ringing;
  bool recording = false;
  std::vector<Participant> participants;    // joined: the caller at once, the callee on accept
  std::vector<Participant> formerOperators; // F18: operators who left while the call went on
  std::set<std::int64_t> ringingOperators;  // visitor calls: operators still being rung
  // Sequential ringing (F21): the operators still to ring, in order, each for ringTimeoutMs
  // (0: everyone rings at once); ringSinceMs is when the current one started ringing.
  std::vector<std::int64_t> ringQueue;
  std::int64_t ringTimeoutMs = 0;
  std::int64_t ringSinceMs = 0;
  bool missed = false;  // some operator's ring timed out: the end is no_answer, not declined
  std::int64_t startedMs = 0;
  std::optional<std::int64_t> answeredMs;
  std::optional<std::int64_t> answeredBy;   // the operator who took a visitor's call
  std::optional<std::int64_t> endedMs;
  EndReason reason = EndReason::None;

  bool fromVisitor() const { return caller.kind == PartyKind::Visitor; }
  const Participant* participant(const Party& p) const;
  // Call length for the dialog's record: answered → ended, 0 when never answered.
  std::int64_t talkMs() const;
};

}  // namespace callpy::core::calls
