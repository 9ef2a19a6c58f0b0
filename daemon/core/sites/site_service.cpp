#include "core/sites/site_service.h"

#include <algorithm>
#include <set>

#include "core/accounts/account_service.h"
#include "core/common/error.h"

namespace callpy::core::sites {

using accounts::Principal;
using accounts::Role;

SiteService::SiteService(ports::SiteStore& store, ports::Crypto& crypto,
                         ports::TimeZoneSource& zones, std::string publicUrl, Clock clock)
    : store_(store),
      crypto_(crypto),
      zones_(zones),
      publicUrl_(std::move(publicUrl)),
      clock_(std::move(clock)) {}

Site SiteService::requireSite(ports::SiteTx& tx, const Principal& p, const std::string& id,
                              Role minimum) {
  auto site = tx.site(id);
  // Non-members learn nothing about which site ids exist.
  if (!site) {
    if (p.system) throw notFound("no such site: " + id);
    throw forbidden("you have no access to this site");
  }
  p.require(id, minimum);
  return *site;
}

std::vector<SiteView> SiteService::list(const Principal& p) {
  std::vector<SiteView> out;
  store_.read([&](ports::SiteTx& tx) {
    for (auto& s : tx.allSites()) {
      auto role = p.roleOn(s.id);
      if (role) out.push_back({std::move(s), role});
    }
  });
  return out;
}

SiteView SiteService::get(const Principal& p, const std::string& id) {
  SiteView v;
  store_.read([&](ports::SiteTx& tx) { v = {requireSite(tx, p, id, Role::Operator), p.roleOn(id)}; });
  return v;
}

static void checkName(const std::string& name) {
  if (name.empty() || name.size() > 200) {
    throw invalid("the name must have 1 to 200 characters", "name");
  }
}

static void checkLanguage(const std::string& language) {
  if (language != "ru" && language != "en") throw invalid("language must be ru or en", "language");
}

Site SiteService::create(const std::string& name, const std::string& url,
                         const std::string& language, const std::string& requestedId) {
  checkName(name);
  checkLanguage(language);
  auto origin = originOf(url);
  if (!origin) throw invalid("enter the site's address, like https://example.com", "url");
  if (!requestedId.empty() && !isValidSlug(requestedId)) {
    throw invalid("the id may have lowercase letters, digits and dashes (up to 32)", "id");
  }
  Site site;
  site.name = name;
  site.language = language;
  site.origins = {*origin};
  // The widget key is public (it is in every page) but unguessable, so site ids stay private.
  site.widgetKey = crypto_.randomToken().substr(0, 24);
  store_.write([&](ports::SiteTx& tx) {
    if (!requestedId.empty()) {
      if (tx.site(requestedId)) throw conflict("a site with id " + requestedId + " exists");
      site.id = requestedId;
    } else {
      auto base = slugify(name);
      if (base.empty()) base = "site";
      base = base.substr(0, 28);
      // Cutting may leave a dash at the end; "-2" after it would make "name--2".
      while (base.size() > 1 && base.back() == '-') base.pop_back();
      site.id = base;
      for (int n = 2; tx.site(site.id); ++n) site.id = base + "-" + std::to_string(n);
    }
    tx.createSite(site, clock_());
  });
  return site;
}

SiteView SiteService::update(const Principal& p, const std::string& id, const SiteChanges& c) {
  SiteView v;
  std::vector<std::string> origins;
  if (c.origins) {
    for (const auto& o : *c.origins) {
      auto origin = originOf(o);
      if (!origin) throw invalid("not a site address: " + o, "origins");
      if (std::find(origins.begin(), origins.end(), *origin) == origins.end()) {
        origins.push_back(*origin);
      }
    }
    if (origins.empty()) throw invalid("a site needs at least one address", "origins");
  }
  std::vector<std::string> emails;
  if (c.offlineEmails) {
    if (c.offlineEmails->size() > 10) throw invalid("at most 10 addresses", "offline_emails");
    for (const auto& e : *c.offlineEmails) {
      auto address = accounts::normalizeEmail(e);
      if (!accounts::isPlausibleEmail(address)) {
        throw invalid("not an e-mail address: " + e, "offline_emails");
      }
      if (std::find(emails.begin(), emails.end(), address) == emails.end()) emails.push_back(address);
    }
  }
  if (c.name) checkName(*c.name);
  if (c.language) checkLanguage(*c.language);
  if (auto problem = checkChatSettings(c.firstResponseSeconds.value_or(0), c.dialogLimit.value_or(0))) {
    throw invalid(problem->second, problem->first);
  }
  if (c.ringTimeoutSeconds &&
      (*c.ringTimeoutSeconds < kMinRingTimeoutSeconds || *c.ringTimeoutSeconds > kMaxRingTimeoutSeconds)) {
    throw invalid("ring_timeout_seconds must be " + std::to_string(kMinRingTimeoutSeconds) + " to " +
                      std::to_string(kMaxRingTimeoutSeconds),
                  "ring_timeout_seconds");
  }
  store_.write([&](ports::SiteTx& tx) {
    auto site = requireSite(tx, p, id, Role::Admin);
    if (site.managedByConfig) {
      throw conflict("this site is managed by the configuration file; change it there");
    }
    if (c.name) site.name = *c.name;
    if (c.language) site.language = *c.language;
    if (c.origins) site.origins = origins;
    if (c.offlineEmails) site.offlineEmails = emails;
    if (c.typingPreview) site.chat.typingPreview = *c.typingPreview;
    if (c.firstResponseSeconds) site.chat.firstResponseSeconds = *c.firstResponseSeconds;
    if (c.dialogLimit) site.chat.dialogLimit = *c.dialogLimit;
    if (c.prechatDepartments) site.chat.prechatDepartments = *c.prechatDepartments;
    if (c.callsEnabled) site.calls.enabled = *c.callsEnabled;
    if (c.ringMode) site.calls.ringMode = *c.ringMode;
    if (c.ringTimeoutSeconds) site.calls.ringTimeoutSeconds = *c.ringTimeoutSeconds;
    if (c.afterHours) site.calls.afterHours = *c.afterHours;
    if (c.defaultDepartmentId) {
      if (auto dep = *c.defaultDepartmentId) {
        auto deps = tx.departments(id);
        if (std::none_of(deps.begin(), deps.end(), [&](const Department& d) { return d.id == *dep; })) {
          throw invalid("no such department on this site", "default_department_id");
        }
      }
      site.chat.defaultDepartmentId = *c.defaultDepartmentId;
    }
    tx.updateSite(site);
    v = {site, p.roleOn(id)};
  });
  return v;
}

void SiteService::remove(const Principal& p, const std::string& id) {
  store_.write([&](ports::SiteTx& tx) {
    auto site = requireSite(tx, p, id, Role::Owner);
    if (site.managedByConfig) {
      throw conflict("this site is managed by the configuration file; remove it there");
    }
    tx.deleteSite(id);
  });
}

Snippet SiteService::snippet(const Principal& p, const std::string& id) {
  return makeSnippet(publicUrl_, get(p, id).site.widgetKey);
}

std::vector<Department> SiteService::departments(const Principal& p, const std::string& siteId) {
  std::vector<Department> out;
  store_.read([&](ports::SiteTx& tx) {
    requireSite(tx, p, siteId, Role::Operator);
    out = tx.departments(siteId);
  });
  return out;
}

Department SiteService::findDepartment(ports::SiteTx& tx, const std::string& siteId,
                                       const std::string& slug) {
  for (auto& d : tx.departments(siteId)) {
    if (d.slug == slug) return d;
  }
  throw notFound("no such department: " + slug);
}

Department SiteService::createDepartment(const Principal& p, const std::string& siteId,
                                         const std::string& name, const std::string& slugIn) {
  checkName(name);
  auto slug = slugIn.empty() ? slugify(name) : slugIn;
  if (!slugIn.empty() && !isValidSlug(slugIn)) {
    throw invalid("the id may have lowercase letters, digits and dashes (up to 32)", "slug");
  }
  Department d;
  store_.write([&](ports::SiteTx& tx) {
    requireSite(tx, p, siteId, Role::Admin);
    auto existing = tx.departments(siteId);
    auto taken = [&](const std::string& s) {
      return std::any_of(existing.begin(), existing.end(), [&](auto& e) { return e.slug == s; });
    };
    if (!slugIn.empty() && taken(slug)) throw conflict("a department with id " + slug + " exists");
    if (slug.empty()) slug = "department";
    auto base = slug.substr(0, 28);
    while (base.size() > 1 && base.back() == '-') base.pop_back();
    for (int n = 2; taken(slug); ++n) slug = base + "-" + std::to_string(n);
    d.id = tx.createDepartment(siteId, slug, name);
    d.slug = slug;
    d.name = name;
  });
  return d;
}

Department SiteService::updateDepartment(const Principal& p, const std::string& siteId,
                                         const std::string& slug,
                                         const std::optional<std::string>& name,
                                         const std::optional<std::vector<std::int64_t>>& operators) {
  if (name) checkName(*name);
  Department d;
  store_.write([&](ports::SiteTx& tx) {
    requireSite(tx, p, siteId, Role::Admin);
    d = findDepartment(tx, siteId, slug);
    if (d.managedByConfig) {
      throw conflict("this department is managed by the configuration file; change it there");
    }
    if (name) {
      tx.renameDepartment(d.id, *name);
      d.name = *name;
    }
    if (operators) {
      std::set<std::int64_t> unique(operators->begin(), operators->end());
      for (auto uid : unique) {
        if (!tx.isMember(siteId, uid)) {
          throw invalid("user " + std::to_string(uid) + " is not an operator of this site",
                        "operators");
        }
      }
      d.operators.assign(unique.begin(), unique.end());
      tx.setDepartmentOperators(d.id, d.operators);
    }
  });
  return d;
}

void SiteService::deleteDepartment(const Principal& p, const std::string& siteId,
                                   const std::string& slug) {
  store_.write([&](ports::SiteTx& tx) {
    requireSite(tx, p, siteId, Role::Admin);
    auto d = findDepartment(tx, siteId, slug);
    if (d.managedByConfig) {
      throw conflict("this department is managed by the configuration file; remove it there");
    }
    tx.deleteDepartment(d.id);
  });
}

bool SiteService::openAt(const WorkingHours& hours, std::int64_t now) {
  if (!hours.configured) return true;
  auto zone = zones_.load(hours.timezone);
  return isOpen(hours, zone ? *zone : TimeZone::utc(), now);
}

HoursView SiteService::hours(const Principal& p, const std::string& siteId) {
  HoursView v;
  store_.read([&](ports::SiteTx& tx) {
    requireSite(tx, p, siteId, Role::Operator);
    v.hours = tx.hours(siteId);
  });
  v.openNow = openAt(v.hours, clock_());
  return v;
}

HoursView SiteService::setHours(const Principal& p, const std::string& siteId,
                                const WorkingHours& hours) {
  if (!zones_.load(hours.timezone)) {
    throw invalid("unknown time zone: " + hours.timezone, "timezone");
  }
  if (auto problems = validateWorkingHours(hours); !problems.empty()) {
    throw invalid(problems.front().message, "weekly");
  }
  store_.write([&](ports::SiteTx& tx) {
    auto site = requireSite(tx, p, siteId, Role::Admin);
    if (site.managedByConfig) {
      throw conflict("this site is managed by the configuration file; change its hours there");
    }
    tx.setHours(siteId, hours);
  });
  return {hours, openAt(hours, clock_())};
}

std::map<std::int64_t, int> SiteService::operatorLimits(const Principal& p,
                                                        const std::string& siteId) {
  std::map<std::int64_t, int> out;
  store_.read([&](ports::SiteTx& tx) {
    requireSite(tx, p, siteId, Role::Operator);
    out = tx.operatorDialogLimits(siteId);
  });
  return out;
}

void SiteService::setOperatorLimit(const Principal& p, const std::string& siteId,
                                   std::int64_t userId, std::optional<int> limit) {
  if (limit) {
    if (auto problem = checkChatSettings(0, *limit)) throw invalid(problem->second, problem->first);
  }
  store_.write([&](ports::SiteTx& tx) {
    auto site = requireSite(tx, p, siteId, Role::Admin);
    if (site.managedByConfig) {
      throw conflict("this site is managed by the configuration file; change its limits there");
    }
    if (!tx.isMember(siteId, userId)) throw notFound("no such operator on this site");
    tx.setOperatorDialogLimit(siteId, userId, limit);
  });
}

ChatContext SiteService::chatContext(const std::string& siteId) {
  ChatContext out;
  store_.read([&](ports::SiteTx& tx) {
    auto site = tx.site(siteId);
    if (!site) throw notFound("no such site: " + siteId);
    out.site = std::move(*site);
    out.departments = tx.departments(siteId);
    out.operatorLimits = tx.operatorDialogLimits(siteId);
  });
  return out;
}

std::optional<Site> SiteService::siteByWidgetKey(const std::string& widgetKey) {
  if (widgetKey.empty() || widgetKey.size() > 64) return std::nullopt;
  std::optional<Site> site;
  store_.read([&](ports::SiteTx& tx) { site = tx.siteByWidgetKey(widgetKey); });
  return site;
}

bool SiteService::isOpenNow(const std::string& siteId) {
  WorkingHours h;
  store_.read([&](ports::SiteTx& tx) { h = tx.hours(siteId); });
  return openAt(h, clock_());
}

}  // namespace callpy::core::sites
