#include "storage/site_repository.h"

namespace callpy::storage {

using core::sites::Department;
using core::sites::Site;
using core::sites::WorkingHours;

WorkingHours loadHours(Connection& c, const std::string& siteId) {
  WorkingHours h;
  auto& site = c.prepare("SELECT timezone, hours_configured FROM sites WHERE id = ?");
  site.bind(1, siteId);
  if (!site.step()) return h;
  h.timezone = site.columnText(0);
  h.configured = site.columnInt(1) != 0;
  auto& w = c.prepare(
      "SELECT weekday, start_minute, end_minute FROM hours_intervals WHERE site_id = ? "
      "ORDER BY weekday, start_minute");
  w.bind(1, siteId);
  while (w.step()) {
    auto day = w.columnInt(0);
    if (day >= 0 && day < 7) h.weekly[static_cast<std::size_t>(day)].push_back({w.columnInt(1), w.columnInt(2)});
  }
  auto& e = c.prepare(
      "SELECT date, start_minute, end_minute FROM hours_exceptions WHERE site_id = ? "
      "ORDER BY date, start_minute");
  e.bind(1, siteId);
  while (e.step()) {
    auto date = e.columnText(0);
    if (h.exceptions.empty() || h.exceptions.back().date != date) h.exceptions.push_back({date, {}});
    if (!e.isNull(1)) h.exceptions.back().intervals.push_back({e.columnInt(1), e.columnInt(2)});
  }
  return h;
}

void saveHours(Connection& c, const std::string& siteId, const WorkingHours& h) {
  c.prepare("UPDATE sites SET timezone = ?, hours_configured = ? WHERE id = ?")
      .bind(1, h.timezone).bind(2, h.configured ? 1 : 0).bind(3, siteId).run();
  c.prepare("DELETE FROM hours_intervals WHERE site_id = ?").bind(1, siteId).run();
  c.prepare("DELETE FROM hours_exceptions WHERE site_id = ?").bind(1, siteId).run();
  for (int day = 0; day < 7; ++day) {
    for (const auto& i : h.weekly[static_cast<std::size_t>(day)]) {
      c.prepare("INSERT INTO hours_intervals(site_id, weekday, start_minute, end_minute) "
                "VALUES (?, ?, ?, ?)")
          .bind(1, siteId).bind(2, day).bind(3, i.startMinute).bind(4, i.endMinute).run();
    }
  }
  for (const auto& ex : h.exceptions) {
    auto& ins = c.prepare(
        "INSERT INTO hours_exceptions(site_id, date, start_minute, end_minute) VALUES (?, ?, ?, ?)");
    if (ex.intervals.empty()) {
      ins.bind(1, siteId).bind(2, ex.date).bindNull(3).bindNull(4).run();
    }
    for (const auto& i : ex.intervals) {
      c.prepare("INSERT INTO hours_exceptions(site_id, date, start_minute, end_minute) "
                "VALUES (?, ?, ?, ?)")
          .bind(1, siteId).bind(2, ex.date).bind(3, i.startMinute).bind(4, i.endMinute).run();
    }
  }
}

std::vector<std::string> splitList(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::string joinList(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ",") + i;
  return out;
}

namespace {

const std::string kSiteColumns =
    "id, name, language, timezone, widget_key, managed_by_config, offline_emails, "
    "typing_preview, first_response_seconds, dialog_limit, prechat_departments, "
    "default_department_id, calls_enabled, call_ring_mode, call_ring_timeout_seconds, "
    "call_after_hours";

class SqlSiteTx : public core::ports::SiteTx {
 public:
  explicit SqlSiteTx(Connection& c) : c_(c) {}

