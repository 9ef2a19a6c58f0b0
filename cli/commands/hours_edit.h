#pragma once

#include <Poco/JSON/Object.h>

#include <string>
#include <vector>

namespace callpy::cli {

inline const std::vector<std::string> kWeekdays = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

// The flags of `hours set`, applied to the site's current hours.
struct HoursEdit {
  std::string timezone;
  // "mon=09:00-13:00,14:00-18:00"; days may be a range or a list ("mon-fri=", "sat,sun=");
  // "closed" or nothing after '=' closes the day.
  std::vector<std::string> weekly;
  std::vector<std::string> closedOn;    // "2026-12-31"
  std::vector<std::string> exceptions;  // "2027-01-02=10:00-14:00[,15:00-16:00]"
  // Start from no hours at all (weekly null: always open; no exceptions) before the other flags.
  bool clear = false;
};

// Returns the `hours` object to PUT: `current` (the GET answer's hours, may be null) with `edit`
// applied; `open_now` is dropped since the daemon computes it. Throws UsageError for a malformed
// flag value, so a typo never reaches the daemon half-applied.
Poco::JSON::Object::Ptr applyHoursEdit(const Poco::JSON::Object::Ptr& current,
                                       const HoursEdit& edit);

}  // namespace callpy::cli
