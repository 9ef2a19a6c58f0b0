// storage::reconcileDeclaredSites: the SQL that brings the database in line with declared sites.
#include "storage/reconcile_repository.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>

#include "storage/database.h"
#include "storage/site_repository.h"
#include "temp_dir.h"
#include "sql_rows.h"

namespace callpy::storage {
namespace {

using core::sites::DeclaredDepartment;
using core::sites::DeclaredSite;
using core::sites::WorkingHours;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::MatchesRegex;

constexpr std::int64_t kNow = 1'750'000'000;

// What the config test's first file declares: shop (two departments, hours) and blog.
std::vector<DeclaredSite> firstDeclaration() {
  DeclaredSite shop;
  shop.id = "shop";
  shop.name = "Shop";
  shop.origins = {"https://shop.example", "https://www.shop.example"};
  shop.language = "en";
  shop.departments = {
      DeclaredDepartment{"sales", "Sales", {"anna@example.com", "Boris@Example.com"}},
      DeclaredDepartment{"support", "Support", {"boris@example.com"}}};
  WorkingHours hours;
  hours.timezone = "Europe/Berlin";
  hours.configured = true;
  hours.weekly[0] = {{9 * 60, 18 * 60}};
  hours.exceptions = {{"2026-01-01", {}}};
  shop.hours = hours;

  DeclaredSite blog;
  blog.id = "blog";
  blog.name = "Blog";
  blog.origins = {"https://blog.example"};
  return {shop, blog};
}

// The second file: blog and the sales department go, support gets Carol, hours move.
std::vector<DeclaredSite> secondDeclaration() {
  DeclaredSite shop;
  shop.id = "shop";
  shop.name = "Shop Two";
  shop.origins = {"https://shop2.example"};
  shop.departments = {DeclaredDepartment{"support", "Customer support", {"carol@example.com"}}};
  WorkingHours hours;
  hours.timezone = "America/New_York";
  hours.configured = true;
  hours.weekly[1] = {{10 * 60, 12 * 60}, {13 * 60, 17 * 60}};
  shop.hours = hours;
  return {shop};
}

class ReconcileRepo : public ::testing::Test {
 protected:
  testing::TempDir dir_;
  std::unique_ptr<Database> db_ = Database::open({dir_.file("callpy.db")});
  int keysMade_ = 0;

  // Predictable keys in the real format, so a test can tell which site got which.
  std::string nextKey() {
    char key[33];
    std::snprintf(key, sizeof key, "%032x", ++keysMade_);
    return key;
  }

  ReconcileReport reconcile(const std::vector<DeclaredSite>& sites, std::int64_t now) {
    return db_->writeSync([&](Connection& c) {
      return reconcileDeclaredSites(c, sites, now, [this] { return nextKey(); });
    });
  }

