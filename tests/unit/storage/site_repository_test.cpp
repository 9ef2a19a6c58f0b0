// storage::SiteRepository: the SQL behind core's SiteStore port.
#include "storage/site_repository.h"

#include <gtest/gtest.h>

#include "storage/account_repository.h"
#include "temp_dir.h"

namespace callpy::storage {
namespace {

using core::ports::SiteTx;
using core::sites::Site;
using core::sites::WorkingHours;

Site makeSite(const std::string& id, const std::string& name) {
  Site s;
  s.id = id;
  s.name = name;
  s.language = "en";
  s.origins = {"https://" + id + ".example", "https://www." + id + ".example"};
  s.widgetKey = "key-" + id;
  return s;
}

class SiteRepo : public ::testing::Test {
 protected:
  testing::TempDir dir;
  std::unique_ptr<Database> db = Database::open({dir.file("s.db")});
  SiteRepository repo{*db};
  template <typename F>
  void write(F f) {
    repo.write([&](SiteTx& tx) { f(tx); });
  }
  template <typename F>
  void read(F f) {
    repo.read([&](SiteTx& tx) { f(tx); });
  }
  std::int64_t addMember(const std::string& site, const std::string& email) {
    AccountRepository accounts(*db, nullptr);
    std::int64_t id = 0;
    accounts.write([&](core::ports::AccountTx& tx) {
      id = tx.createUser(email, "", "ru", 1);
      tx.upsertMembership(id, site, core::accounts::Role::Operator, 1);
    });
    return id;
  }
};

TEST_F(SiteRepo, SitesRoundTrip) {
  write([](SiteTx& tx) {
    tx.createSite(makeSite("shop", "Zed Shop"), 1);
    auto managed = makeSite("blog", "A Blog");
    managed.managedByConfig = true;
    tx.createSite(managed, 1);
  });
  read([](SiteTx& tx) {
    auto s = tx.site("shop");
    ASSERT_TRUE(s);
    EXPECT_EQ(s->name, "Zed Shop");
    EXPECT_EQ(s->language, "en");
    EXPECT_EQ(s->timezone, "UTC");
    EXPECT_EQ(s->widgetKey, "key-shop");
    EXPECT_EQ(s->origins, (std::vector<std::string>{"https://shop.example", "https://www.shop.example"}));
    EXPECT_FALSE(s->managedByConfig);
    EXPECT_FALSE(tx.site("nope"));
    auto all = tx.allSites();
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0].id, "blog");  // by name
    EXPECT_TRUE(all[0].managedByConfig);
    EXPECT_EQ(all[0].origins.size(), 2u);
  });
  // Ids and widget keys are unique.
  EXPECT_ANY_THROW(write([](SiteTx& tx) { tx.createSite(makeSite("shop", "Again"), 1); }));
  EXPECT_ANY_THROW(write([](SiteTx& tx) {
    auto s = makeSite("other", "Other");
    s.widgetKey = "key-shop";
    tx.createSite(s, 1);
  }));
}

TEST_F(SiteRepo, UpdateChangesNameLanguageAndOriginsOnly) {
  write([](SiteTx& tx) { tx.createSite(makeSite("shop", "Shop"), 1); });
  write([](SiteTx& tx) {
    auto s = *tx.site("shop");
    s.name = "New";
    s.language = "ru";
    s.origins = {"https://new.example"};
    s.widgetKey = "changed";
    s.timezone = "Europe/Moscow";
    tx.updateSite(s);
  });
  read([](SiteTx& tx) {
    auto s = *tx.site("shop");
    EXPECT_EQ(s.name, "New");
    EXPECT_EQ(s.language, "ru");
    EXPECT_EQ(s.origins, std::vector<std::string>{"https://new.example"});
    EXPECT_EQ(s.widgetKey, "key-shop");
    EXPECT_EQ(s.timezone, "UTC");
  });
}

