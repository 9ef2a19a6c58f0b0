// CallGateway's routing side for incoming (visitor) calls (F21): the site's call settings decide
// whether a call_start rings at all (calls off → forbidden; outside working hours → the call ends
// `closed` and the widget offers the offline form or a callback request), who is rung and in
// which order (core/calls/call_routing), and the timer thread moves sequential ringing on.
#include "core/common/error.h"
#include "observability/log.h"
#include "realtime/call_gateway.h"
#include "realtime/chat_gateway.h"
#include "realtime/session_support.h"

namespace callpy::realtime {

namespace obs = callpy::observability;
using core::calls::Call;
using core::calls::CallState;
using core::calls::EndReason;

namespace {

bool wantsVideo(const frames::Json& f) {
  return f->has("video") && f->get("video").isBoolean() && f->getValue<bool>("video");
}

}  // namespace

core::calls::RingPlan CallGateway::operatorsToRing(const core::dialogs::Dialog& d,
                                                   const core::sites::CallSettings& settings) {
  core::calls::RingInput in;
  auto load = chat_.dialogs().openDialogsByAssignee(d.siteId);
  auto busy = registry_.operatorsInCalls();
  for (const auto& [user, idleSince] : chat_.hub().onlineOperators(d.siteId)) {
    in.online.push_back({user, load.count(user) ? load.at(user) : 0, idleSince, busy.count(user) > 0});
  }
  if (d.departmentId) {
    auto chat = chat_.sites().chatContext(d.siteId);
    for (const auto& dep : chat.departments) {
      if (dep.id == *d.departmentId) in.department = dep.operators;
    }
  }
  return core::calls::planRing(core::calls::ringOrder(in), settings);
}

void CallGateway::startVisitorCall(const CallSender& from, const frames::Json& f,
                                   const std::function<std::int64_t()>& dialogId) {
  const auto& me = from.participant;
  auto site = chat_.sites().chatContext(from.siteId).site;
  auto admission = core::calls::admitVisitorCall(site.calls, chat_.sites().isOpenNow(from.siteId));
  // Refused before a dialog is opened: the widget should not have offered the button.
  if (admission == core::calls::CallAdmission::Disabled) {
    throw core::forbidden("calls are turned off on this site");
  }
  auto id = dialogId();
  auto d = chat_.dialogs().dialog(core::dialogs::VisitorRef{me.party.id, from.siteId}, id);
  core::calls::StartRequest r{d.id, d.siteId, d.visitorId, me, wantsVideo(f), {}};
  core::calls::RingOptions ringing;
  if (admission == core::calls::CallAdmission::Closed) {
    // Kept as a call that ended at once, so operators see the missed call in the dialog.
    ringing.refuse = EndReason::Closed;
  } else {
    auto plan = operatorsToRing(d, site.calls);
    r.ring = std::move(plan.now);
    ringing.queue = std::move(plan.later);
    ringing.ringTimeoutMs = plan.perOperatorMs;
  }
  startCall(r, ringing);
}

void CallGateway::advanceRinging() {
  for (const auto& c : registry_.ringNext(now())) {
    try {
      if (c.state == CallState::Ended) finished(c);
      else changed(c);
    } catch (const std::exception& e) {
      obs::logError("calls.ring_next_failed", {{"call", c.id}, {"error", e.what()}});
    }
  }
}

bool CallGateway::stillOnline(const std::string& siteId, std::int64_t user) {
  // May run under the registry's lock: the hub has its own and never calls into calls.
  for (const auto& [id, idleSince] : chat_.hub().onlineOperators(siteId)) {
    if (id == user) return true;
  }
  return false;
}

void CallGateway::callbackRequest(const CallSender& from, const frames::Json& f,
                                  const std::function<std::int64_t()>& dialogId) {
  const auto& me = from.participant;
  const auto cid = stringField(f, "cid");
  if (!isValidCid(cid)) throw core::invalid("cid must be 1 to 64 printable characters", "cid");
  auto site = chat_.sites().chatContext(from.siteId).site;
  if (!site.calls.enabled || site.calls.afterHours != core::sites::AfterHoursCall::Callback) {
    throw core::forbidden("this site does not take callback requests");
  }
  const auto rawPhone = stringField(f, "phone");
  if (!core::calls::isValidCallbackPhone(rawPhone)) {
    throw core::invalid("a phone number is 5 to 32 digits, spaces and + ( ) -", "phone");
  }
  const std::string phone(core::calls::trimPhone(rawPhone));
  auto name = stringField(f, "name");
  if (name.size() > 200) throw core::invalid("name is at most 200 characters", "name");

  // The visitor's contact details first (operators see the phone in visitor info), then the
  // request as the visitor's message, acknowledged once it is durable like any visitor write.
  const core::dialogs::VisitorRef ref{me.party.id, from.siteId};
  core::dialogs::VisitorInfo patch;
  patch.phone = phone;
  patch.name = name;
  auto visitor = chat_.dialogs().updateVisitorInfo(ref, patch);
  auto view = chat_.hub().updateVisitor(me.party.id, me.tab, [&](VisitorView& v, TabState&) {
    v.contactName = visitor.info.name;
    v.contactPhone = visitor.info.phone;
    v.name = visitor.displayName.empty() ? visitor.info.name : visitor.displayName;
  });
  if (view) chat_.toOperators(from.siteId, ChatGateway::visitorFrame(*view));

  const bool en = site.language == "en";
  std::string text = (en ? "Please call back: " : "Просьба перезвонить: ") + phone;
  if (!name.empty()) text += " (" + name + ")";
  auto dialog = dialogId();
  auto done = chat_.ackAndFanOut(me.tab, from.siteId, me.party.id, cid, "", std::nullopt);
  chat_.dialogs().postMessageAsync(ref, dialog, cid, text, std::move(done));
}

}  // namespace callpy::realtime
