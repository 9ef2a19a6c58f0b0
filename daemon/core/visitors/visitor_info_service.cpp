#include "core/visitors/visitor_info_service.h"

#include <algorithm>
#include <cctype>
#include <utility>

namespace callpy::core::visitors {

namespace {
constexpr std::int64_t kMaxClientSkew = 24 * 3600;

// At most `max` bytes without splitting a UTF-8 sequence (frames are valid UTF-8 already).
std::string cut(const std::string& s, std::size_t max) {
  if (s.size() <= max) return s;
  std::size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  return s.substr(0, end);
}

bool startsWithNoCase(const std::string& s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  }
  return true;
}
}  // namespace

bool isWebUrl(const std::string& url) {
  return (startsWithNoCase(url, "http://") && url.size() > 7) ||
         (startsWithNoCase(url, "https://") && url.size() > 8);
}

std::string locationName(const ports::GeoLocation& g) {
  if (!g.city.empty() && !g.country.empty()) return g.city + ", " + g.country;
  if (!g.city.empty()) return g.city;
  if (!g.country.empty()) return g.country;
  return g.countryCode;
}

VisitorInfoService::VisitorInfoService(dialogs::DialogService& dialogs,
                                       ports::VisitorPageStore& pages,
                                       const ports::GeoLocator* geo, Clock clock)
    : dialogs_(dialogs), pages_(pages), geo_(geo), clock_(std::move(clock)) {}

void VisitorInfoService::recordPage(const dialogs::VisitorRef& v, PageView page,
                                    std::function<void(std::exception_ptr)> failed) {
  if (!isWebUrl(page.url)) return;
  page.url = cut(page.url, kMaxUrl);
  page.title = cut(page.title, kMaxTitle);
  page.referrer = isWebUrl(page.referrer) ? cut(page.referrer, kMaxUrl) : "";
  const auto now = clock_();
  if (page.visitedAt > now || page.visitedAt < now - kMaxClientSkew) page.visitedAt = now;
  pages_.addPageAsync(v.id, page, kPagesKept,
                      [failed = std::move(failed)](std::exception_ptr error) {
                        if (error && failed) failed(error);
                      });
}

std::optional<ports::GeoLocation> VisitorInfoService::locate(
    const dialogs::VisitorRef& v, const std::string& address, const std::string& language,
    std::function<void(std::exception_ptr)> failed) {
  if (!geo_ || address.empty()) return std::nullopt;
  auto where = geo_->locate(address, language);
  if (!where || where->empty()) return std::nullopt;
  pages_.setLocationAsync(v.id, *where, [failed = std::move(failed)](std::exception_ptr error) {
    if (error && failed) failed(error);
  });
  return where;
}

VisitorDetails VisitorInfoService::details(const accounts::Principal& p, std::int64_t visitorId) {
  VisitorDetails d;
  d.visitor = dialogs_.visitor(p, visitorId);  // not_found for another site's visitor
  d.location = pages_.location(visitorId);
  d.agent = parseUserAgent(d.visitor.info.userAgent);
  d.pages = pages_.pages(visitorId, kPagesKept);
  if (!d.pages.empty()) d.referrer = d.pages.front().referrer;
  if (auto open = dialogs_.currentDialog({visitorId, d.visitor.siteId})) d.dialogId = open->id;
  return d;
}

}  // namespace callpy::core::visitors
