#pragma once
// Who is rung for a visitor's call (F21): pure functions over a snapshot the call gateway builds
// from presence (realtime), open dialogs (storage) and the site's call settings, so the same
// inputs always give the same answer.
#include <cstdint>
#include <optional>
#include <set>
#include <string_view>
#include <vector>

#include "core/sites/types.h"

namespace callpy::core::calls {

struct RingCandidate {
  std::int64_t userId = 0;
  int openDialogs = 0;         // open dialogs assigned to the operator on this site
  std::int64_t idleSince = 0;  // last assignment, or when the operator came online if later
  bool inCall = false;         // already talking in another call: never rung
};

struct RingInput {
  std::vector<RingCandidate> online;  // the site's online operators
  // Members of the dialog's department, when the dialog has one: they are rung first, and only
  // when none of them can be rung (offline or in a call) does the call go to the whole site.
  std::optional<std::vector<std::int64_t>> department;
};

// The operators to ring, in order: the department's free online operators (else the site's),
// fewest open dialogs first, then the longest idle, then the lowest id. Empty: nobody to ring.
std::vector<std::int64_t> ringOrder(const RingInput& in);

struct RingPlan {
  std::set<std::int64_t> now;          // rung at once
  std::vector<std::int64_t> later;     // sequential: rung one by one after `now` gives up
  std::int64_t perOperatorMs = 0;      // sequential: how long each rings; 0 for `all`
};

// `all`: everyone in `order` at once (until the overall ring timeout); `sequential`: the first,
// then the rest one by one, each for the site's ring timeout.
RingPlan planRing(const std::vector<std::int64_t>& order, const sites::CallSettings& settings);

// What happens to a visitor's call_start.
enum class CallAdmission { Ring, Disabled, Closed };
CallAdmission admitVisitorCall(const sites::CallSettings& settings, bool openNow);

// A callback request's phone number: 5 to 32 characters of digits, spaces and "+()-", with at
// least 3 digits. Surrounding white space is not counted (see trimPhone).
bool isValidCallbackPhone(std::string_view phone);
std::string_view trimPhone(std::string_view phone);

}  // namespace callpy::core::calls
