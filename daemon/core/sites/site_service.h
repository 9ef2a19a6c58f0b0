#pragma once
// Sites (F9), their departments (F3) and working hours, with per-site authorisation.
#include <cstdint>
#include <functional>
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
