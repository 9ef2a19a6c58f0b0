#include "realtime/chat_hub.h"

namespace callpy::realtime {

void ChatHub::recompute(VisitorEntry& e) {
  e.view.focused = false;
  e.view.widgetOpen = false;
  for (const auto& [tab, state] : e.tabs) {
    e.view.focused = e.view.focused || state.focused;
    e.view.widgetOpen = e.view.widgetOpen || state.widgetOpen;
  }
}

bool ChatHub::visitorJoined(ConnectionId tab, VisitorView view) {
  std::lock_guard lock(mutex_);
  auto [it, inserted] = visitors_.try_emplace(view.id);
  if (inserted) {
    it->second.view = std::move(view);
    visitorsBySite_[it->second.view.siteId].insert(it->first);
  }
  it->second.tabs[tab] = TabState{};
  recompute(it->second);
  return inserted;
}

std::optional<VisitorView> ChatHub::visitorLeft(std::int64_t visitorId, ConnectionId tab) {
  std::lock_guard lock(mutex_);
  auto it = visitors_.find(visitorId);
  if (it == visitors_.end()) return std::nullopt;
  it->second.tabs.erase(tab);
  if (!it->second.tabs.empty()) {
    recompute(it->second);
    return std::nullopt;
  }
  VisitorView gone = std::move(it->second.view);
  visitors_.erase(it);
  auto site = visitorsBySite_.find(gone.siteId);
  if (site != visitorsBySite_.end()) {
    site->second.erase(visitorId);
    if (site->second.empty()) visitorsBySite_.erase(site);
  }
  return gone;
}

std::optional<VisitorView> ChatHub::updateVisitor(
    std::int64_t visitorId, ConnectionId tab,
    const std::function<void(VisitorView&, TabState&)>& change) {
  std::lock_guard lock(mutex_);
  auto it = visitors_.find(visitorId);
  if (it == visitors_.end()) return std::nullopt;
  TabState scratch;
  auto t = it->second.tabs.find(tab);
  change(it->second.view, t == it->second.tabs.end() ? scratch : t->second);
  recompute(it->second);
  return it->second.view;
}

std::vector<ConnectionId> ChatHub::visitorTabs(std::int64_t visitorId) const {
  std::lock_guard lock(mutex_);
  std::vector<ConnectionId> out;
  auto it = visitors_.find(visitorId);
  if (it != visitors_.end()) {
    for (const auto& [tab, state] : it->second.tabs) out.push_back(tab);
  }
  return out;
}

std::vector<ConnectionId> ChatHub::visitorTabsOfSite(const std::string& siteId) const {
  std::lock_guard lock(mutex_);
  std::vector<ConnectionId> out;
  auto site = visitorsBySite_.find(siteId);
  if (site == visitorsBySite_.end()) return out;
  for (auto id : site->second) {
    for (const auto& [tab, state] : visitors_.at(id).tabs) out.push_back(tab);
  }
  return out;
}

std::vector<VisitorView> ChatHub::visitorsOfSites(const std::vector<std::string>& sites) const {
  std::lock_guard lock(mutex_);
  std::vector<VisitorView> out;
  for (const auto& s : sites) {
    auto site = visitorsBySite_.find(s);
    if (site == visitorsBySite_.end()) continue;
    for (auto id : site->second) out.push_back(visitors_.at(id).view);
  }
  return out;
}

int ChatHub::onlineLocked(const std::string& siteId) const {
  std::set<std::int64_t> users;
  auto site = operatorsBySite_.find(siteId);
  if (site == operatorsBySite_.end()) return 0;
  for (auto tab : site->second) {
    const auto& op = operators_.at(tab);
    if (op.online) users.insert(op.userId);
  }
  return static_cast<int>(users.size());
}

std::vector<std::string> ChatHub::changedSites(const std::vector<std::string>& sites,
                                               const std::map<std::string, int>& before) const {
  std::vector<std::string> out;
  for (const auto& s : sites) {
    if (onlineLocked(s) != before.at(s)) out.push_back(s);
  }
  return out;
}

std::vector<std::string> ChatHub::operatorJoined(ConnectionId tab, std::int64_t userId,
                                                 std::vector<std::string> sites, bool online) {
  std::lock_guard lock(mutex_);
  std::map<std::string, int> before;
  for (const auto& s : sites) before[s] = onlineLocked(s);
  for (const auto& s : sites) operatorsBySite_[s].insert(tab);
  operators_[tab] = OperatorTab{userId, sites, online};
  // Never given a dialog yet: idle "since forever", so preferred on ties.
  idleSince_.try_emplace(userId, 0);
  return changedSites(sites, before);
}

std::vector<std::string> ChatHub::operatorStatus(ConnectionId tab, bool online) {
  std::lock_guard lock(mutex_);
  auto it = operators_.find(tab);
  if (it == operators_.end()) return {};
  std::map<std::string, int> before;
  for (const auto& s : it->second.sites) before[s] = onlineLocked(s);
  it->second.online = online;
  return changedSites(it->second.sites, before);
}

std::vector<std::string> ChatHub::operatorLeft(ConnectionId tab) {
  std::lock_guard lock(mutex_);
  auto it = operators_.find(tab);
  if (it == operators_.end()) return {};
  auto sites = it->second.sites;
  std::map<std::string, int> before;
  for (const auto& s : sites) before[s] = onlineLocked(s);
  operators_.erase(it);
  for (const auto& s : sites) {
    auto site = operatorsBySite_.find(s);
    if (site == operatorsBySite_.end()) continue;
    site->second.erase(tab);
    if (site->second.empty()) operatorsBySite_.erase(site);
  }
  return changedSites(sites, before);
}

std::vector<ConnectionId> ChatHub::operatorTabsOfSite(const std::string& siteId) const {
  std::lock_guard lock(mutex_);
  auto site = operatorsBySite_.find(siteId);
  if (site == operatorsBySite_.end()) return {};
  return {site->second.begin(), site->second.end()};
}

std::vector<ConnectionId> ChatHub::operatorTabsOfUser(std::int64_t userId) const {
  std::lock_guard lock(mutex_);
  std::vector<ConnectionId> out;
  for (const auto& [tab, op] : operators_) {
    if (op.userId == userId) out.push_back(tab);
  }
  return out;
}

std::vector<std::pair<std::int64_t, std::int64_t>> ChatHub::onlineOperators(
    const std::string& siteId) const {
  std::lock_guard lock(mutex_);
  std::set<std::int64_t> users;
  auto site = operatorsBySite_.find(siteId);
  if (site != operatorsBySite_.end()) {
    for (auto tab : site->second) {
      const auto& op = operators_.at(tab);
      if (op.online) users.insert(op.userId);
    }
  }
  std::vector<std::pair<std::int64_t, std::int64_t>> out;
  for (auto u : users) {
    auto it = idleSince_.find(u);
    out.emplace_back(u, it == idleSince_.end() ? 0 : it->second);
  }
  return out;
}

void ChatHub::noteAssigned(std::int64_t userId, std::int64_t when) {
  std::lock_guard lock(mutex_);
  idleSince_[userId] = when;
}

int ChatHub::operatorsOnline(const std::string& siteId) const {
  std::lock_guard lock(mutex_);
  return onlineLocked(siteId);
}

}  // namespace callpy::realtime
