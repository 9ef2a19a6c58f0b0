#pragma once
// Who is connected: visitors (one entry per visitor, one or more tabs) and operator tabs per site.
// Sessions on every loop and worker thread read and change it, so one mutex guards it all; the
// critical sections only copy small vectors (fan-out itself happens outside, in RealtimeServer).
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "realtime/realtime_server.h"

namespace callpy::realtime {

// What operators see of a connected visitor (F12, F4).
struct VisitorView {
  std::int64_t id = 0;
  std::string siteId;
  std::string name;
  std::string contactName, contactEmail, contactPhone;
  std::string userAgent;
  std::string pageUrl, pageTitle;
  // Visitor info (visitor_tracking.cpp): parsed once at hello; location from the peer address.
  std::string browser, os, device;  // "Chrome 126", "Windows 10", "pc|phone|tablet"
  std::string location, countryCode;  // "Москва, Россия", "RU"; "" when unknown
  std::string referrer;               // of the page this tab opened with
  std::optional<std::int64_t> dialogId;
  std::int64_t sinceMs = 0;
  bool focused = true;      // any tab focused
  bool widgetOpen = false;  // any tab with the chat window open
};

struct TabState {
  bool focused = true;
  bool widgetOpen = false;
};

class ChatHub {
 public:
  // Returns true when this is the visitor's first tab.
  bool visitorJoined(ConnectionId tab, VisitorView view);
  // Returns the visitor's view when `tab` was its last tab (the visitor left), else nullopt.
  std::optional<VisitorView> visitorLeft(std::int64_t visitorId, ConnectionId tab);
  // Applies a change to the visitor (and this tab's state); returns the updated view.
  std::optional<VisitorView> updateVisitor(std::int64_t visitorId, ConnectionId tab,
                                           const std::function<void(VisitorView&, TabState&)>& change);
  std::vector<ConnectionId> visitorTabs(std::int64_t visitorId) const;
  std::vector<ConnectionId> visitorTabsOfSite(const std::string& siteId) const;
  std::vector<VisitorView> visitorsOfSites(const std::vector<std::string>& sites) const;

  // Operator tabs. Each call returns the sites whose number of online operators changed.
  std::vector<std::string> operatorJoined(ConnectionId tab, std::int64_t userId,
                                          std::vector<std::string> sites, bool online);
  std::vector<std::string> operatorStatus(ConnectionId tab, bool online);
  std::vector<std::string> operatorLeft(ConnectionId tab);
  std::vector<ConnectionId> operatorTabsOfSite(const std::string& siteId) const;
  std::vector<ConnectionId> operatorTabsOfUser(std::int64_t userId) const;
  // Distinct users with at least one tab online on the site.
  int operatorsOnline(const std::string& siteId) const;
  // Those users, each with when they were last given a dialog (or came online): for routing.
  std::vector<std::pair<std::int64_t, std::int64_t>> onlineOperators(const std::string& siteId) const;
  void noteAssigned(std::int64_t userId, std::int64_t when);

 private:
  struct VisitorEntry {
    VisitorView view;
    std::map<ConnectionId, TabState> tabs;
  };
  struct OperatorTab {
    std::int64_t userId = 0;
    std::vector<std::string> sites;
    bool online = true;
  };
  void recompute(VisitorEntry& e);
  int onlineLocked(const std::string& siteId) const;
  std::vector<std::string> changedSites(const std::vector<std::string>& sites,
                                        const std::map<std::string, int>& before) const;

  mutable std::mutex mutex_;
  std::map<std::int64_t, VisitorEntry> visitors_;
  std::map<std::string, std::set<std::int64_t>> visitorsBySite_;
  std::map<ConnectionId, OperatorTab> operators_;
  std::map<std::string, std::set<ConnectionId>> operatorsBySite_;
  std::map<std::int64_t, std::int64_t> idleSince_;  // user → last assignment or arrival
};

}  // namespace callpy::realtime