TEST_F(SiteRepo, DepartmentsAndMembers) {
  write([](SiteTx& tx) {
    tx.createSite(makeSite("shop", "Shop"), 1);
    tx.createSite(makeSite("other", "Other"), 1);
  });
  auto u1 = addMember("shop", "u1@example.com");
  auto u2 = addMember("shop", "u2@example.com");
  auto outsider = addMember("other", "o@example.com");
  std::int64_t sales = 0, support = 0;
  write([&](SiteTx& tx) {
    sales = tx.createDepartment("shop", "sales", "Sales");
    support = tx.createDepartment("shop", "support", "Another name");
    tx.setDepartmentOperators(sales, {u2, u1});
  });
  EXPECT_ANY_THROW(write([](SiteTx& tx) { tx.createDepartment("shop", "sales", "Dup"); }));
  EXPECT_NO_THROW(write([](SiteTx& tx) { tx.createDepartment("other", "sales", "Same slug"); }));
  read([&](SiteTx& tx) {
    auto ds = tx.departments("shop");
    ASSERT_EQ(ds.size(), 2u);
    EXPECT_EQ(ds[0].slug, "support");  // by name: "Another name" < "Sales"
    EXPECT_EQ(ds[1].id, sales);
    EXPECT_EQ(ds[1].operators, (std::vector<std::int64_t>{std::min(u1, u2), std::max(u1, u2)}));
    EXPECT_TRUE(tx.isMember("shop", u1));
    EXPECT_FALSE(tx.isMember("shop", outsider));
    EXPECT_FALSE(tx.isMember("nope", u1));
  });
  write([&](SiteTx& tx) {
    tx.renameDepartment(support, "Support");
    tx.setDepartmentOperators(sales, {u1});
  });
  read([&](SiteTx& tx) {
    auto ds = tx.departments("shop");
    EXPECT_EQ(ds[0].id, sales);
    EXPECT_EQ(ds[0].operators, std::vector<std::int64_t>{u1});
    EXPECT_EQ(ds[1].name, "Support");
  });
  write([&](SiteTx& tx) { tx.deleteDepartment(sales); });
  read([](SiteTx& tx) { EXPECT_EQ(tx.departments("shop").size(), 1u); });
}

WorkingHours sampleHours() {
  WorkingHours h;
  h.timezone = "Europe/Berlin";
  h.configured = true;
  h.weekly[0] = {{540, 780}, {840, 1080}};
  h.weekly[6] = {{600, 1440}};
  h.exceptions = {{"2024-12-24", {{540, 720}}}, {"2024-12-25", {}},
                  {"2024-12-31", {{600, 660}, {700, 720}}}};
  return h;
}

TEST_F(SiteRepo, HoursRoundTripAndReplace) {
  write([](SiteTx& tx) { tx.createSite(makeSite("shop", "Shop"), 1); });
  read([](SiteTx& tx) {
    auto h = tx.hours("shop");
    EXPECT_FALSE(h.configured);
    EXPECT_EQ(h.timezone, "UTC");
    EXPECT_TRUE(h.exceptions.empty());
  });
  write([](SiteTx& tx) { tx.setHours("shop", sampleHours()); });
  read([](SiteTx& tx) {
    EXPECT_EQ(tx.hours("shop"), sampleHours());
    EXPECT_EQ(tx.site("shop")->timezone, "Europe/Berlin");
  });
  WorkingHours closed;
  closed.timezone = "UTC";
  closed.configured = true;  // configured with no intervals: always closed
  write([&](SiteTx& tx) { tx.setHours("shop", closed); });
  read([&](SiteTx& tx) { EXPECT_EQ(tx.hours("shop"), closed); });
  read([](SiteTx& tx) { EXPECT_FALSE(tx.hours("nope").configured); });
}

TEST_F(SiteRepo, DeletingASiteRemovesWhatHangsOffIt) {
  write([](SiteTx& tx) { tx.createSite(makeSite("shop", "Shop"), 1); });
  auto u = addMember("shop", "u@example.com");
  write([&](SiteTx& tx) {
    auto d = tx.createDepartment("shop", "sales", "Sales");
    tx.setDepartmentOperators(d, {u});
    tx.setHours("shop", sampleHours());
  });
  write([](SiteTx& tx) { tx.deleteSite("shop"); });
  auto leftovers = db->read([](Connection& c) {
    auto& s = c.prepare(
        "SELECT (SELECT count(*) FROM site_origins) + (SELECT count(*) FROM departments) + "
        "(SELECT count(*) FROM department_members) + (SELECT count(*) FROM hours_intervals) + "
        "(SELECT count(*) FROM hours_exceptions) + (SELECT count(*) FROM memberships)");
    s.step();
    return s.columnInt64(0);
  });
  EXPECT_EQ(leftovers, 0);
  read([](SiteTx& tx) { EXPECT_TRUE(tx.allSites().empty()); });
}

}  // namespace
}  // namespace callpy::storage
