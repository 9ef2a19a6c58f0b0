#include "storage/preference_repository.h"

#include "storage/account_repository.h"  // jsonQuote

namespace callpy::storage {

core::accounts::Preferences PreferenceRepository::loadPreferences(std::int64_t userId) {
  core::accounts::Preferences p;
  // The column is JSON written by savePreferences; SQLite's json functions read it, and
  // anything malformed or of another shape falls back to the defaults.
  db_.read([&](Connection& c) {
    auto& valid = c.prepare("SELECT json_valid(preferences) FROM users WHERE id = ?");
    valid.bind(1, userId);
    bool ok = valid.step() && valid.columnInt(0) == 1;
    valid.reset();
    if (!ok) return;
    auto& sound = c.prepare(
        "SELECT json_type(preferences, '$.sound'), json_extract(preferences, '$.sound') "
        "FROM users WHERE id = ?");
    sound.bind(1, userId);
    if (sound.step() && (sound.columnText(0) == "true" || sound.columnText(0) == "false")) {
      p.sound = sound.columnInt(1) != 0;
    }
    sound.reset();
    auto& notify = c.prepare(
        "SELECT j.key, j.type FROM users, json_each(users.preferences, '$.notify') j "
        "WHERE users.id = ? AND json_type(users.preferences, '$.notify') = 'object'");
    notify.bind(1, userId);
    while (notify.step()) {
      auto type = notify.columnText(1);
      if (type == "true" || type == "false") p.notify[notify.columnText(0)] = type == "true";
    }
    auto& buttons = c.prepare(
        "SELECT j.value FROM users, json_each(users.preferences, '$.quick_buttons') j "
        "WHERE users.id = ? AND json_type(users.preferences, '$.quick_buttons') = 'array' "
        "AND j.type = 'text' ORDER BY j.key");
    buttons.bind(1, userId);
    while (buttons.step()) p.quickButtons.push_back(buttons.columnText(0));
  });
  return p;
}

void PreferenceRepository::savePreferences(std::int64_t userId,
                                           const core::accounts::Preferences& p) {
  std::string json = "{\"notify\":{";
  bool first = true;
  for (const auto& [event, on] : p.notify) {
    if (!first) json += ',';
    first = false;
    json += jsonQuote(event) + ":" + (on ? "true" : "false");
  }
  json += "},\"sound\":";
  json += p.sound ? "true" : "false";
  json += ",\"quick_buttons\":[";
  first = true;
  for (const auto& b : p.quickButtons) {
    if (!first) json += ',';
    first = false;
    json += jsonQuote(b);
  }
  json += "]}";
  db_.writeSync([&](Connection& c) {
    c.prepare("UPDATE users SET preferences = ? WHERE id = ?").bind(1, json).bind(2, userId).run();
  });
}

}  // namespace callpy::storage
