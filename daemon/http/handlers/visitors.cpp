// Visitor information for the panel (F4, F12): GET /api/panel/visitors/{id}. Authorised per
// site by the service: another site's visitor is 404, like an unknown id.
#include <Poco/JSON/Array.h>
#include <Poco/NumberParser.h>

#include "core/visitors/visitor_info_service.h"
#include "http/api.h"
#include "http/exchange.h"
#include "http/handlers/render.h"

namespace callpy::http {

using namespace core::visitors;

namespace {

std::int64_t visitorId(Exchange& ex) {
  Poco::Int64 v = 0;
  if (!Poco::NumberParser::tryParse64(ex.param("id"), v) || v <= 0) {
    // Not a number: nothing can match, and the answer must not differ from another site's id.
    throw core::notFound("visitor not found");
  }
  return v;
}

JsonObject renderDetails(const VisitorDetails& d) {
  const auto& v = d.visitor;
  auto o = object();
  o->set("id", v.id);
  o->set("site", v.siteId);
  o->set("name", v.displayName.empty() ? v.info.name : v.displayName);
  o->set("display_name", v.displayName);
  auto contact = object();
  contact->set("name", v.info.name);
  contact->set("email", v.info.email);
  contact->set("phone", v.info.phone);
  o->set("contact", contact);
  // An array keeps the order the site set the keys in (a JSON object would not).
  Poco::JSON::Array::Ptr custom = new Poco::JSON::Array;
  for (const auto& [key, value] : v.info.custom) {
    auto entry = object();
    entry->set("key", key);
    entry->set("value", value);
    custom->add(entry);
  }
  o->set("custom", custom);
  o->set("language", v.info.language);
  o->set("user_agent", v.info.userAgent);
  o->set("browser", withVersion(d.agent.browser, d.agent.browserVersion));
  o->set("os", withVersion(d.agent.os, d.agent.osVersion));
  o->set("device", std::string(deviceKindName(d.agent.device)));
  if (d.location) {
    auto where = object();
    where->set("country_code", d.location->countryCode);
    where->set("country", d.location->country);
    where->set("city", d.location->city);
    where->set("name", locationName(*d.location));
    o->set("location", where);
  } else {
    o->set("location", Poco::Dynamic::Var());
  }
  Poco::JSON::Array::Ptr pages = new Poco::JSON::Array;
  for (const auto& p : d.pages) {
    auto page = object();
    page->set("url", p.url);
    page->set("title", p.title);
    page->set("referrer", p.referrer);
    page->set("ts", p.visitedAt * 1000);
    pages->add(page);
  }
  o->set("pages", pages);
  o->set("referrer", d.referrer);
  if (d.dialogId) o->set("dialog", *d.dialogId);
  else o->set("dialog", Poco::Dynamic::Var());
  o->set("blocked", v.blockedAt.has_value());
  o->set("created_at", v.createdAt * 1000);
  o->set("last_seen_at", v.lastSeenAt * 1000);
  return o;
}

}  // namespace

void registerVisitorRoutes(Router& r, ApiContext& ctx) {
  r.add("GET", "/api/panel/visitors/{id}", Access::Session, [&ctx](Exchange& ex) {
    ex.sendJson(200, wrap("visitor", renderDetails(ctx.visitorInfo->details(ex.principal,
                                                                           visitorId(ex)))));
  });
}

}  // namespace callpy::http
