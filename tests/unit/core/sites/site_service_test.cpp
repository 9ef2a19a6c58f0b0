// SiteService over the real SQLite repository, OpenSSL crypto and the system zoneinfo.
#include <gtest/gtest.h>

#include "shop_team_fixture.h"

namespace callpy::core::sites {
namespace {

using accounts::Principal;
using accounts::Role;
using testing::errorOf;
using testing::ServiceEnv;

class Sites : public testing::ShopTeamTest<ServiceEnv> {};

TEST_F(Sites, CreateStoresOriginKeyAndDerivesIds) {
  auto a = env.sites.create("My Shop", "https://My.Shop.example/catalog", "ru", "");
  EXPECT_EQ(a.id, "my-shop");
  EXPECT_EQ(a.origins, std::vector<std::string>{"https://my.shop.example"});
  EXPECT_EQ(a.widgetKey.size(), 24u);
  auto b = env.sites.create("My shop!", "my.shop.example", "ru", "");
  EXPECT_EQ(b.id, "my-shop-2");
  auto c = env.sites.create("MY SHOP", "my.shop.example", "ru", "");
  EXPECT_EQ(c.id, "my-shop-3");
  EXPECT_NE(a.widgetKey, b.widgetKey);
  // Cyrillic-only names have no slug.
  EXPECT_EQ(env.sites.create("Магазин", "https://m.example", "ru", "").id, "site");
  EXPECT_EQ(env.sites.create("Ещё магазин", "https://m2.example", "ru", "").id, "site-2");

  auto stored = env.sites.get(sys, "my-shop").site;
  EXPECT_EQ(stored.name, "My Shop");
  EXPECT_EQ(stored.widgetKey, a.widgetKey);
}

TEST_F(Sites, LongNamesGiveCleanIds) {
  auto s = env.sites.create(std::string(27, 'a') + " bbbbbbbb", "https://a.example", "ru", "");
  auto t = env.sites.create(std::string(27, 'a') + " bbbbbbbb", "https://a.example", "ru", "");
  for (const auto& id : {s.id, t.id}) {
    EXPECT_TRUE(isValidSlug(id)) << id;
    EXPECT_EQ(id.find("--"), std::string::npos) << id;
  }
  EXPECT_NE(s.id, t.id);

  auto name = std::string(27, 'd') + " eeeeeeee";
  env.sites.createDepartment(sys, "shop", name, "");
  auto d = env.sites.createDepartment(sys, "shop", name, "");
  EXPECT_EQ(d.slug, std::string(27, 'd') + "-2");
}

TEST_F(Sites, CreateValidates) {
  EXPECT_EQ(errorOf([&] { env.sites.create("", "https://a.example", "ru", ""); }), ErrorCode::Invalid);
  EXPECT_EQ(errorOf([&] { env.sites.create("A", "ftp://a.example", "ru", ""); }), ErrorCode::Invalid);
  EXPECT_EQ(errorOf([&] { env.sites.create("A", "https://a.example", "de", ""); }), ErrorCode::Invalid);
  EXPECT_EQ(errorOf([&] { env.sites.create("A", "https://a.example", "ru", "Bad Id"); }),
            ErrorCode::Invalid);
  EXPECT_EQ(errorOf([&] { env.sites.create("A", "https://a.example", "ru", "shop"); }),
            ErrorCode::Conflict);
}

TEST_F(Sites, ListShowsOnlyTheCallersSites) {
  auto mine = env.sites.list(as(op));
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0].site.id, "shop");
  EXPECT_EQ(mine[0].role, Role::Operator);
  EXPECT_EQ(env.sites.list(sys).size(), 2u);
  EXPECT_TRUE(env.sites.list(Principal{}).empty());
}

