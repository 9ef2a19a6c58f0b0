#include "core/calls/types.h"

namespace callpy::core::calls {

std::string_view stateName(CallState s) {
  switch (s) {
    case CallState::Ringing: return "ringing";
    case CallState::Active: return "active";
    case CallState::Ended: return "ended";
  }
  return "ended";
}

std::string_view reasonName(EndReason r) {
  switch (r) {
    case EndReason::None: return "";
    case EndReason::Hangup: return "hangup";
    case EndReason::Declined: return "declined";
    case EndReason::NoAnswer: return "no_answer";
    case EndReason::Failed: return "failed";
    case EndReason::Left: return "left";
    case EndReason::Busy: return "busy";
    case EndReason::Interrupted: return "interrupted";
    case EndReason::Closed: return "closed";
  }
  return "";
}

const Participant* Call::participant(const Party& p) const {
  for (const auto& x : participants) {
    if (x.party == p) return &x;
  }
  return nullptr;
}

std::int64_t Call::talkMs() const {
  if (!answeredMs || !endedMs) return 0;
  return *endedMs > *answeredMs ? *endedMs - *answeredMs : 0;
}

}  // namespace callpy::core::calls