  std::vector<std::string> rows(const std::string& sql) {
    return storage::testing::sqlRows(*db_, sql);
  }
};

TEST_F(ReconcileRepo, DeclaresUpdatesAndReleases) {
  // Before the declaration: Boris has an account and owns a hand-made site called "shop".
  db_->writeSync([](Connection& c) {
    c.exec(
        "INSERT INTO users(id, email, password_hash, created_at) "
        "VALUES (7, 'boris@example.com', 'hash', 1);"
        "INSERT INTO sites(id, name, widget_key, created_at) VALUES ('shop', 'Old', 'k0', 1);"
        "INSERT INTO memberships(user_id, site_id, role, created_at) "
        "VALUES (7, 'shop', 'owner', 1);");
  });

  ReconcileReport first = reconcile(firstDeclaration(), kNow);
  EXPECT_EQ(first.sitesCreated, 1);
  EXPECT_EQ(first.sitesUpdated, 1);
  EXPECT_EQ(first.departmentsCreated, 2);
  EXPECT_THAT(first.usersCreated, ElementsAre("anna@example.com"));
  EXPECT_EQ(first.membershipsCreated, 1);  // Anna; Boris keeps his owner role

  EXPECT_THAT(rows("SELECT id, name, language, managed_by_config, widget_key FROM sites "
                   "WHERE id = 'shop'"),
              ElementsAre("shop|Shop|en|1|k0"));
  // Only the new site asked for a key, and it got the one the source made.
  EXPECT_EQ(keysMade_, 1);
  auto blogKey = rows("SELECT widget_key FROM sites WHERE id = 'blog'");
  ASSERT_EQ(blogKey.size(), 1u);
  EXPECT_THAT(blogKey[0], MatchesRegex("[0-9a-f]{32}"));
  EXPECT_EQ(blogKey[0], std::string(31, '0') + "1");
  EXPECT_THAT(rows("SELECT site_id, origin FROM site_origins ORDER BY site_id, origin"),
              ElementsAre("blog|https://blog.example", "shop|https://shop.example",
                          "shop|https://www.shop.example"));
  EXPECT_THAT(rows("SELECT slug, name, managed_by_config FROM departments ORDER BY slug"),
              ElementsAre("sales|Sales|1", "support|Support|1"));
  EXPECT_THAT(rows("SELECT d.slug, u.email FROM department_members m JOIN departments d "
                   "ON d.id = m.department_id JOIN users u ON u.id = m.user_id "
                   "ORDER BY d.slug, u.email"),
              ElementsAre("sales|anna@example.com", "sales|boris@example.com",
                          "support|boris@example.com"));
  EXPECT_THAT(rows("SELECT u.email, m.role, m.managed_by_config FROM memberships m JOIN users u "
                   "ON u.id = m.user_id ORDER BY u.email"),
              ElementsAre("anna@example.com|operator|1", "boris@example.com|owner|0"));
  EXPECT_THAT(rows("SELECT email, password_hash, language FROM users ORDER BY email"),
              ElementsAre("anna@example.com|NULL|en", "boris@example.com|hash|ru"));
  auto hours = db_->read([](Connection& c) { return loadHours(c, "shop"); });
  EXPECT_EQ(hours, *firstDeclaration()[0].hours);
  EXPECT_THAT(rows("SELECT timezone, hours_configured FROM sites ORDER BY id"),
              ElementsAre("UTC|0", "Europe/Berlin|1"));

  // Reconciling the same declaration again changes nothing.
  ReconcileReport again = reconcile(firstDeclaration(), kNow + 60);
  EXPECT_EQ(again.sitesCreated, 0);
  EXPECT_EQ(again.sitesUpdated, 2);
  EXPECT_EQ(again.departmentsCreated, 0);
  EXPECT_THAT(again.usersCreated, IsEmpty());
  EXPECT_EQ(again.membershipsCreated, 0);
  EXPECT_EQ(again.sitesReleased + again.departmentsReleased + again.membershipsReleased, 0);
  EXPECT_EQ(rows("SELECT widget_key FROM sites WHERE id = 'blog'"), blogKey);
  EXPECT_EQ(keysMade_, 1);
  EXPECT_THAT(rows("SELECT COUNT(*) FROM hours_intervals"), ElementsAre("1"));

  // The declaration changes: blog and the sales department go, support gets Carol, hours move.
  ReconcileReport second = reconcile(secondDeclaration(), kNow + 120);
  EXPECT_EQ(second.sitesReleased, 1);
  EXPECT_EQ(second.departmentsReleased, 1);
  EXPECT_EQ(second.membershipsReleased, 1);  // Anna; Boris's owner role was never managed
  EXPECT_THAT(second.usersCreated, ElementsAre("carol@example.com"));
  EXPECT_THAT(rows("SELECT id, name, language, managed_by_config FROM sites ORDER BY id"),
              ElementsAre("blog|Blog|ru|0", "shop|Shop Two|ru|1"));
  EXPECT_THAT(rows("SELECT site_id, origin FROM site_origins ORDER BY site_id, origin"),
              ElementsAre("blog|https://blog.example", "shop|https://shop2.example"));
  EXPECT_THAT(rows("SELECT slug, name, managed_by_config FROM departments ORDER BY slug"),
              ElementsAre("sales|Sales|0", "support|Customer support|1"));
  EXPECT_THAT(rows("SELECT d.slug, u.email FROM department_members m JOIN departments d "
                   "ON d.id = m.department_id JOIN users u ON u.id = m.user_id "
                   "ORDER BY d.slug, u.email"),
              ElementsAre("sales|anna@example.com", "sales|boris@example.com",
                          "support|carol@example.com"));
  EXPECT_THAT(rows("SELECT u.email, m.role, m.managed_by_config FROM memberships m JOIN users u "
                   "ON u.id = m.user_id ORDER BY u.email"),
              ElementsAre("anna@example.com|operator|0", "boris@example.com|owner|0",
                          "carol@example.com|operator|1"));
  auto moved = db_->read([](Connection& c) { return loadHours(c, "shop"); });
  EXPECT_EQ(moved, *secondDeclaration()[0].hours);
  EXPECT_THAT(rows("SELECT COUNT(*) FROM hours_exceptions"), ElementsAre("0"));
}

TEST_F(ReconcileRepo, DroppedHoursMeanAlwaysOpen) {
  reconcile(firstDeclaration(), kNow);
  std::vector<DeclaredSite> sites = firstDeclaration();
  sites[0].hours.reset();
  reconcile(sites, kNow + 60);
  auto hours = db_->read([](Connection& c) { return loadHours(c, "shop"); });
  EXPECT_FALSE(hours.configured);
  EXPECT_EQ(hours, WorkingHours{});
  EXPECT_THAT(rows("SELECT COUNT(*) FROM hours_intervals"), ElementsAre("0"));
  EXPECT_THAT(rows("SELECT COUNT(*) FROM hours_exceptions"), ElementsAre("0"));
}

TEST_F(ReconcileRepo, EmptyDeclarationReleasesEverythingItManaged) {
  reconcile(firstDeclaration(), kNow);
  ReconcileReport report = reconcile({}, kNow + 60);
  EXPECT_EQ(report.sitesReleased, 2);
  EXPECT_EQ(report.departmentsReleased, 2);
  EXPECT_EQ(report.membershipsReleased, 2);  // Anna and Boris, both config-made operators
  EXPECT_THAT(rows("SELECT COUNT(*) FROM sites WHERE managed_by_config = 1"), ElementsAre("0"));
  EXPECT_THAT(rows("SELECT COUNT(*) FROM departments WHERE managed_by_config = 1"),
              ElementsAre("0"));
  EXPECT_THAT(rows("SELECT COUNT(*) FROM memberships WHERE managed_by_config = 1"),
              ElementsAre("0"));
  // Released, not deleted: the rows and the department members stay.
  EXPECT_THAT(rows("SELECT id FROM sites ORDER BY id"), ElementsAre("blog", "shop"));
  EXPECT_THAT(rows("SELECT COUNT(*) FROM department_members"), ElementsAre("3"));
}

}  // namespace
}  // namespace callpy::storage