TEST_F(Sites, UpdateNeedsAdminAndNormalisesOrigins) {
  SiteChanges c;
  c.name = "Shop 2";
  c.origins = std::vector<std::string>{"https://a.example/x", "https://A.example", "b.example"};
  EXPECT_EQ(errorOf([&] { env.sites.update(as(op), "shop", c); }), ErrorCode::Forbidden);
  auto v = env.sites.update(as(admin), "shop", c);
  EXPECT_EQ(v.site.name, "Shop 2");
  EXPECT_EQ(v.site.origins, (std::vector<std::string>{"https://a.example", "https://b.example"}));
  EXPECT_EQ(v.role, Role::Admin);
  EXPECT_EQ(env.sites.get(as(op), "shop").site.origins.size(), 2u);

  c.origins = std::vector<std::string>{};
  EXPECT_EQ(errorOf([&] { env.sites.update(as(admin), "shop", c); }), ErrorCode::Invalid);
  c.origins = std::vector<std::string>{"nonsense://x"};
  EXPECT_EQ(errorOf([&] { env.sites.update(as(admin), "shop", c); }), ErrorCode::Invalid);
}

TEST_F(Sites, ManagedByConfigIsReadOnly) {
  env.addSite("managed", "Managed", true);
  SiteChanges c;
  c.name = "Renamed";
  EXPECT_EQ(errorOf([&] { env.sites.update(sys, "managed", c); }), ErrorCode::Conflict);
  EXPECT_EQ(errorOf([&] { env.sites.remove(sys, "managed"); }), ErrorCode::Conflict);
  WorkingHours h;
  h.configured = true;
  EXPECT_EQ(errorOf([&] { env.sites.setHours(sys, "managed", h); }), ErrorCode::Conflict);
  EXPECT_EQ(env.sites.get(sys, "managed").site.name, "Managed");
}

TEST_F(Sites, AccessRules) {
  // A non-member learns nothing, whether the site exists or not.
  EXPECT_EQ(errorOf([&] { env.sites.get(as(stranger), "shop"); }), ErrorCode::Forbidden);
  EXPECT_EQ(errorOf([&] { env.sites.get(as(stranger), "missing"); }), ErrorCode::Forbidden);
  EXPECT_EQ(errorOf([&] { env.sites.snippet(as(stranger), "shop"); }), ErrorCode::Forbidden);
  EXPECT_EQ(errorOf([&] { env.sites.hours(as(stranger), "shop"); }), ErrorCode::Forbidden);
  // The administrator is told when a site does not exist.
  EXPECT_EQ(errorOf([&] { env.sites.get(sys, "missing"); }), ErrorCode::NotFound);
  EXPECT_EQ(errorOf([&] { env.sites.departments(sys, "missing"); }), ErrorCode::NotFound);
  // Only an owner removes a site.
  EXPECT_EQ(errorOf([&] { env.sites.remove(as(admin), "shop"); }), ErrorCode::Forbidden);
  env.sites.remove(as(owner), "shop");
  EXPECT_EQ(errorOf([&] { env.sites.get(sys, "shop"); }), ErrorCode::NotFound);
}

TEST_F(Sites, SnippetCarriesTheWidgetKey) {
  auto key = env.sites.get(as(op), "shop").site.widgetKey;
  auto s = env.sites.snippet(as(op), "shop");
  EXPECT_NE(s.bodyStart.find(key), std::string::npos);
  EXPECT_NE(s.anywhere.find("https://chat.example.com/widget/loader.js"), std::string::npos);
}

