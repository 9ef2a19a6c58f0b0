#include "core/calls/call_routing.h"

#include <algorithm>
#include <tuple>

namespace callpy::core::calls {

namespace {

std::vector<const RingCandidate*> available(const RingInput& in, bool departmentOnly) {
  std::vector<const RingCandidate*> out;
  for (const auto& op : in.online) {
    if (op.inCall) continue;
    if (departmentOnly && std::find(in.department->begin(), in.department->end(), op.userId) ==
                              in.department->end()) {
      continue;
    }
    out.push_back(&op);
  }
  return out;
}

}  // namespace

std::vector<std::int64_t> ringOrder(const RingInput& in) {
  std::vector<const RingCandidate*> pool;
  if (in.department) pool = available(in, true);
  if (pool.empty()) pool = available(in, false);
  // Same order as chat routing: the least loaded first, ties to whoever has waited longest.
  std::sort(pool.begin(), pool.end(), [](const RingCandidate* a, const RingCandidate* b) {
    return std::tie(a->openDialogs, a->idleSince, a->userId) <
           std::tie(b->openDialogs, b->idleSince, b->userId);
  });
  std::vector<std::int64_t> out;
  for (const auto* op : pool) {
    if (std::find(out.begin(), out.end(), op->userId) == out.end()) out.push_back(op->userId);
  }
  return out;
}

RingPlan planRing(const std::vector<std::int64_t>& order, const sites::CallSettings& settings) {
  RingPlan plan;
  if (order.empty()) return plan;
  if (settings.ringMode == sites::RingMode::All) {
    plan.now.insert(order.begin(), order.end());
    return plan;
  }
  plan.now.insert(order.front());
  plan.later.assign(order.begin() + 1, order.end());
  plan.perOperatorMs = static_cast<std::int64_t>(settings.ringTimeoutSeconds) * 1000;
  return plan;
}

CallAdmission admitVisitorCall(const sites::CallSettings& settings, bool openNow) {
  if (!settings.enabled) return CallAdmission::Disabled;
  if (!openNow) return CallAdmission::Closed;
  return CallAdmission::Ring;
}

std::string_view trimPhone(std::string_view phone) {
  const auto first = phone.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = phone.find_last_not_of(" \t\r\n");
  return phone.substr(first, last - first + 1);
}

bool isValidCallbackPhone(std::string_view phone) {
  phone = trimPhone(phone);
  if (phone.size() < 5 || phone.size() > 32) return false;
  int digits = 0;
  for (char c : phone) {
    if (c >= '0' && c <= '9') ++digits;
    else if (c != ' ' && c != '+' && c != '(' && c != ')' && c != '-') return false;
  }
  return digits >= 3;
}

}  // namespace callpy::core::calls
