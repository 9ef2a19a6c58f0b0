// VisitorInfoService over the real SQLite repositories: page views checked and stored, location
// remembered, and visitor info only for operators of the visitor's site.
#include "core/visitors/visitor_info_service.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "../dialogs/shop_and_blog_fixture.h"
#include "storage/visitor_page_repository.h"

namespace callpy::core::visitors {
namespace {

using accounts::Role;
using ports::GeoLocation;
using testing::errorOf;

class FakeGeo : public ports::GeoLocator {
 public:
  std::optional<GeoLocation> locate(const std::string& address,
                                    const std::string& language) const override {
    if (address != "127.0.0.2") return std::nullopt;
    return language == "ru" ? GeoLocation{"RU", "Россия", "Москва"}
                            : GeoLocation{"RU", "Russia", "Moscow"};
  }
};

class VisitorInfo : public testing::ShopAndBlogTest {
 protected:
  storage::VisitorPageRepository pagesRepo{*env.db};
  FakeGeo geo;
  VisitorInfoService info{env.chat, pagesRepo, &geo, [this] { return env.now; }};

  // Writes are asynchronous: wait (with a deadline) until `n` page views are stored.
  std::vector<PageView> pagesWhen(std::size_t n) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    for (;;) {
      auto pages = pagesRepo.pages(alice.id, 100);
      if (pages.size() >= n || std::chrono::steady_clock::now() > deadline) return pages;
      std::this_thread::yield();
    }
  }
};

TEST_F(VisitorInfo, PagesAreStoredWithTheirTimesAndReferrer) {
  info.recordPage(alice, {"https://shop.example/", "Home", "https://search.example/?q=shop",
                          env.now - 60});
  info.recordPage(alice, {"https://shop.example/cart", "Cart", "https://shop.example/", 0});
  auto pages = pagesWhen(2);
  ASSERT_EQ(pages.size(), 2u);
  EXPECT_EQ(pages[0].visitedAt, env.now - 60);  // the client's load time, within a day
  EXPECT_EQ(pages[1].visitedAt, env.now);       // none given: now
  auto d = info.details(env.principalOf(shopOp), alice.id);
  EXPECT_EQ(d.referrer, "https://search.example/?q=shop");
  ASSERT_EQ(d.pages.size(), 2u);
  EXPECT_EQ(d.pages[1].title, "Cart");
}

TEST_F(VisitorInfo, BadPagesAreDroppedOrCut) {
  info.recordPage(alice, {"javascript:alert(1)", "x", "", 0});
  info.recordPage(alice, {"/relative", "x", "", 0});
  info.recordPage(alice, {"HTTPS://shop.example/" + std::string(5000, 'a'), std::string(900, 'b'),
                          "javascript:alert(2)", env.now + 3600});  // a clock in the future
  auto pages = pagesWhen(1);
  ASSERT_EQ(pages.size(), 1u);
  EXPECT_EQ(pages[0].url.size(), kMaxUrl);
  EXPECT_EQ(pages[0].title.size(), kMaxTitle);
  EXPECT_EQ(pages[0].referrer, "");
  EXPECT_EQ(pages[0].visitedAt, env.now);
}

TEST_F(VisitorInfo, LocationIsRememberedInTheSiteLanguage) {
  EXPECT_EQ(info.locate(alice, "127.0.0.1", "ru"), std::nullopt);
  auto where = info.locate(alice, "127.0.0.2", "ru");
  ASSERT_TRUE(where);
  EXPECT_EQ(locationName(*where), "Москва, Россия");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!pagesRepo.location(alice.id) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  auto d = info.details(env.principalOf(shopOp), alice.id);
  ASSERT_TRUE(d.location);
  EXPECT_EQ(d.location->city, "Москва");
}

TEST_F(VisitorInfo, WithoutADatabaseThereIsNoLocation) {
  VisitorInfoService none{env.chat, pagesRepo, nullptr, [this] { return env.now; }};
  EXPECT_FALSE(none.hasGeo());
  EXPECT_EQ(none.locate(alice, "127.0.0.2", "ru"), std::nullopt);
  EXPECT_EQ(none.details(env.principalOf(shopOp), alice.id).location, std::nullopt);
}

TEST_F(VisitorInfo, OnlyOperatorsOfTheVisitorsSiteSeeIt) {
  env.chat.updateVisitorInfo(alice, {.name = "Alice", .custom = {{"plan", "<b>pro</b>"}}});
  auto d = info.details(env.principalOf(shopOp), alice.id);
  EXPECT_EQ(d.visitor.info.name, "Alice");
  ASSERT_EQ(d.visitor.info.custom.size(), 1u);
  EXPECT_EQ(d.visitor.info.custom[0].second, "<b>pro</b>");
  EXPECT_EQ(errorOf([&] { info.details(env.principalOf(blogOp), alice.id); }),
            ErrorCode::NotFound);
  EXPECT_EQ(errorOf([&] { info.details(env.principalOf(shopOp), 424242); }),
            ErrorCode::NotFound);
}

TEST(LocationName, CityAndCountryWhicheverAreKnown) {
  EXPECT_EQ(locationName({"RU", "Russia", "Moscow"}), "Moscow, Russia");
  EXPECT_EQ(locationName({"KZ", "Kazakhstan", ""}), "Kazakhstan");
  EXPECT_EQ(locationName({"XX", "", ""}), "XX");
  EXPECT_EQ(locationName({}), "");
}

TEST(WebUrl, OnlyAbsoluteHttp) {
  EXPECT_TRUE(isWebUrl("https://a.example/"));
  EXPECT_TRUE(isWebUrl("HTTP://a"));
  EXPECT_FALSE(isWebUrl("https://"));
  EXPECT_FALSE(isWebUrl("javascript:alert(1)"));
  EXPECT_FALSE(isWebUrl("data:text/html,x"));
  EXPECT_FALSE(isWebUrl(""));
}

}  // namespace
}  // namespace callpy::core::visitors
