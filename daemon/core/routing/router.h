#pragma once
// Chat routing (issue 4 §4): which operator a new dialog goes to, and when an unanswered dialog is
// re-offered to every online operator of the site. Pure functions over a snapshot the caller
// builds (presence from realtime, counts and departments from storage); times are Unix seconds
// passed in, so the same inputs always give the same answer.
#include <cstdint>
#include <optional>
#include <vector>

namespace callpy::core::routing {

struct DepartmentMembers {
  std::int64_t id = 0;
  std::vector<std::int64_t> operators;  // user ids
};

struct OperatorSnapshot {
  std::int64_t userId = 0;
  bool online = false;         // status "online" and at least one connected panel tab
  int activeDialogs = 0;       // open dialogs assigned to the operator
  int maxDialogs = 0;          // per-operator limit; 0 (or less) = unlimited
  std::int64_t idleSince = 0;  // last assignment, or when the operator came online if later
};

struct RoutingInput {
  std::vector<DepartmentMembers> departments;     // this site's departments only
  std::optional<std::int64_t> defaultDepartment;  // none: all operators of the site
  std::optional<std::int64_t> chosenDepartment;   // the visitor's pre-chat choice, if any
  std::vector<OperatorSnapshot> operators;        // this site's (enabled) operators
};

enum class RouteReason {
  Assigned,
  NoOperatorOnline,  // nobody of the site is online: the widget offers the offline form
  AllAtLimit,        // someone is online but every candidate is at the limit: the dialog waits
};

// Where the candidates came from (the fallback step that had someone online).
enum class CandidatePool { None, ChosenDepartment, DefaultDepartment, Site };

struct RouteDecision {
  std::optional<std::int64_t> assignee;
  RouteReason reason = RouteReason::NoOperatorOnline;
  CandidatePool pool = CandidatePool::None;
  // The department the dialog is filed under: the visitor's choice when it is one of this site's
  // departments, else the site's default (if that exists); independent of the fallback step.
  std::optional<std::int64_t> departmentId;
  bool operator==(const RouteDecision&) const = default;
};

// "assigned", "no_operator_online", "all_at_limit" (for logs and the wire).
const char* routeReasonName(RouteReason r);
// "none", "chosen_department", "default_department", "site".
const char* candidatePoolName(CandidatePool p);

RouteDecision route(const RoutingInput& input);

struct DialogRoutingState {
  std::int64_t createdAt = 0;
  std::optional<std::int64_t> assignee;
  std::optional<std::int64_t> firstOperatorMessageAt;  // set once an operator has answered
  std::optional<std::int64_t> reofferedAt;             // set once the re-offer went out
  bool closed = false;
};

// When the re-offer falls due (createdAt + firstResponseSeconds), for scheduling a timer; nullopt
// when it never will: answered, closed, already re-offered, or firstResponseSeconds <= 0 (the
// site has no first-response time).
std::optional<std::int64_t> reofferDueAt(const DialogRoutingState& state, int firstResponseSeconds);
// True from the due time on (inclusive). Unassigned dialogs count too: "nobody took it" covers a
// dialog that waited because every candidate was at the limit.
bool shouldReoffer(const DialogRoutingState& state, std::int64_t now, int firstResponseSeconds);

// Who receives the re-offer: every online operator of the site (limits do not apply to an
// offer) plus the current assignee, who keeps the dialog until someone else takes it. Ascending
// user ids, no duplicates.
std::vector<std::int64_t> offerTargets(const std::vector<OperatorSnapshot>& operators,
                                       const DialogRoutingState& state);

}  // namespace callpy::core::routing
