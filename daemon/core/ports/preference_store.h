#pragma once
// Where an operator's panel preferences live (users.preferences, migration 0004).
#include <cstdint>

#include "core/accounts/preferences.h"

namespace callpy::core::ports {

class PreferenceStore {
 public:
  virtual ~PreferenceStore() = default;
  // Stored preferences of the user (defaults for anything not stored).
  virtual accounts::Preferences loadPreferences(std::int64_t userId) = 0;
  virtual void savePreferences(std::int64_t userId, const accounts::Preferences& p) = 0;
};

}  // namespace callpy::core::ports
