#pragma once
// What the sites service needs from storage; same unit-of-work shape as AccountStore.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/sites/types.h"
#include "core/sites/working_hours.h"

namespace callpy::core::ports {

class SiteTx {
 public:
  virtual ~SiteTx() = default;
  virtual std::vector<sites::Site> allSites() = 0;
  virtual std::optional<sites::Site> site(const std::string& id) = 0;
  virtual std::optional<sites::Site> siteByWidgetKey(const std::string& widgetKey) = 0;
  virtual void createSite(const sites::Site& site, std::int64_t now) = 0;
  virtual void updateSite(const sites::Site& site) = 0;  // name, language, origins, chat
  virtual void deleteSite(const std::string& id) = 0;

  virtual std::vector<sites::Department> departments(const std::string& siteId) = 0;
  virtual std::int64_t createDepartment(const std::string& siteId, const std::string& slug,
                                        const std::string& name) = 0;
  virtual void renameDepartment(std::int64_t id, const std::string& name) = 0;
  virtual void setDepartmentOperators(std::int64_t id, const std::vector<std::int64_t>& users) = 0;
  virtual void deleteDepartment(std::int64_t id) = 0;
  // Whether the user holds a membership (any role, enabled or not) on the site.
  virtual bool isMember(const std::string& siteId, std::int64_t userId) = 0;

  // Per-operator overrides of the site's dialog_limit (memberships.dialog_limit), by user id.
  virtual std::map<std::int64_t, int> operatorDialogLimits(const std::string& siteId) = 0;
  virtual void setOperatorDialogLimit(const std::string& siteId, std::int64_t userId,
                                      std::optional<int> limit) = 0;

  virtual sites::WorkingHours hours(const std::string& siteId) = 0;
  virtual void setHours(const std::string& siteId, const sites::WorkingHours& hours) = 0;
};

class SiteStore {
 public:
  virtual ~SiteStore() = default;
  virtual void read(const std::function<void(SiteTx&)>& work) = 0;
  virtual void write(const std::function<void(SiteTx&)>& work) = 0;
};

// Loads IANA zones for hours checks (an adapter reads /usr/share/zoneinfo).
class TimeZoneSource {
 public:
  virtual ~TimeZoneSource() = default;
  // nullopt when the name is unknown.
  virtual std::optional<sites::TimeZone> load(const std::string& name) = 0;
};

}  // namespace callpy::core::ports
