#include "core/routing/router.h"

#include <algorithm>
#include <tuple>

namespace callpy::core::routing {
namespace {

const DepartmentMembers* findDepartment(const RoutingInput& in, std::optional<std::int64_t> id) {
  if (!id) return nullptr;
  for (const auto& d : in.departments) {
    if (d.id == *id) return &d;
  }
  return nullptr;  // unknown here, e.g. another site's id sent by a crafted widget request
}

bool atLimit(const OperatorSnapshot& op) {
  return op.maxDialogs > 0 && op.activeDialogs >= op.maxDialogs;
}

// Online operators of the site, restricted to a department's members when one is given. Members
// missing from the snapshot are not operators of this site (disabled, removed) and never count.
std::vector<const OperatorSnapshot*> onlineIn(const RoutingInput& in,
                                              const DepartmentMembers* dept) {
  std::vector<const OperatorSnapshot*> out;
  for (const auto& op : in.operators) {
    if (!op.online) continue;
    if (dept && std::find(dept->operators.begin(), dept->operators.end(), op.userId) ==
                    dept->operators.end()) {
      continue;
    }
    out.push_back(&op);
  }
  return out;
}

}  // namespace

const char* routeReasonName(RouteReason r) {
  switch (r) {
    case RouteReason::Assigned:
      return "assigned";
    case RouteReason::NoOperatorOnline:
      return "no_operator_online";
    case RouteReason::AllAtLimit:
      return "all_at_limit";
  }
  return "unknown";
}

const char* candidatePoolName(CandidatePool p) {
  switch (p) {
    case CandidatePool::None:
      return "none";
    case CandidatePool::ChosenDepartment:
      return "chosen_department";
    case CandidatePool::DefaultDepartment:
      return "default_department";
    case CandidatePool::Site:
      return "site";
  }
  return "unknown";
}

RouteDecision route(const RoutingInput& in) {
  RouteDecision out;
  const DepartmentMembers* chosen = findDepartment(in, in.chosenDepartment);
  const DepartmentMembers* fallback = findDepartment(in, in.defaultDepartment);
  const DepartmentMembers* filed = chosen ? chosen : fallback;
  if (filed) out.departmentId = filed->id;

  // Fallback order: (1) the visitor's chosen department, (2) the site's default department,
  // (3) every operator of the site. A step is skipped only when nobody in it is online; a step
  // whose online operators are all at their limit is kept, so the visitor's choice is honoured
  // and the dialog waits there (the first-response re-offer widens it later).
  std::vector<const OperatorSnapshot*> candidates;
  if (chosen) {
    candidates = onlineIn(in, chosen);
    out.pool = CandidatePool::ChosenDepartment;
  }
  if (candidates.empty() && fallback) {
    candidates = onlineIn(in, fallback);
    out.pool = CandidatePool::DefaultDepartment;
  }
  if (candidates.empty()) {
    candidates = onlineIn(in, nullptr);
    out.pool = CandidatePool::Site;
  }
  if (candidates.empty()) {
    out.pool = CandidatePool::None;
    out.reason = RouteReason::NoOperatorOnline;
    return out;
  }

  const OperatorSnapshot* best = nullptr;
  for (const auto* op : candidates) {
    if (atLimit(*op)) continue;
    // Fewest active dialogs, then the longest idle, then the lowest id so equal snapshots always
    // pick the same operator.
    if (!best || std::tie(op->activeDialogs, op->idleSince, op->userId) <
                     std::tie(best->activeDialogs, best->idleSince, best->userId)) {
      best = op;
    }
  }
  if (!best) {
    out.reason = RouteReason::AllAtLimit;
    return out;
  }
  out.assignee = best->userId;
  out.reason = RouteReason::Assigned;
  return out;
}

std::optional<std::int64_t> reofferDueAt(const DialogRoutingState& state,
                                         int firstResponseSeconds) {
  if (firstResponseSeconds <= 0 || state.closed || state.firstOperatorMessageAt ||
      state.reofferedAt) {
    return std::nullopt;
  }
  return state.createdAt + firstResponseSeconds;
}

bool shouldReoffer(const DialogRoutingState& state, std::int64_t now, int firstResponseSeconds) {
  const auto due = reofferDueAt(state, firstResponseSeconds);
  return due && now >= *due;
}

std::vector<std::int64_t> offerTargets(const std::vector<OperatorSnapshot>& operators,
                                       const DialogRoutingState& state) {
  std::vector<std::int64_t> out;
  for (const auto& op : operators) {
    if (op.online) out.push_back(op.userId);
  }
  if (state.assignee) out.push_back(*state.assignee);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace callpy::core::routing