namespace callpy::storage {
namespace {

// sites[].chat: settings, the default department by slug and per-operator limits; a later
// declaration without them puts the defaults back (a managed site has no other source).
TEST_F(ReconcileRepo, ChatSettingsFollowTheDeclaration) {
  auto sites = firstDeclaration();
  sites[0].chat.typingPreview = false;
  sites[0].chat.firstResponseSeconds = 30;
  sites[0].chat.dialogLimit = 2;
  sites[0].chat.prechatDepartments = false;
  sites[0].chat.defaultDepartment = "support";
  sites[0].chat.operatorLimits = {{"anna@example.com", 4}, {"boris@example.com", 0}};
  reconcile(sites, kNow);
  EXPECT_THAT(rows("SELECT s.typing_preview, s.first_response_seconds, s.dialog_limit, "
                   "s.prechat_departments, d.slug FROM sites s "
                   "LEFT JOIN departments d ON d.id = s.default_department_id WHERE s.id = 'shop'"),
              ElementsAre("0|30|2|0|support"));
  EXPECT_THAT(rows("SELECT u.email, m.dialog_limit FROM memberships m JOIN users u ON u.id = m.user_id "
                   "WHERE m.site_id = 'shop' ORDER BY u.email"),
              ElementsAre("anna@example.com|4", "Boris@Example.com|0"));

  reconcile(firstDeclaration(), kNow + 1);
  EXPECT_THAT(rows("SELECT typing_preview, first_response_seconds, dialog_limit, prechat_departments, "
                   "default_department_id FROM sites WHERE id = 'shop'"),
              ElementsAre("1|60|0|1|NULL"));
  EXPECT_THAT(rows("SELECT count(*) FROM memberships WHERE dialog_limit IS NOT NULL"), ElementsAre("0"));
}

// sites[].calls (F21) likewise: declared values, then the defaults when the keys go away.
TEST_F(ReconcileRepo, CallSettingsFollowTheDeclaration) {
  auto sites = firstDeclaration();
  sites[0].calls.enabled = false;
  sites[0].calls.ringMode = core::sites::RingMode::Sequential;
  sites[0].calls.ringTimeoutSeconds = 7;
  sites[0].calls.afterHours = core::sites::AfterHoursCall::Callback;
  reconcile(sites, kNow);
  const char* kQuery = "SELECT calls_enabled, call_ring_mode, call_ring_timeout_seconds, call_after_hours "
                       "FROM sites WHERE id = 'shop'";
  EXPECT_THAT(rows(kQuery), ElementsAre("0|sequential|7|callback"));
  reconcile(firstDeclaration(), kNow + 1);
  EXPECT_THAT(rows(kQuery), ElementsAre("1|all|20|offline_form"));
}

}  // namespace
}  // namespace callpy::storage
