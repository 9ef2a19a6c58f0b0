// ChatGateway's routing side (issue 4 §4): new dialogs to the least-loaded online operator of the
// chosen or default department within the per-operator limits, and the first-response re-offer
// of unanswered dialogs to every online operator of the site.
#include <Poco/JSON/Array.h>

#include <chrono>

#include "core/common/error.h"
#include "core/routing/router.h"
#include "observability/log.h"
#include "realtime/chat_gateway.h"

namespace callpy::realtime {

namespace obs = callpy::observability;

namespace {
core::accounts::Principal systemPrincipal() {
  core::accounts::Principal p;
  p.system = true;
  return p;
}

core::routing::DialogRoutingState routingState(const core::ports::UnansweredDialog& d) {
  core::routing::DialogRoutingState s;
  s.createdAt = d.createdAt;
  s.assignee = d.assignee;
  s.reofferedAt = d.reofferedAt;
  return s;  // unanswered and open by construction (the store's query)
}
}  // namespace

std::string ChatGateway::siteLanguage(const std::string& siteId) {
  return sites_.get(systemPrincipal(), siteId).site.language;
}

std::int64_t ChatGateway::now() const {
  if (options_.clock) return options_.clock();
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void ChatGateway::startReoffers() {
  if (!options_.firstResponses) return;
  reoffers_ = std::make_unique<ReofferTimer>(
      [this] { return now(); },
      [this](std::vector<std::int64_t> ids) {
        // The timer thread only schedules; storage and fan-out run on the worker pool.
        pool_->submit([this, ids = std::move(ids)] { reofferDue(ids); });
      });
  // After a restart: unanswered dialogs get their timers back, open offers stay takeable.
  for (const auto& d : options_.firstResponses->unanswered()) {
    if (d.reofferedAt) {
      std::lock_guard lock(offersMutex_);
      offered_[d.dialogId] = d.siteId;
    } else if (auto due = core::routing::reofferDueAt(routingState(d), d.firstResponseSeconds)) {
      reoffers_->schedule(d.dialogId, *due);
    }
  }
  reoffers_->start();
}

core::dialogs::Dialog ChatGateway::routeNewDialog(const core::dialogs::Dialog& d) {
  auto chat = sites_.chatContext(d.siteId);
  core::routing::RoutingInput input;
  for (const auto& dep : chat.departments) input.departments.push_back({dep.id, dep.operators});
  input.chosenDepartment = d.departmentId;
  input.defaultDepartment = chat.site.chat.defaultDepartmentId;
  auto load = dialogs_.openDialogsByAssignee(d.siteId);
  for (const auto& [userId, idleSince] : hub_.onlineOperators(d.siteId)) {
    core::routing::OperatorSnapshot op;
    op.userId = userId;
    op.online = true;
    op.activeDialogs = load.count(userId) ? load.at(userId) : 0;
    op.maxDialogs = chat.limitFor(userId);
    op.idleSince = idleSince;
    input.operators.push_back(op);
  }
  auto decision = core::routing::route(input);
  if (reoffers_ && d.channel == core::dialogs::Channel::Widget) {
    core::routing::DialogRoutingState state;
    state.createdAt = d.createdAt;
    if (auto due = core::routing::reofferDueAt(state, chat.site.chat.firstResponseSeconds)) {
      reoffers_->schedule(d.id, *due);
    }
  }
  obs::logInfo("routing.new_dialog",
               {{"dialog", std::to_string(d.id)},
                {"reason", core::routing::routeReasonName(decision.reason)},
                {"pool", core::routing::candidatePoolName(decision.pool)}});
  // A dialog whose visitor did not choose is filed under the site's default department, so
  // History and transfers show where it went.
  auto filed = d;
  if (!d.departmentId && decision.departmentId) {
    filed = dialogs_.setDepartment(systemPrincipal(), d.id, *decision.departmentId);
  }
  if (!decision.assignee) return filed;
  auto assigned = dialogs_.assign(systemPrincipal(), d.id, *decision.assignee);
  hub_.noteAssigned(*decision.assignee, assigned.createdAt);
  return assigned;
}

bool ChatGateway::addChatSettings(const std::string& siteId, frames::Json siteObject) {
  auto chat = sites_.chatContext(siteId);
  siteObject->set("typing_preview", chat.site.chat.typingPreview);
  Poco::JSON::Array::Ptr departments = new Poco::JSON::Array;
  // The pre-chat choice only makes sense with a real choice: two departments or more.
  if (chat.site.chat.prechatDepartments && chat.departments.size() >= 2) {
    for (const auto& d : chat.departments) {
      frames::Json entry = new Poco::JSON::Object;
      entry->set("id", d.id);
      entry->set("name", d.name);
      departments->add(entry);
    }
  }
  siteObject->set("departments", departments);
  // F21: whether the widget offers calls, and what it offers instead outside working hours.
  frames::Json calls = new Poco::JSON::Object;
  calls->set("enabled", chat.site.calls.enabled);
  calls->set("after_hours", std::string(core::sites::afterHoursName(chat.site.calls.afterHours)));
  siteObject->set("calls", calls);
  return chat.site.chat.typingPreview;
}

namespace {
frames::Json offerFrame(const core::ports::UnansweredDialog& d, std::int64_t visitorId) {
  auto f = frames::object("offer");
  f->set("dialog", d.dialogId);
  f->set("site", d.siteId);
  f->set("visitor", visitorId);
  f->set("since", d.createdAt);
  if (d.assignee) f->set("assignee", *d.assignee);
  else f->set("assignee", Poco::Dynamic::Var());
  return f;
}
}  // namespace

void ChatGateway::reofferDue(const std::vector<std::int64_t>& dialogIds) {
  auto* store = options_.firstResponses;
  if (!store) return;
  for (auto id : dialogIds) {
    try {
      auto d = store->unansweredDialog(id);
      if (!d) continue;  // answered or closed meanwhile
      auto state = routingState(*d);
      const auto t = now();
      if (!core::routing::shouldReoffer(state, t, d->firstResponseSeconds)) {
        // The site's first-response time changed since scheduling: follow the new one.
        if (auto due = core::routing::reofferDueAt(state, d->firstResponseSeconds)) {
          if (reoffers_) reoffers_->schedule(id, *due);
        }
        continue;
      }
      if (!store->markReoffered(id, t)) continue;
      std::vector<core::routing::OperatorSnapshot> ops;
      for (const auto& [userId, idle] : hub_.onlineOperators(d->siteId)) {
        ops.push_back({userId, true, 0, 0, idle});
      }
      auto targets = core::routing::offerTargets(ops, state);
      {
        std::lock_guard lock(offersMutex_);
        offered_[id] = d->siteId;
      }
      auto dialog = dialogs_.dialog(systemPrincipal(), id);
      std::vector<ConnectionId> tabs;
      for (auto user : targets) {
        auto userTabs = hub_.operatorTabsOfUser(user);
        tabs.insert(tabs.end(), userTabs.begin(), userTabs.end());
      }
      sendTo(tabs, offerFrame(*d, dialog.visitorId));
      obs::logInfo("routing.reoffered",
                   {{"dialog", std::to_string(id)}, {"operators", std::to_string(targets.size())}});
    } catch (const std::exception& e) {
      obs::logError("routing.reoffer_failed", {{"dialog", std::to_string(id)}, {"error", e.what()}});
    }
  }
}

core::dialogs::Dialog ChatGateway::take(const core::accounts::Principal& by,
                                        std::int64_t dialogId) {
  if (!by.user) throw core::forbidden("only operators take dialogs");
  // Checked like any dialog access first, so other sites' ids reveal nothing.
  dialogs_.dialog(by, dialogId);
  if (options_.firstResponses && !options_.firstResponses->unansweredDialog(dialogId)) {
    std::lock_guard lock(offersMutex_);
    offered_.erase(dialogId);  // answered or closed: nothing left to take
  }
  std::string site;
  {
    std::lock_guard lock(offersMutex_);
    auto it = offered_.find(dialogId);
    if (it == offered_.end()) throw core::conflict("this dialog is no longer on offer");
    site = it->second;
    offered_.erase(it);  // the first taker wins; a concurrent take gets the conflict
  }
  core::dialogs::Dialog d;
  try {
    d = dialogs_.assign(by, dialogId, by.user->id);
  } catch (...) {
    std::lock_guard lock(offersMutex_);
    offered_[dialogId] = site;
    throw;
  }
  if (reoffers_) reoffers_->cancel(dialogId);
  hub_.noteAssigned(by.user->id, now());
  toOperators(d.siteId, frames::dialog(d));
  auto taken = frames::object("offer_taken");
  taken->set("dialog", d.id);
  taken->set("by", by.user->id);
  toOperators(d.siteId, taken);
  return d;
}

void ChatGateway::sendOffers(ConnectionId c, const std::vector<std::string>& sites) {
  std::vector<std::int64_t> ids;
  {
    std::lock_guard lock(offersMutex_);
    for (const auto& [id, site] : offered_) {
      if (std::find(sites.begin(), sites.end(), site) != sites.end()) ids.push_back(id);
    }
  }
  for (auto id : ids) {
    auto d = options_.firstResponses ? options_.firstResponses->unansweredDialog(id) : std::nullopt;
    if (!d) {
      std::lock_guard lock(offersMutex_);
      offered_.erase(id);  // answered or closed since: the offer is over
      continue;
    }
    sendTo(c, offerFrame(*d, dialogs_.dialog(systemPrincipal(), id).visitorId));
  }
}

}  // namespace callpy::realtime