TEST_F(Sites, Departments) {
  EXPECT_EQ(errorOf([&] { env.sites.createDepartment(as(op), "shop", "Sales", ""); }),
            ErrorCode::Forbidden);
  auto sales = env.sites.createDepartment(as(admin), "shop", "Sales Team", "");
  EXPECT_EQ(sales.slug, "sales-team");
  auto sales2 = env.sites.createDepartment(as(admin), "shop", "Sales team", "");
  EXPECT_EQ(sales2.slug, "sales-team-2");
  EXPECT_EQ(env.sites.createDepartment(as(admin), "shop", "Продажи", "").slug, "department");
  EXPECT_EQ(errorOf([&] { env.sites.createDepartment(as(admin), "shop", "X", "sales-team"); }),
            ErrorCode::Conflict);
  EXPECT_EQ(errorOf([&] { env.sites.createDepartment(as(admin), "shop", "X", "Bad Slug"); }),
            ErrorCode::Invalid);
  EXPECT_EQ(errorOf([&] { env.sites.createDepartment(as(admin), "shop", "", "x"); }),
            ErrorCode::Invalid);

  auto d = env.sites.updateDepartment(as(admin), "shop", "sales-team", std::string("Sales"),
                                      std::vector<std::int64_t>{op, admin, op});
  EXPECT_EQ(d.name, "Sales");
  EXPECT_EQ(d.operators.size(), 2u);
  EXPECT_EQ(errorOf([&] {
              env.sites.updateDepartment(as(admin), "shop", "sales-team", std::nullopt,
                                         std::vector<std::int64_t>{stranger});
            }),
            ErrorCode::Invalid);
  EXPECT_EQ(errorOf([&] {
              env.sites.updateDepartment(as(admin), "shop", "nope", std::string("N"), std::nullopt);
            }),
            ErrorCode::NotFound);

  auto list = env.sites.departments(as(op), "shop");
  ASSERT_EQ(list.size(), 3u);
  auto it = std::find_if(list.begin(), list.end(), [](auto& x) { return x.slug == "sales-team"; });
  ASSERT_NE(it, list.end());
  EXPECT_EQ(it->name, "Sales");
  EXPECT_EQ(it->operators, (std::vector<std::int64_t>{std::min(op, admin), std::max(op, admin)}));

  EXPECT_EQ(errorOf([&] { env.sites.deleteDepartment(as(op), "shop", "sales-team"); }),
            ErrorCode::Forbidden);
  env.sites.deleteDepartment(as(admin), "shop", "sales-team");
  EXPECT_EQ(env.sites.departments(as(op), "shop").size(), 2u);
  EXPECT_EQ(errorOf([&] { env.sites.deleteDepartment(as(admin), "shop", "sales-team"); }),
            ErrorCode::NotFound);
  EXPECT_EQ(errorOf([&] { env.sites.departments(as(stranger), "shop"); }), ErrorCode::Forbidden);
}

WorkingHours officeHours(const std::string& zone) {
  WorkingHours h;
  h.timezone = zone;
  h.configured = true;
  for (int d = 0; d < 5; ++d) h.weekly[static_cast<std::size_t>(d)] = {{9 * 60, 18 * 60}};
  h.exceptions = {{"2023-12-31", {}}, {"2024-01-02", {{10 * 60, 14 * 60}, {15 * 60, 16 * 60}}}};
  return h;
}

TEST_F(Sites, HoursRoundTripAndOpenNow) {
  auto initial = env.sites.hours(as(op), "shop");
  EXPECT_FALSE(initial.hours.configured);
  EXPECT_TRUE(initial.openNow);

  auto h = officeHours("Europe/Moscow");
  EXPECT_EQ(errorOf([&] { env.sites.setHours(as(op), "shop", h); }), ErrorCode::Forbidden);
  // env.now is Tuesday 2023-11-14 22:13 UTC = Wednesday 01:13 in Moscow: closed.
  auto set = env.sites.setHours(as(admin), "shop", h);
  EXPECT_FALSE(set.openNow);
  auto got = env.sites.hours(as(op), "shop");
  EXPECT_EQ(got.hours, h);
  EXPECT_FALSE(got.openNow);
  EXPECT_FALSE(env.sites.isOpenNow("shop"));
  env.now += 9 * 3600;  // 10:13 Moscow, Wednesday
  EXPECT_TRUE(env.sites.hours(as(op), "shop").openNow);
  EXPECT_TRUE(env.sites.isOpenNow("shop"));
  EXPECT_EQ(env.sites.get(as(op), "shop").site.timezone, "Europe/Moscow");
}

TEST_F(Sites, HoursValidation) {
  auto h = officeHours("Mars/Olympus");
  EXPECT_EQ(errorOf([&] { env.sites.setHours(as(admin), "shop", h); }), ErrorCode::Invalid);
  h = officeHours("../../etc/passwd");
  EXPECT_EQ(errorOf([&] { env.sites.setHours(as(admin), "shop", h); }), ErrorCode::Invalid);
  h = officeHours("UTC");
  h.weekly[0] = {{600, 500}};
  EXPECT_EQ(errorOf([&] { env.sites.setHours(as(admin), "shop", h); }), ErrorCode::Invalid);
  EXPECT_FALSE(env.sites.hours(as(admin), "shop").hours.configured);
}

}  // namespace
}  // namespace callpy::core::sites
