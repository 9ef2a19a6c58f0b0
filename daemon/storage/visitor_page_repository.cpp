#include "storage/visitor_page_repository.h"

#include <utility>

#include "storage/account_repository.h"  // jsonQuote

namespace callpy::storage {

using core::ports::GeoLocation;
using core::visitors::PageView;

void VisitorPageRepository::addPageAsync(std::int64_t visitorId, const PageView& page, int keep,
                                         std::function<void(std::exception_ptr)> done) {
  db_.writeThen(
      [visitorId, page, keep](Connection& c) {
        // A tab that reconnects says hello again with the same page and load time.
        auto& seen = c.prepare(
            "SELECT 1 FROM visitor_pages WHERE visitor_id = ? AND visited_at = ? AND url = ?");
        const bool duplicate = seen.bind(1, visitorId).bind(2, page.visitedAt).bind(3, page.url)
                                   .step();
        seen.reset();
        if (duplicate) return;
        c.prepare("INSERT INTO visitor_pages (visitor_id, url, title, referrer, visited_at) "
                  "VALUES (?, ?, ?, ?, ?)")
            .bind(1, visitorId).bind(2, page.url).bind(3, page.title).bind(4, page.referrer)
            .bind(5, page.visitedAt).run();
        // Bounded per visitor: the newest `keep` stay (at most a few rows go per insert).
        c.prepare("DELETE FROM visitor_pages WHERE visitor_id = ?1 AND id NOT IN "
                  "(SELECT id FROM visitor_pages WHERE visitor_id = ?1 "
                  "ORDER BY visited_at DESC, id DESC LIMIT ?2)")
            .bind(1, visitorId).bind(2, keep).run();
      },
      std::move(done));
}

std::vector<PageView> VisitorPageRepository::pages(std::int64_t visitorId, int limit) {
  return db_.read([&](Connection& c) {
    auto& s = c.prepare(
        "SELECT url, title, referrer, visited_at FROM (SELECT id, url, title, referrer, "
        "visited_at FROM visitor_pages WHERE visitor_id = ? ORDER BY visited_at DESC, id DESC "
        "LIMIT ?) ORDER BY visited_at, id");
    s.bind(1, visitorId).bind(2, limit);
    std::vector<PageView> out;
    while (s.step()) {
      out.push_back({s.columnText(0), s.columnText(1), s.columnText(2), s.columnInt64(3)});
    }
    return out;
  });
}

void VisitorPageRepository::setLocationAsync(std::int64_t visitorId, const GeoLocation& location,
                                             std::function<void(std::exception_ptr)> done) {
  const std::string geo = "{\"country_code\":" + jsonQuote(location.countryCode) +
                          ",\"country\":" + jsonQuote(location.country) +
                          ",\"city\":" + jsonQuote(location.city) + "}";
  db_.writeThen(
      [visitorId, geo](Connection& c) {
        c.prepare("UPDATE visitors SET info = json_set(info, '$.geo', json(?)) WHERE id = ?")
            .bind(1, geo).bind(2, visitorId).run();
      },
      std::move(done));
}

std::optional<GeoLocation> VisitorPageRepository::location(std::int64_t visitorId) {
  return db_.read([&](Connection& c) -> std::optional<GeoLocation> {
    auto& s = c.prepare(
        "SELECT json_extract(info, '$.geo.country_code'), json_extract(info, '$.geo.country'), "
        "json_extract(info, '$.geo.city') FROM visitors "
        "WHERE id = ? AND json_type(info, '$.geo') = 'object'");
    if (!s.bind(1, visitorId).step()) return std::nullopt;
    GeoLocation g{s.columnText(0), s.columnText(1), s.columnText(2)};
    s.reset();
    return g;
  });
}

}  // namespace callpy::storage