  std::vector<Site> allSites() override {
    auto& s = c_.prepare(
        "SELECT " + kSiteColumns + " FROM sites ORDER BY name");
    std::vector<Site> out;
    while (s.step()) out.push_back(readSite(s));
    for (auto& site : out) site.origins = origins(site.id);
    return out;
  }
  std::optional<Site> site(const std::string& id) override {
    auto& s = c_.prepare(
        "SELECT " + kSiteColumns + " FROM sites WHERE id = ?");
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    auto site = readSite(s);
    site.origins = origins(id);
    return site;
  }
  std::optional<Site> siteByWidgetKey(const std::string& widgetKey) override {
    auto& s = c_.prepare("SELECT id FROM sites WHERE widget_key = ?");
    s.bind(1, widgetKey);
    if (!s.step()) return std::nullopt;
    auto id = s.columnText(0);
    s.reset();
    return site(id);
  }
  void createSite(const Site& site, std::int64_t now) override {
    c_.prepare(
          "INSERT INTO sites(id, name, language, timezone, widget_key, managed_by_config, "
          "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
        .bind(1, site.id).bind(2, site.name).bind(3, site.language).bind(4, site.timezone)
        .bind(5, site.widgetKey).bind(6, site.managedByConfig ? 1 : 0).bind(7, now).run();
    setOrigins(site.id, site.origins);
  }
  void updateSite(const Site& site) override {
    auto& u = c_.prepare(
        "UPDATE sites SET name = ?, language = ?, offline_emails = ?, typing_preview = ?, "
        "first_response_seconds = ?, dialog_limit = ?, prechat_departments = ?, "
        "default_department_id = ?, calls_enabled = ?, call_ring_mode = ?, "
        "call_ring_timeout_seconds = ?, call_after_hours = ? WHERE id = ?");
    u.bind(1, site.name).bind(2, site.language).bind(3, joinList(site.offlineEmails))
        .bind(4, site.chat.typingPreview ? 1 : 0).bind(5, site.chat.firstResponseSeconds)
        .bind(6, site.chat.dialogLimit).bind(7, site.chat.prechatDepartments ? 1 : 0);
    if (site.chat.defaultDepartmentId) u.bind(8, *site.chat.defaultDepartmentId);
    else u.bindNull(8);
    u.bind(9, site.calls.enabled ? 1 : 0)
        .bind(10, std::string(core::sites::ringModeName(site.calls.ringMode)))
        .bind(11, site.calls.ringTimeoutSeconds)
        .bind(12, std::string(core::sites::afterHoursName(site.calls.afterHours)));
    u.bind(13, site.id).run();
    setOrigins(site.id, site.origins);
  }
  void deleteSite(const std::string& id) override {
    c_.prepare("DELETE FROM sites WHERE id = ?").bind(1, id).run();
  }

  std::vector<Department> departments(const std::string& siteId) override {
    auto& s = c_.prepare(
        "SELECT id, slug, name, managed_by_config FROM departments WHERE site_id = ? ORDER BY name");
    s.bind(1, siteId);
    std::vector<Department> out;
    while (s.step()) {
      out.push_back({s.columnInt64(0), s.columnText(1), s.columnText(2), {}, s.columnInt(3) != 0});
    }
    for (auto& d : out) {
      auto& m = c_.prepare(
          "SELECT user_id FROM department_members WHERE department_id = ? ORDER BY user_id");
      m.bind(1, d.id);
      while (m.step()) d.operators.push_back(m.columnInt64(0));
    }
    return out;
  }
  std::int64_t createDepartment(const std::string& siteId, const std::string& slug,
                                const std::string& name) override {
    c_.prepare("INSERT INTO departments(site_id, slug, name) VALUES (?, ?, ?)")
        .bind(1, siteId).bind(2, slug).bind(3, name).run();
    return c_.lastInsertRowId();
  }
  void renameDepartment(std::int64_t id, const std::string& name) override {
    c_.prepare("UPDATE departments SET name = ? WHERE id = ?").bind(1, name).bind(2, id).run();
  }
  void setDepartmentOperators(std::int64_t id, const std::vector<std::int64_t>& users) override {
    c_.prepare("DELETE FROM department_members WHERE department_id = ?").bind(1, id).run();
    for (auto u : users) {
      c_.prepare("INSERT INTO department_members(department_id, user_id) VALUES (?, ?)")
          .bind(1, id).bind(2, u).run();
    }
  }
  void deleteDepartment(std::int64_t id) override {
    c_.prepare("DELETE FROM departments WHERE id = ?").bind(1, id).run();
  }
  bool isMember(const std::string& siteId, std::int64_t userId) override {
    auto& s = c_.prepare("SELECT 1 FROM memberships WHERE site_id = ? AND user_id = ?");
    s.bind(1, siteId).bind(2, userId);
    return s.step();
  }
  std::map<std::int64_t, int> operatorDialogLimits(const std::string& siteId) override {
    auto& s = c_.prepare(
        "SELECT user_id, dialog_limit FROM memberships WHERE site_id = ? AND dialog_limit IS NOT NULL");
    s.bind(1, siteId);
    std::map<std::int64_t, int> out;
    while (s.step()) out[s.columnInt64(0)] = s.columnInt(1);
    return out;
  }
  void setOperatorDialogLimit(const std::string& siteId, std::int64_t userId,
                              std::optional<int> limit) override {
    auto& u = c_.prepare("UPDATE memberships SET dialog_limit = ? WHERE site_id = ? AND user_id = ?");
    if (limit) u.bind(1, *limit);
    else u.bindNull(1);
    u.bind(2, siteId).bind(3, userId).run();
  }
  WorkingHours hours(const std::string& siteId) override { return loadHours(c_, siteId); }
  void setHours(const std::string& siteId, const WorkingHours& hours) override {
    saveHours(c_, siteId, hours);
  }

 private:
  static Site readSite(Statement& s) {
    Site site;
    site.id = s.columnText(0);
    site.name = s.columnText(1);
    site.language = s.columnText(2);
    site.timezone = s.columnText(3);
    site.widgetKey = s.columnText(4);
    site.managedByConfig = s.columnInt(5) != 0;
    site.offlineEmails = splitList(s.columnText(6));
    site.chat.typingPreview = s.columnInt(7) != 0;
    site.chat.firstResponseSeconds = s.columnInt(8);
    site.chat.dialogLimit = s.columnInt(9);
    site.chat.prechatDepartments = s.columnInt(10) != 0;
    if (!s.isNull(11)) site.chat.defaultDepartmentId = s.columnInt64(11);
    site.calls.enabled = s.columnInt(12) != 0;
    site.calls.ringMode =
        core::sites::parseRingMode(s.columnText(13)).value_or(core::sites::RingMode::All);
    site.calls.ringTimeoutSeconds = s.columnInt(14);
    site.calls.afterHours = core::sites::parseAfterHours(s.columnText(15))
                                .value_or(core::sites::AfterHoursCall::OfflineForm);
    return site;
  }
  std::vector<std::string> origins(const std::string& siteId) {
    auto& s = c_.prepare("SELECT origin FROM site_origins WHERE site_id = ? ORDER BY origin");
    s.bind(1, siteId);
    std::vector<std::string> out;
    while (s.step()) out.push_back(s.columnText(0));
    return out;
  }
  void setOrigins(const std::string& siteId, const std::vector<std::string>& list) {
    c_.prepare("DELETE FROM site_origins WHERE site_id = ?").bind(1, siteId).run();
    for (const auto& o : list) {
      c_.prepare("INSERT INTO site_origins(site_id, origin) VALUES (?, ?)").bind(1, siteId).bind(2, o).run();
    }
  }

  Connection& c_;
};

}  // namespace

void SiteRepository::read(const std::function<void(core::ports::SiteTx&)>& work) {
  db_.read([&](Connection& c) {
    SqlSiteTx tx(c);
    work(tx);
  });
}

void SiteRepository::write(const std::function<void(core::ports::SiteTx&)>& work) {
  db_.writeSync([&](Connection& c) {
    SqlSiteTx tx(c);
    work(tx);
  });
}

}  // namespace callpy::storage
