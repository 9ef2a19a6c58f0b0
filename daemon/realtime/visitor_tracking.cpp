#include "realtime/visitor_tracking.h"

#include <Poco/JSON/Array.h>

#include "core/visitors/user_agent.h"
#include "core/visitors/visitor_info_service.h"
#include "observability/log.h"
#include "realtime/chat_gateway.h"
#include "realtime/session_support.h"

namespace callpy::realtime {

namespace {

core::visitors::PageView pageOf(const frames::Json& p) {
  core::visitors::PageView page;
  page.url = stringField(p, "url");
  page.title = stringField(p, "title");
  page.referrer = stringField(p, "referrer");
  // The page's load time in ms (the widget sends it): the same page view resent after a
  // reconnect keeps its time, which makes the write idempotent. Checked by the service.
  page.visitedAt = intField(p, "ts").value_or(0) / 1000;
  return page;
}

void logFailure(std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    observability::logWarning("visitor_page_write_failed", {{"error", e.what()}});
  } catch (...) {
  }
}

}  // namespace

void describeAgent(const std::string& userAgent, VisitorView& view) {
  auto agent = core::visitors::parseUserAgent(userAgent);
  view.browser = core::visitors::withVersion(agent.browser, agent.browserVersion);
  view.os = core::visitors::withVersion(agent.os, agent.osVersion);
  view.device = core::visitors::deviceKindName(agent.device);
}

void trackHello(ChatGateway& gateway, const core::dialogs::VisitorRef& visitor,
                const frames::Json& hello, const std::string& peerAddress,
                const std::string& language, VisitorView& view) {
  describeAgent(view.userAgent, view);
  auto* info = gateway.visitorInfo();
  if (!info) return;
  if (auto where = info->locate(visitor, peerAddress, language, logFailure)) {
    view.location = core::visitors::locationName(*where);
    view.countryCode = where->countryCode;
  }
  if (!hello->has("page")) return;
  auto page = hello->getObject("page");
  if (!page) return;
  // Pages this tab opened before the chat connected (oldest first), then this one.
  if (page->has("earlier")) {
    if (auto earlier = page->getArray("earlier")) {
      for (std::size_t i = 0; i < earlier->size() && i < kMaxEarlierPages; ++i) {
        if (auto p = earlier->getObject(static_cast<unsigned>(i))) {
          info->recordPage(visitor, pageOf(p), logFailure);
        }
      }
    }
  }
  auto current = pageOf(page);
  view.referrer = current.referrer;
  info->recordPage(visitor, current, logFailure);
}

void trackPage(ChatGateway& gateway, const core::dialogs::VisitorRef& visitor,
               const frames::Json& page) {
  if (auto* info = gateway.visitorInfo()) info->recordPage(visitor, pageOf(page), logFailure);
}

}  // namespace callpy::realtime
