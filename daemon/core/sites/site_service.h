#pragma once
// Sites (F9), their departments (F3) and working hours, with per-site authorisation.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/accounts/types.h"
#include "core/ports/crypto.h"
#include "core/ports/site_store.h"
#include "core/sites/snippet.h"
#include "core/sites/types.h"

namespace callpy::core::sites {

struct SiteView {
  Site site;
  std::optional<accounts::Role> role;  // the caller's role (owner for the administrator)
};

struct SiteChanges {
  std::optional<std::string> name;
  std::optional<std::string> language;
  std::optional<std::vector<std::string>> origins;
  std::optional<std::vector<std::string>> offlineEmails;
  // Chat settings (issue 4 §4); see ChatSettings.
  std::optional<bool> typingPreview;
  std::optional<int> firstResponseSeconds;
  std::optional<int> dialogLimit;
  std::optional<bool> prechatDepartments;
  std::optional<std::optional<std::int64_t>> defaultDepartmentId;  // {nullopt}: clear it
  // Incoming call settings (F21); see CallSettings.
  std::optional<bool> callsEnabled;
  std::optional<RingMode> ringMode;
  std::optional<int> ringTimeoutSeconds;
  std::optional<AfterHoursCall> afterHours;
};

// What routing and the widget need of a site in one read (no authorisation: internal callers).
struct ChatContext {
  Site site;
  std::vector<Department> departments;
  std::map<std::int64_t, int> operatorLimits;  // per-operator overrides
  // The limit that applies to `userId`: its override, else the site's dialog_limit.
  int limitFor(std::int64_t userId) const {
    auto it = operatorLimits.find(userId);
    return it == operatorLimits.end() ? site.chat.dialogLimit : it->second;
  }
};

struct HoursView {
  WorkingHours hours;
  bool openNow = true;
};

class SiteService {
 public:
  using Clock = std::function<std::int64_t()>;
  SiteService(ports::SiteStore& store, ports::Crypto& crypto, ports::TimeZoneSource& zones,
              std::string publicUrl, Clock clock);

  std::vector<SiteView> list(const accounts::Principal& p);
  SiteView get(const accounts::Principal& p, const std::string& id);
  // Creates a site; `requestedId` may be empty (made from the name). The caller's user (if any)
  // must then be made owner by the accounts service.
  Site create(const std::string& name, const std::string& url, const std::string& language,
              const std::string& requestedId);
  SiteView update(const accounts::Principal& p, const std::string& id, const SiteChanges& c);
  void remove(const accounts::Principal& p, const std::string& id);
  Snippet snippet(const accounts::Principal& p, const std::string& id);

  std::vector<Department> departments(const accounts::Principal& p, const std::string& siteId);
  Department createDepartment(const accounts::Principal& p, const std::string& siteId,
                              const std::string& name, const std::string& slug);
  Department updateDepartment(const accounts::Principal& p, const std::string& siteId,
                              const std::string& slug, const std::optional<std::string>& name,
                              const std::optional<std::vector<std::int64_t>>& operators);
  void deleteDepartment(const accounts::Principal& p, const std::string& siteId,
                        const std::string& slug);

  HoursView hours(const accounts::Principal& p, const std::string& siteId);
  HoursView setHours(const accounts::Principal& p, const std::string& siteId,
                     const WorkingHours& hours);
  // Per-operator dialog limits (overrides of the site's dialog_limit). Reading needs operator,
  // changing needs admin; nullopt removes the override.
  std::map<std::int64_t, int> operatorLimits(const accounts::Principal& p,
                                             const std::string& siteId);
  void setOperatorLimit(const accounts::Principal& p, const std::string& siteId,
                        std::int64_t userId, std::optional<int> limit);
  // Site, departments and limits for routing (not_found for an unknown site).
  ChatContext chatContext(const std::string& siteId);

  // The site a widget key belongs to (public: the key is in every page of the site).
  std::optional<Site> siteByWidgetKey(const std::string& widgetKey);
  // Whether the site is open now (used by the widget and routing later).
  bool isOpenNow(const std::string& siteId);

 private:
  Site requireSite(ports::SiteTx& tx, const accounts::Principal& p, const std::string& id,
                   accounts::Role minimum);
  Department findDepartment(ports::SiteTx& tx, const std::string& siteId, const std::string& slug);
  bool openAt(const WorkingHours& hours, std::int64_t now);

  ports::SiteStore& store_;
  ports::Crypto& crypto_;
  ports::TimeZoneSource& zones_;
  std::string publicUrl_;
  Clock clock_;
};

}  // namespace callpy::core::sites
