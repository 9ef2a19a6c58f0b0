#pragma once
// A site's working hours: weekly intervals in the site's time zone plus dated exceptions.
// Intervals are wall-clock minutes of the local day, so a DST change moves them with the clock:
// on a spring-forward day the skipped hour simply never occurs, on a fall-back day the repeated
// hour is open twice over.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/sites/time_zone.h"

namespace callpy::core::sites {

struct Interval {
  int startMinute = 0;  // 0..1439
  int endMinute = 0;    // startMinute+1..1440, exclusive
  bool operator==(const Interval&) const = default;
};

struct DateException {
  std::string date;                 // YYYY-MM-DD, local to the site's zone
  std::vector<Interval> intervals;  // empty: closed all day
  bool operator==(const DateException&) const = default;
};

struct WorkingHours {
  std::string timezone = "UTC";
  bool configured = false;                      // false: the site is always open
  std::array<std::vector<Interval>, 7> weekly;  // 0 = Monday … 6 = Sunday
  std::vector<DateException> exceptions;
  bool operator==(const WorkingHours&) const = default;
};

// "09:00-18:00" (24:00 allowed as an end). nullopt with *error set when malformed.
std::optional<Interval> parseInterval(std::string_view text, std::string* error = nullptr);
std::string formatInterval(const Interval& interval);
// Three-letter lowercase day names, index 0 = "mon"; -1 for an unknown name.
const char* weekdayName(int weekday);
int weekdayFromName(std::string_view name);
// True when `date` is a real calendar date written YYYY-MM-DD.
bool isValidDate(std::string_view date);

// One problem found by validateWorkingHours. weekday/exception/interval are -1 when not relevant,
// so a caller can point at the offending part of its own input (e.g. a YAML node).
struct HoursProblem {
  int weekday = -1;
  int exception = -1;
  int interval = -1;
  bool atDate = false;  // the problem is the exception's date, not an interval
  std::string message;
};
std::vector<HoursProblem> validateWorkingHours(const WorkingHours& hours);

// Whether the site is open at the instant. Not configured: always open. A dated exception for the
// local date replaces that day's weekly intervals.
bool isOpen(const WorkingHours& hours, const TimeZone& zone, std::int64_t utcSeconds);

}  // namespace callpy::core::sites
