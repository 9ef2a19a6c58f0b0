#pragma once
// An operator's own panel preferences (F5 notification toggles, sound, the quick-button bar of
// the chat pane), kept on the server so they follow the operator to any browser.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/accounts/types.h"

namespace callpy::core::ports {
class PreferenceStore;
}

namespace callpy::core::accounts {

// Events with a notification toggle: new visitor, new message, new dialog, transfer to me.
inline const std::vector<std::string> kNotifyEvents = {"visitor", "message", "dialog", "transfer"};
// Secondary dialog buttons that may sit on the quick-button bar.
inline const std::vector<std::string> kQuickButtons = {"transfer",   "invite", "rename", "block",
                                                       "transcript", "rating", "important"};

struct Preferences {
  std::map<std::string, bool> notify;  // every kNotifyEvents key; missing = on
  bool sound = true;
  std::vector<std::string> quickButtons;  // ids from kQuickButtons, in bar order, no repeats
  bool operator==(const Preferences&) const = default;
};

// A partial update: absent fields stay as they are.
struct PreferencesPatch {
  std::map<std::string, bool> notify;
  std::optional<bool> sound;
  std::optional<std::vector<std::string>> quickButtons;
};

class PreferencesService {
 public:
  explicit PreferencesService(ports::PreferenceStore& store) : store_(store) {}
  // The signed-in user's preferences (forbidden for the administrator socket, who has no user).
  Preferences get(const Principal& p);
  // Validates (invalid with field notify / quick_buttons) and stores the merged preferences.
  Preferences update(const Principal& p, const PreferencesPatch& patch);

 private:
  ports::PreferenceStore& store_;
};

// Fills defaults for every notify event (stored data may predate an event).
Preferences withDefaults(Preferences p);

}  // namespace callpy::core::accounts
