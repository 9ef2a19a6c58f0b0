#pragma once
// Sites and departments as an administrator declares them (today: in callpyd.yaml, DESIGN §6),
// before they are reconciled into the database. Pure data, so storage can reconcile them without
// depending on the config layer that reads them.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/sites/types.h"
#include "core/sites/working_hours.h"

namespace callpy::core::sites {

struct DeclaredDepartment {
  std::string id;  // slug, unique within the site (departments.slug)
  std::string name;
  std::vector<std::string> operators;  // e-mail addresses, as written
};

// sites[].chat; absent keys keep the schema's defaults (a managed site has no other source).
struct DeclaredChat {
  bool typingPreview = true;
  int firstResponseSeconds = 60;
  int dialogLimit = 0;
  bool prechatDepartments = true;
  std::string defaultDepartment;  // a department id (slug) of this site; "" = none
  std::vector<std::pair<std::string, int>> operatorLimits;  // e-mail → dialog limit override
};

struct DeclaredSite {
  std::string id;  // slug [a-z0-9-]{1,32}
  std::string name;
  std::vector<std::string> origins;  // normalised scheme://host[:port]
  std::string language = "ru";
  std::vector<DeclaredDepartment> departments;
  std::optional<WorkingHours> hours;  // nullopt: no hours declared (always open)
  std::vector<std::string> offlineEmails;  // where offline-form requests are e-mailed (F7)
  DeclaredChat chat;
  CallSettings calls;  // sites[].calls (F21)
};

}  // namespace callpy::core::sites
