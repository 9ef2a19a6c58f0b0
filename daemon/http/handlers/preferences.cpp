// GET/PATCH /api/panel/me/preferences: the operator's notification toggles, sound and
// quick-button bar (F5, F17), validated by core::accounts::PreferencesService.
#include <Poco/JSON/Array.h>

#include "core/accounts/preferences.h"
#include "http/api.h"
#include "http/exchange.h"
#include "http/handlers/render.h"

namespace callpy::http {

namespace {

JsonObject render(const core::accounts::Preferences& p) {
  auto notify = object();
  for (const auto& [event, on] : p.notify) notify->set(event, on);
  Poco::JSON::Array::Ptr buttons = new Poco::JSON::Array;
  for (const auto& b : p.quickButtons) buttons->add(b);
  auto o = object();
  o->set("notify", notify);
  o->set("sound", p.sound);
  o->set("quick_buttons", buttons);
  return o;
}

core::accounts::PreferencesPatch parse(const JsonObject& body) {
  core::accounts::PreferencesPatch patch;
  if (body->has("notify")) {
    auto notify = body->getObject("notify");
    if (!notify) throw core::invalid("notify must be an object", "notify");
    for (const auto& [event, on] : *notify) {
      if (!on.isBoolean()) throw core::invalid("notify values must be true or false", "notify");
      patch.notify[event] = on.extract<bool>();
    }
  }
  if (body->has("sound")) {
    if (!body->get("sound").isBoolean()) throw core::invalid("sound must be true or false", "sound");
    patch.sound = body->getValue<bool>("sound");
  }
  if (body->has("quick_buttons")) {
    auto list = body->getArray("quick_buttons");
    if (!list || list->size() > 20) throw core::invalid("quick_buttons must be a list", "quick_buttons");
    std::vector<std::string> buttons;
    for (std::size_t i = 0; i < list->size(); ++i) {
      if (!list->get(i).isString()) throw core::invalid("quick_buttons must be names", "quick_buttons");
      buttons.push_back(list->getElement<std::string>(i));
    }
    patch.quickButtons = std::move(buttons);
  }
  return patch;
}

}  // namespace

void registerPreferenceRoutes(Router& r, ApiContext& ctx) {
  r.add("GET", "/api/panel/me/preferences", Access::Session, [&ctx](Exchange& ex) {
    ex.sendJson(200, wrap("preferences", render(ctx.preferences->get(ex.principal))));
  });
  r.add("PATCH", "/api/panel/me/preferences", Access::Session, [&ctx](Exchange& ex) {
    auto patch = parse(ex.json());
    ex.sendJson(200, wrap("preferences", render(ctx.preferences->update(ex.principal, patch))));
  });
}

}  // namespace callpy::http
