#pragma once
// Pages a visitor opened (F4) and where the visitor was located (F12), kept for the visitor-info
// panel. Page views arrive with every page load, so they are written without blocking.
#include <cstdint>
#include <exception>
#include <functional>
#include <optional>
#include <vector>

#include "core/ports/geo_locator.h"
#include "core/visitors/types.h"

namespace callpy::core::ports {

class VisitorPageStore {
 public:
  virtual ~VisitorPageStore() = default;
  // Stores `page` unless the visitor already has a page view with the same url and visited_at
  // (a reconnecting tab says hello again with the same page), then keeps only the newest `keep`
  // page views of the visitor. `done` runs once on a storage thread after the durable commit
  // (null) or the failure. `done` may be empty.
  virtual void addPageAsync(std::int64_t visitorId, const visitors::PageView& page, int keep,
                            std::function<void(std::exception_ptr)> done) = 0;
  // The newest `limit` page views in the order they were visited (oldest first).
  virtual std::vector<visitors::PageView> pages(std::int64_t visitorId, int limit) = 0;
  // The visitor's last known location (kept with the visitor; replaced on each connect).
  virtual void setLocationAsync(std::int64_t visitorId, const GeoLocation& location,
                                std::function<void(std::exception_ptr)> done) = 0;
  virtual std::optional<GeoLocation> location(std::int64_t visitorId) = 0;
};

}  // namespace callpy::core::ports
