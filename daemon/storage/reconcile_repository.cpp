#include "storage/reconcile_repository.h"

#include <optional>
#include <set>
#include <utility>

#include "storage/site_repository.h"

namespace callpy::storage {

namespace {

using core::sites::DeclaredDepartment;
using core::sites::DeclaredSite;

// Returns the user's id, creating a password-less account when the e-mail is new.
std::int64_t ensureUser(Connection& c, const std::string& email, const std::string& language,
                        std::int64_t now, ReconcileReport& report) {
  auto& find = c.prepare("SELECT id FROM users WHERE email = ?");
  find.bind(1, email);
  if (find.step()) return find.columnInt64(0);
  c.prepare(
       "INSERT INTO users(email, name, password_hash, language, created_at) "
       "VALUES (?, '', NULL, ?, ?)")
      .bind(1, email)
      .bind(2, language)
      .bind(3, now)
      .run();
  report.usersCreated.push_back(email);
  return c.lastInsertRowId();
}

void upsertSite(Connection& c, const DeclaredSite& site, std::int64_t now,
                const WidgetKeySource& newWidgetKey, ReconcileReport& report) {
  auto& exists = c.prepare("SELECT 1 FROM sites WHERE id = ?");
  exists.bind(1, site.id);
  if (exists.step()) {
    c.prepare(
         "UPDATE sites SET name = ?, language = ?, offline_emails = ?, managed_by_config = 1 "
         "WHERE id = ?")
        .bind(1, site.name)
        .bind(2, site.language)
        .bind(3, joinList(site.offlineEmails))
        .bind(4, site.id)
        .run();
    ++report.sitesUpdated;
  } else {
    c.prepare(
         "INSERT INTO sites(id, name, language, widget_key, managed_by_config, created_at, "
         "offline_emails) VALUES (?, ?, ?, ?, 1, ?, ?)")
        .bind(1, site.id)
        .bind(2, site.name)
        .bind(3, site.language)
        .bind(4, newWidgetKey())
        .bind(5, now)
        .bind(6, joinList(site.offlineEmails))
        .run();
    ++report.sitesCreated;
  }
  c.prepare("DELETE FROM site_origins WHERE site_id = ?").bind(1, site.id).run();
  for (const std::string& origin : site.origins) {
    c.prepare("INSERT INTO site_origins(site_id, origin) VALUES (?, ?)")
        .bind(1, site.id)
        .bind(2, origin)
        .run();
  }
  // No hours declared means "always open" in the site's default zone, replacing whatever the
  // rows said: a managed site has no other source of truth.
  saveHours(c, site.id, site.hours.value_or(core::sites::WorkingHours{}));
}

std::int64_t upsertDepartment(Connection& c, const std::string& siteId,
                              const DeclaredDepartment& d, ReconcileReport& report) {
  auto& find = c.prepare("SELECT id FROM departments WHERE site_id = ? AND slug = ?");
  find.bind(1, siteId).bind(2, d.id);
  if (find.step()) {
    std::int64_t id = find.columnInt64(0);
    c.prepare("UPDATE departments SET name = ?, managed_by_config = 1 WHERE id = ?")
        .bind(1, d.name)
        .bind(2, id)
        .run();
    ++report.departmentsUpdated;
    return id;
  }
  c.prepare("INSERT INTO departments(site_id, slug, name, managed_by_config) VALUES (?, ?, ?, 1)")
      .bind(1, siteId)
      .bind(2, d.id)
      .bind(3, d.name)
      .run();
  ++report.departmentsCreated;
  return c.lastInsertRowId();
}

void reconcileDepartments(Connection& c, const DeclaredSite& site, std::int64_t now,
                          ReconcileReport& report) {
  std::set<std::string> declared;
  std::set<std::int64_t> declaredUsers;
  for (const DeclaredDepartment& d : site.departments) {
    declared.insert(d.id);
    std::int64_t departmentId = upsertDepartment(c, site.id, d, report);
    std::vector<std::int64_t> members;
    for (const std::string& email : d.operators) {
      std::int64_t userId = ensureUser(c, email, site.language, now, report);
      members.push_back(userId);
      declaredUsers.insert(userId);
      // A user who already has a role here (an owner, say) keeps it; only newcomers become
      // config-managed operators.
      int added = c.prepare(
                       "INSERT INTO memberships(user_id, site_id, role, managed_by_config, "
                       "created_at) VALUES (?, ?, 'operator', 1, ?) "
                       "ON CONFLICT(user_id, site_id) DO NOTHING")
                      .bind(1, userId)
                      .bind(2, site.id)
                      .bind(3, now)
                      .run();
      report.membershipsCreated += added;
    }
    c.prepare("DELETE FROM department_members WHERE department_id = ?").bind(1, departmentId).run();
    for (std::int64_t userId : members) {
      c.prepare("INSERT INTO department_members(department_id, user_id) VALUES (?, ?)")
          .bind(1, departmentId)
          .bind(2, userId)
          .run();
    }
  }

  std::vector<std::pair<std::int64_t, std::string>> managed;
  auto& list =
      c.prepare("SELECT id, slug FROM departments WHERE site_id = ? AND managed_by_config = 1");
  list.bind(1, site.id);
  while (list.step()) managed.emplace_back(list.columnInt64(0), list.columnText(1));
  for (const auto& [id, slug] : managed) {
    if (declared.count(slug)) continue;
    c.prepare("UPDATE departments SET managed_by_config = 0 WHERE id = ?").bind(1, id).run();
    ++report.departmentsReleased;
  }

  std::vector<std::int64_t> managedMembers;
  auto& ms =
      c.prepare("SELECT user_id FROM memberships WHERE site_id = ? AND managed_by_config = 1");
  ms.bind(1, site.id);
  while (ms.step()) managedMembers.push_back(ms.columnInt64(0));
  for (std::int64_t userId : managedMembers) {
    if (declaredUsers.count(userId)) continue;
    c.prepare("UPDATE memberships SET managed_by_config = 0 WHERE site_id = ? AND user_id = ?")
        .bind(1, site.id)
        .bind(2, userId)
        .run();
    ++report.membershipsReleased;
  }
}

// sites[].chat: after the departments, so the default department's slug resolves to its id and
// the operators with a limit already hold memberships (the loader checks they are declared).
void reconcileChat(Connection& c, const DeclaredSite& site) {
  std::optional<std::int64_t> defaultDepartment;
  if (!site.chat.defaultDepartment.empty()) {
    auto& find = c.prepare("SELECT id FROM departments WHERE site_id = ? AND slug = ?");
    find.bind(1, site.id).bind(2, site.chat.defaultDepartment);
    if (find.step()) defaultDepartment = find.columnInt64(0);
  }
  auto& u = c.prepare(
      "UPDATE sites SET typing_preview = ?, first_response_seconds = ?, dialog_limit = ?, "
      "prechat_departments = ?, default_department_id = ? WHERE id = ?");
  u.bind(1, site.chat.typingPreview ? 1 : 0)
      .bind(2, site.chat.firstResponseSeconds)
      .bind(3, site.chat.dialogLimit)
      .bind(4, site.chat.prechatDepartments ? 1 : 0);
  if (defaultDepartment) u.bind(5, *defaultDepartment);
  else u.bindNull(5);
  u.bind(6, site.id).run();
  // sites[].calls (F21): absent keys are the schema's defaults, like chat.
  c.prepare(
       "UPDATE sites SET calls_enabled = ?, call_ring_mode = ?, call_ring_timeout_seconds = ?, "
       "call_after_hours = ? WHERE id = ?")
      .bind(1, site.calls.enabled ? 1 : 0)
      .bind(2, std::string(core::sites::ringModeName(site.calls.ringMode)))
      .bind(3, site.calls.ringTimeoutSeconds)
      .bind(4, std::string(core::sites::afterHoursName(site.calls.afterHours)))
      .bind(5, site.id)
      .run();
  c.prepare("UPDATE memberships SET dialog_limit = NULL WHERE site_id = ?").bind(1, site.id).run();
  for (const auto& [email, limit] : site.chat.operatorLimits) {
    c.prepare(
         "UPDATE memberships SET dialog_limit = ? WHERE site_id = ? AND user_id = "
         "(SELECT id FROM users WHERE lower(email) = lower(?))")
        .bind(1, limit)
        .bind(2, site.id)
        .bind(3, email)
        .run();
  }
}

void releaseUndeclaredSites(Connection& c, const std::vector<DeclaredSite>& sites,
                            ReconcileReport& report) {
  std::set<std::string> declared;
  for (const DeclaredSite& s : sites) declared.insert(s.id);
  std::vector<std::string> released;
  auto& list = c.prepare("SELECT id FROM sites WHERE managed_by_config = 1");
  while (list.step()) {
    std::string id = list.columnText(0);
    if (!declared.count(id)) released.push_back(std::move(id));
  }
  for (const std::string& id : released) {
    c.prepare("UPDATE sites SET managed_by_config = 0 WHERE id = ?").bind(1, id).run();
    report.departmentsReleased += c.prepare(
                                       "UPDATE departments SET managed_by_config = 0 "
                                       "WHERE site_id = ? AND managed_by_config = 1")
                                      .bind(1, id)
                                      .run();
    report.membershipsReleased += c.prepare(
                                       "UPDATE memberships SET managed_by_config = 0 "
                                       "WHERE site_id = ? AND managed_by_config = 1")
                                      .bind(1, id)
                                      .run();
    ++report.sitesReleased;
  }
}

}  // namespace

ReconcileReport reconcileDeclaredSites(Connection& c, const std::vector<DeclaredSite>& sites,
                                       std::int64_t now, const WidgetKeySource& newWidgetKey) {
  ReconcileReport report;
  for (const DeclaredSite& site : sites) {
    upsertSite(c, site, now, newWidgetKey, report);
    reconcileDepartments(c, site, now, report);
    reconcileChat(c, site);
  }
  releaseUndeclaredSites(c, sites, report);
  return report;
}

}  // namespace callpy::storage
