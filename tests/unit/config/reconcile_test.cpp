// config::reconcileSites: that every declared field reaches the database through the config
// path. The reconcile rules themselves are tested in tests/unit/storage/reconcile_repository_test.
#include "config/reconcile.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "config/loader.h"
#include "storage/site_repository.h"
#include "../storage/sql_rows.h"

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

  std::vector<std::string> rows(const std::string& sql) {
    return storage::testing::sqlRows(*db_, sql);
  }

  fs::path dir_;
  std::unique_ptr<storage::Database> db_;
};

TEST_F(ReconcileTest, MapsEveryDeclaredField) {
  Config first = parse(kFirst);
  ReconcileReport report = reconcileSites(*db_, first, kNow);
  EXPECT_EQ(report.sitesCreated, 2);
  EXPECT_EQ(report.departmentsCreated, 2);
  // "Boris@Example.com" and "boris@example.com" are one account (e-mails compare without case).
  EXPECT_THAT(report.usersCreated, ElementsAre("anna@example.com", "Boris@Example.com"));
  EXPECT_EQ(report.membershipsCreated, 2);

  EXPECT_THAT(rows("SELECT id, name, language, managed_by_config FROM sites ORDER BY id"),
              ElementsAre("blog|Blog|ru|1", "shop|Shop|en|1"));
  for (const std::string& key : rows("SELECT widget_key FROM sites ORDER BY id")) {
    EXPECT_THAT(key, MatchesRegex("[0-9a-f]{32}"));
  }
  EXPECT_THAT(rows("SELECT site_id, origin FROM site_origins ORDER BY site_id, origin"),
              ElementsAre("blog|https://blog.example", "shop|https://shop.example",
                          "shop|https://www.shop.example"));
  EXPECT_THAT(rows("SELECT slug, name, managed_by_config FROM departments ORDER BY slug"),
              ElementsAre("sales|Sales|1", "support|Support|1"));
  EXPECT_THAT(rows("SELECT d.slug, lower(u.email) FROM department_members m JOIN departments d "
                   "ON d.id = m.department_id JOIN users u ON u.id = m.user_id "
                   "ORDER BY d.slug, lower(u.email)"),
              ElementsAre("sales|anna@example.com", "sales|boris@example.com",
                          "support|boris@example.com"));
  auto hours = db_->read([](storage::Connection& c) { return storage::loadHours(c, "shop"); });
  EXPECT_EQ(hours, *first.sites[0].hours);

  // The connection-level entry point, inside a caller's write job: blog is no longer declared.
  ReconcileReport second = db_->writeSync(
      [&](storage::Connection& c) { return reconcileSitesOn(c, parse(kSecond), kNow + 60); });
  EXPECT_EQ(second.sitesUpdated, 1);
  EXPECT_EQ(second.sitesReleased, 1);
  EXPECT_THAT(second.usersCreated, ElementsAre("carol@example.com"));
  EXPECT_THAT(rows("SELECT id, name, language, managed_by_config FROM sites ORDER BY id"),
              ElementsAre("blog|Blog|ru|0", "shop|Shop Two|ru|1"));
  auto moved = db_->read([](storage::Connection& c) { return storage::loadHours(c, "shop"); });
  EXPECT_EQ(moved, *parse(kSecond).sites[0].hours);
}

TEST_F(ReconcileTest, WidgetKeysAreRandomHex) {
  std::string a = newWidgetKey(), b = newWidgetKey();
  EXPECT_THAT(a, MatchesRegex("[0-9a-f]{32}"));
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace callpy::config
