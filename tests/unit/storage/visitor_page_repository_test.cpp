// VisitorPageRepository over a real SQLite file: page views in order, bounded per visitor,
// idempotent per (url, time), written without waiting; the location kept in visitors.info
// survives contact updates made by the dialog repository.
#include "storage/visitor_page_repository.h"

#include <gtest/gtest.h>

#include <chrono>
#include <future>

#include "storage/dialog_repository.h"
#include "temp_dir.h"

namespace callpy::storage {
namespace {

using core::ports::GeoLocation;
using core::visitors::PageView;

class VisitorPages : public ::testing::Test {
 protected:
  testing::TempDir dir;
  std::unique_ptr<Database> db = Database::open({dir.file("callpy.db")});
  VisitorPageRepository repo{*db};

  void SetUp() override {
    db->writeSync([](Connection& c) {
      c.exec(
          "INSERT INTO sites (id, name, widget_key, created_at) VALUES ('shop', 'Shop', 'k', 1);"
          "INSERT INTO visitors (id, site_id, token_hash, created_at, last_seen_at) "
          "VALUES (1, 'shop', 'h1', 1, 1), (2, 'shop', 'h2', 1, 1);");
    });
  }
  // Adds and waits for the durable commit (the callback says when).
  void add(std::int64_t visitor, const PageView& p, int keep = 100) {
    std::promise<std::exception_ptr> done;
    repo.addPageAsync(visitor, p, keep, [&](std::exception_ptr e) { done.set_value(e); });
    auto f = done.get_future();
    ASSERT_EQ(f.wait_for(std::chrono::seconds(30)), std::future_status::ready);
    ASSERT_EQ(f.get(), nullptr);
  }
  static PageView page(int n, std::int64_t at) {
    return {"https://shop.example/p" + std::to_string(n), "Page " + std::to_string(n),
            n == 1 ? "https://search.example/?q=x" : "", at};
  }
};

TEST_F(VisitorPages, KeepsPagesInVisitOrderPerVisitor) {
  add(1, page(1, 100));
  add(1, page(2, 160));
  add(2, page(9, 150));
  add(1, page(3, 161));
  auto pages = repo.pages(1, 100);
  ASSERT_EQ(pages.size(), 3u);
  EXPECT_EQ(pages[0], page(1, 100));
  EXPECT_EQ(pages[1], page(2, 160));
  EXPECT_EQ(pages[2], page(3, 161));
  EXPECT_EQ(repo.pages(2, 100).size(), 1u);
  EXPECT_TRUE(repo.pages(3, 100).empty());
}

TEST_F(VisitorPages, TheSamePageViewTwiceIsStoredOnce) {
  add(1, page(1, 100));
  add(1, page(1, 100));  // a reconnecting tab says hello with the same page
  add(1, page(1, 130));  // a later visit of the same page is a new view
  auto pages = repo.pages(1, 100);
  ASSERT_EQ(pages.size(), 2u);
  EXPECT_EQ(pages[1].visitedAt, 130);
}

TEST_F(VisitorPages, OnlyTheNewestAreKept) {
  for (int i = 0; i < 30; ++i) add(1, page(i, 1000 + i), 10);
  auto pages = repo.pages(1, 100);
  ASSERT_EQ(pages.size(), 10u);
  EXPECT_EQ(pages.front().visitedAt, 1020);
  EXPECT_EQ(pages.back().visitedAt, 1029);
  auto rows = db->read([](Connection& c) {
    auto& s = c.prepare("SELECT count(*) FROM visitor_pages WHERE visitor_id = 1");
    s.step();
    return s.columnInt64(0);
  });
  EXPECT_EQ(rows, 10);
  // The limit of a read takes the newest, still in visit order.
  auto last3 = repo.pages(1, 3);
  ASSERT_EQ(last3.size(), 3u);
  EXPECT_EQ(last3.front().visitedAt, 1027);
}

TEST_F(VisitorPages, AFailedWriteReachesTheCallback) {
  std::promise<std::exception_ptr> done;
  repo.addPageAsync(99, page(1, 100), 100, [&](std::exception_ptr e) { done.set_value(e); });
  auto f = done.get_future();
  ASSERT_EQ(f.wait_for(std::chrono::seconds(30)), std::future_status::ready);
  EXPECT_NE(f.get(), nullptr);  // no visitor 99: the foreign key refuses the row
}

TEST_F(VisitorPages, LocationIsKeptAcrossContactUpdates) {
  EXPECT_EQ(repo.location(1), std::nullopt);
  std::promise<void> stored;
  repo.setLocationAsync(1, {"RU", "Россия", "Москва"}, [&](std::exception_ptr) { stored.set_value(); });
  stored.get_future().wait();
  EXPECT_EQ(repo.location(1), (GeoLocation{"RU", "Россия", "Москва"}));
  EXPECT_EQ(repo.location(2), std::nullopt);

  DialogRepository dialogs(*db);
  core::dialogs::VisitorInfo info;
  info.name = "Анна";
  info.custom = {{"plan", "pro"}};
  dialogs.write([&](core::ports::DialogTx& tx) { tx.setVisitorInfo(1, info); });
  EXPECT_EQ(repo.location(1), (GeoLocation{"RU", "Россия", "Москва"}));
  std::optional<core::dialogs::Visitor> v;
  dialogs.read([&](core::ports::DialogTx& tx) { v = tx.visitor(1); });
  ASSERT_TRUE(v);
  EXPECT_EQ(v->info.name, "Анна");
  // A visitor without a location stays without one.
  dialogs.write([&](core::ports::DialogTx& tx) { tx.setVisitorInfo(2, info); });
  EXPECT_EQ(repo.location(2), std::nullopt);
}

}  // namespace
}  // namespace callpy::storage
