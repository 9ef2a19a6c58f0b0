#pragma once
// SQLite implementation of core's VisitorPageStore: page views in visitor_pages (bounded per
// visitor), the last location as "geo" inside visitors.info (JSON, so no schema change).
// Writes go through the group-commit writer without waiting (Database::writeThen).
#include "core/ports/visitor_page_store.h"
#include "storage/database.h"

namespace callpy::storage {

class VisitorPageRepository : public core::ports::VisitorPageStore {
 public:
  explicit VisitorPageRepository(Database& db) : db_(db) {}

  void addPageAsync(std::int64_t visitorId, const core::visitors::PageView& page, int keep,
                    std::function<void(std::exception_ptr)> done) override;
  std::vector<core::visitors::PageView> pages(std::int64_t visitorId, int limit) override;
  void setLocationAsync(std::int64_t visitorId, const core::ports::GeoLocation& location,
                        std::function<void(std::exception_ptr)> done) override;
  std::optional<core::ports::GeoLocation> location(std::int64_t visitorId) override;

 private:
  Database& db_;
};

}  // namespace callpy::storage
