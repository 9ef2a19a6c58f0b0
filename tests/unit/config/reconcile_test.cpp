#include "config/reconcile.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "config/loader.h"
#include "storage/site_repository.h"

namespace callpy::config {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::MatchesRegex;

constexpr std::int64_t kNow = 1'750'000'000;

const char* kFirst = R"(listen: {http: "127.0.0.1:8080"}
data_dir: /tmp/unused
sites:
  - id: shop
    name: Shop
    origins: [https://shop.example, https://www.shop.example]
    language: en
    departments:
      - id: sales
        name: Sales
        operators: [anna@example.com, Boris@Example.com]
      - id: support
        name: Support
        operators: [boris@example.com]
    hours:
      timezone: Europe/Berlin
      weekly:
        mon: "09:00-18:00"
      exceptions:
        - {date: 2026-01-01, closed: true}
  - id: blog
    name: Blog
    origins: [https://blog.example]
)";

const char* kSecond = R"(listen: {http: "127.0.0.1:8080"}
data_dir: /tmp/unused
sites:
  - id: shop
    name: Shop Two
    origins: [https://shop2.example]
    departments:
      - id: support
        name: Customer support
        operators: [carol@example.com]
    hours:
      timezone: America/New_York
      weekly:
        tue: ["10:00-12:00", "13:00-17:00"]
)";

Config parse(const char* text) {
  ConfigResult r = loadConfigString(text, "reconcile.yaml", LoadOptions{"/etc/callpyd"});
  EXPECT_TRUE(r.ok()) << r.formatErrors();
  return r.config.value_or(Config{});
}

class ReconcileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("callpy-reconcile-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    storage::DatabaseOptions options;
    options.path = (dir_ / "callpy.db").string();
    options.readers = 1;
    db_ = storage::Database::open(options);
  }
  void TearDown() override {
    db_.reset();
    fs::remove_all(dir_);
  }

  // Runs a query and returns each row's columns joined with '|'.
  std::vector<std::string> rows(const std::string& sql) {
    return db_->read([&](storage::Connection& c) {
      std::vector<std::string> out;
      auto& s = c.prepare(sql);
      int columns = columnsIn(sql);
      while (s.step()) {
        std::string row;
        for (int k = 0; k < columns; ++k) {
          if (k) row += "|";
          row += s.isNull(k) ? "NULL" : s.columnText(k);
        }
        out.push_back(row);
      }
      return out;
    });
  }

  // The Statement API has no column count; count the commas of the selection instead.
  static int columnsIn(const std::string& sql) {
    std::string select = sql.substr(0, sql.find(" FROM "));
    return static_cast<int>(std::count(select.begin(), select.end(), ',')) + 1;
  }

  fs::path dir_;
  std::unique_ptr<storage::Database> db_;
};

TEST_F(ReconcileTest, DeclaresUpdatesAndReleases) {
  // Before the config: Boris has an account and owns a hand-made site called "shop".
  db_->writeSync([](storage::Connection& c) {
    c.exec(
        "INSERT INTO users(id, email, password_hash, created_at) "
        "VALUES (7, 'boris@example.com', 'hash', 1);"
        "INSERT INTO sites(id, name, widget_key, created_at) VALUES ('shop', 'Old', 'k0', 1);"
        "INSERT INTO memberships(user_id, site_id, role, created_at) "
        "VALUES (7, 'shop', 'owner', 1);");
  });

  ReconcileReport first = reconcileSites(*db_, parse(kFirst), kNow);
  EXPECT_EQ(first.sitesCreated, 1);
  EXPECT_EQ(first.sitesUpdated, 1);
  EXPECT_EQ(first.departmentsCreated, 2);
  EXPECT_THAT(first.usersCreated, ElementsAre("anna@example.com"));
  EXPECT_EQ(first.membershipsCreated, 1);  // Anna; Boris keeps his owner role

  EXPECT_THAT(rows("SELECT id, name, language, managed_by_config, widget_key FROM sites "
                   "WHERE id = 'shop'"),
              ElementsAre("shop|Shop|en|1|k0"));
  auto blogKey = rows("SELECT widget_key FROM sites WHERE id = 'blog'");
  ASSERT_EQ(blogKey.size(), 1u);
  EXPECT_THAT(blogKey[0], MatchesRegex("[0-9a-f]{32}"));
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
  auto hours = db_->read([](storage::Connection& c) { return storage::loadHours(c, "shop"); });
  EXPECT_EQ(hours, *parse(kFirst).sites[0].hours);
  EXPECT_THAT(rows("SELECT timezone, hours_configured FROM sites ORDER BY id"),
              ElementsAre("UTC|0", "Europe/Berlin|1"));

  // Reconciling the same file again changes nothing.
  ReconcileReport again = reconcileSites(*db_, parse(kFirst), kNow + 60);
  EXPECT_EQ(again.sitesCreated, 0);
  EXPECT_EQ(again.sitesUpdated, 2);
  EXPECT_EQ(again.departmentsCreated, 0);
  EXPECT_THAT(again.usersCreated, IsEmpty());
  EXPECT_EQ(again.membershipsCreated, 0);
  EXPECT_EQ(again.sitesReleased + again.departmentsReleased + again.membershipsReleased, 0);
  EXPECT_EQ(rows("SELECT widget_key FROM sites WHERE id = 'blog'"), blogKey);
  EXPECT_THAT(rows("SELECT COUNT(*) FROM hours_intervals"), ElementsAre("1"));

  // The file changes: blog and the sales department go, support gets Carol, hours move.
  ReconcileReport second = reconcileSites(*db_, parse(kSecond), kNow + 120);
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
  auto moved = db_->read([](storage::Connection& c) { return storage::loadHours(c, "shop"); });
  EXPECT_EQ(moved, *parse(kSecond).sites[0].hours);
  EXPECT_THAT(rows("SELECT COUNT(*) FROM hours_exceptions"), ElementsAre("0"));
}

TEST_F(ReconcileTest, WidgetKeysAreRandomHex) {
  std::string a = newWidgetKey(), b = newWidgetKey();
  EXPECT_THAT(a, MatchesRegex("[0-9a-f]{32}"));
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace callpy::config
