#include "core/accounts/preferences.h"

#include <algorithm>
#include <set>

#include "core/common/error.h"
#include "core/ports/preference_store.h"

namespace callpy::core::accounts {

namespace {
std::int64_t userOf(const Principal& p) {
  if (!p.user) throw forbidden("preferences belong to a signed-in operator");
  return p.user->id;
}
bool known(const std::vector<std::string>& list, const std::string& v) {
  return std::find(list.begin(), list.end(), v) != list.end();
}
}  // namespace

Preferences withDefaults(Preferences p) {
  for (const auto& e : kNotifyEvents) p.notify.try_emplace(e, true);
  return p;
}

Preferences PreferencesService::get(const Principal& p) {
  return withDefaults(store_.loadPreferences(userOf(p)));
}

Preferences PreferencesService::update(const Principal& p, const PreferencesPatch& patch) {
  const auto user = userOf(p);
  for (const auto& [event, on] : patch.notify) {
    if (!known(kNotifyEvents, event)) throw invalid("unknown notification event " + event, "notify");
  }
  if (patch.quickButtons) {
    std::set<std::string> seen;
    for (const auto& b : *patch.quickButtons) {
      if (!known(kQuickButtons, b)) throw invalid("unknown quick button " + b, "quick_buttons");
      if (!seen.insert(b).second) throw invalid("quick button listed twice: " + b, "quick_buttons");
    }
  }
  auto out = withDefaults(store_.loadPreferences(user));
  for (const auto& [event, on] : patch.notify) out.notify[event] = on;
  if (patch.sound) out.sound = *patch.sound;
  if (patch.quickButtons) out.quickButtons = *patch.quickButtons;
  store_.savePreferences(user, out);
  return out;
}

}  // namespace callpy::core::accounts
