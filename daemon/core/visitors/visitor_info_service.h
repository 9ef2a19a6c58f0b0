#pragma once
// Visitor information (F4) and location by IP (F12): records the pages a visitor opens, locates
// the visitor's address at connect time, and assembles what the panel's visitor-info pane shows.
//
// Authorisation: details() goes through DialogService::visitor, so an operator sees only visitors
// of its own sites, and another site's visitor is not_found (ids cannot be probed).
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "core/accounts/types.h"
#include "core/dialogs/dialog_service.h"
#include "core/ports/geo_locator.h"
#include "core/ports/visitor_page_store.h"
#include "core/visitors/types.h"

namespace callpy::core::visitors {

class VisitorInfoService {
 public:
  using Clock = std::function<std::int64_t()>;  // Unix seconds
  // `geo` may be null (no geoip.database configured): visitors then have no location.
  VisitorInfoService(dialogs::DialogService& dialogs, ports::VisitorPageStore& pages,
                     const ports::GeoLocator* geo, Clock clock);

  // A page view reported by the widget. The URL must be http(s) (anything else is dropped: the
  // panel shows it as a link); texts are cut to their limits; `page.visitedAt` is the client's
  // page-load time in seconds, kept only when it lies within the last day (reconnects resend
  // it, which makes the write idempotent), else now. Written without blocking; page views are
  // best-effort, so a failed write is only reported to `failed` (may be empty).
  void recordPage(const dialogs::VisitorRef& v, PageView page,
                  std::function<void(std::exception_ptr)> failed = {});
  // Locates `address` (in the site's language, English as fallback) and remembers the result
  // for the visitor. nullopt without a database or for an unknown address.
  std::optional<ports::GeoLocation> locate(const dialogs::VisitorRef& v, const std::string& address,
                                           const std::string& language,
                                           std::function<void(std::exception_ptr)> failed = {});
  // Everything the visitor-info pane shows.
  VisitorDetails details(const accounts::Principal& p, std::int64_t visitorId);

  bool hasGeo() const { return geo_ != nullptr; }

 private:
  dialogs::DialogService& dialogs_;
  ports::VisitorPageStore& pages_;
  const ports::GeoLocator* geo_;
  Clock clock_;
};

// "Москва, Россия" / "Moscow, Russia": city and country, whichever are known ("" when neither).
std::string locationName(const ports::GeoLocation& g);

// Whether `url` is an absolute http:// or https:// URL (case-insensitive scheme).
bool isWebUrl(const std::string& url);

}  // namespace callpy::core::visitors
