#include "commands/hours_edit.h"

#include <Poco/JSON/Array.h>

#include <algorithm>
#include <cctype>
#include <map>

#include "context.h"

namespace callpy::cli {

namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string::npos ? end : end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return parts;
}

bool digits(const std::string& text, size_t from, size_t count) {
  if (from + count > text.size()) return false;
  return std::all_of(text.begin() + static_cast<long>(from),
                     text.begin() + static_cast<long>(from + count),
                     [](unsigned char c) { return std::isdigit(c) != 0; });
}

bool validTime(const std::string& t) {
  if (t.size() != 5 || t[2] != ':' || !digits(t, 0, 2) || !digits(t, 3, 2)) return false;
  int hours = std::stoi(t.substr(0, 2));
  int minutes = std::stoi(t.substr(3, 2));
  return minutes < 60 && (hours < 24 || (hours == 24 && minutes == 0));
}

bool validDate(const std::string& d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  if (!digits(d, 0, 4) || !digits(d, 5, 2) || !digits(d, 8, 2)) return false;
  int month = std::stoi(d.substr(5, 2));
  int day = std::stoi(d.substr(8, 2));
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

// "09:00-13:00,14:00-18:00" | "closed" | "" -> array of interval strings.
Array::Ptr parseIntervals(const std::string& text, const std::string& flagValue) {
  Array::Ptr intervals = new Array;
  if (text.empty() || text == "closed") return intervals;
  for (const std::string& interval : split(text, ',')) {
    auto dash = interval.find('-');
    if (dash == std::string::npos || !validTime(interval.substr(0, dash)) ||
        !validTime(interval.substr(dash + 1)) ||
        interval.substr(0, dash) >= interval.substr(dash + 1)) {
      throw UsageError("bad interval '" + interval + "' in '" + flagValue +
                       "' (expected HH:MM-HH:MM, start before end)");
    }
    intervals->add(interval);
  }
  return intervals;
}

size_t weekdayIndex(const std::string& day, const std::string& flagValue) {
  auto it = std::find(kWeekdays.begin(), kWeekdays.end(), day);
  if (it == kWeekdays.end()) {
    throw UsageError("unknown day '" + day + "' in '" + flagValue + "' (use mon..sun)");
  }
  return static_cast<size_t>(it - kWeekdays.begin());
}

// "mon-fri" | "sat,sun" | "wed" -> weekday names.
std::vector<std::string> parseDays(const std::string& text, const std::string& flagValue) {
  std::vector<std::string> days;
  for (const std::string& part : split(text, ',')) {
    auto dash = part.find('-');
    if (dash == std::string::npos) {
      days.push_back(kWeekdays[weekdayIndex(part, flagValue)]);
      continue;
    }
    size_t from = weekdayIndex(part.substr(0, dash), flagValue);
    size_t to = weekdayIndex(part.substr(dash + 1), flagValue);
    if (from > to) throw UsageError("day range '" + part + "' runs backwards");
    for (size_t i = from; i <= to; ++i) days.push_back(kWeekdays[i]);
  }
  return days;
}

std::pair<std::string, std::string> splitAssignment(const std::string& value,
                                                    const std::string& flagName) {
  auto eq = value.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw UsageError(flagName + " expects KEY=INTERVALS, got '" + value + "'");
  }
  return {value.substr(0, eq), value.substr(eq + 1)};
}

Object::Ptr emptyWeek() {
  Object::Ptr week = new Object;
  for (const auto& day : kWeekdays) week->set(day, Array::Ptr(new Array));
  return week;
}

}  // namespace

Object::Ptr applyHoursEdit(const Object::Ptr& current, const HoursEdit& edit) {
  Object::Ptr weekly;
  std::map<std::string, Array::Ptr> exceptions;  // sorted by date, one entry per date
  std::string timezone;

  if (current) {
    timezone = current->optValue<std::string>("timezone", "");
    if (!edit.clear) {
      if (Object::Ptr week = current->getObject("weekly")) {
        weekly = emptyWeek();
        for (const auto& day : kWeekdays) {
          if (Array::Ptr intervals = week->getArray(day)) weekly->set(day, intervals);
        }
      }
      if (Array::Ptr list = current->getArray("exceptions")) {
        for (size_t i = 0; i < list->size(); ++i) {
          Object::Ptr entry = list->getObject(static_cast<unsigned>(i));
          if (!entry) continue;
          Array::Ptr intervals = entry->getArray("intervals");
          exceptions[entry->optValue<std::string>("date", "")] =
              intervals ? intervals : Array::Ptr(new Array);
        }
      }
    }
  }

  if (!edit.timezone.empty()) timezone = edit.timezone;
  if (timezone.empty()) throw UsageError("--timezone is required: the site has no timezone yet");

  for (const std::string& value : edit.weekly) {
    auto [days, intervals] = splitAssignment(value, "--weekly");
    Array::Ptr parsed = parseIntervals(intervals, value);
    if (!weekly) weekly = emptyWeek();
    for (const auto& day : parseDays(days, value)) weekly->set(day, parsed);
  }
  for (const std::string& date : edit.closedOn) {
    if (!validDate(date)) throw UsageError("bad date '" + date + "' (expected YYYY-MM-DD)");
    exceptions[date] = new Array;
  }
  for (const std::string& value : edit.exceptions) {
    auto [date, intervals] = splitAssignment(value, "--exception");
    if (!validDate(date)) throw UsageError("bad date '" + date + "' (expected YYYY-MM-DD)");
    exceptions[date] = parseIntervals(intervals, value);
  }

  Object::Ptr hours = new Object;
  hours->set("timezone", timezone);
  if (weekly) {
    hours->set("weekly", weekly);
  } else {
    hours->set("weekly", Poco::Dynamic::Var());
  }
  Array::Ptr list = new Array;
  for (const auto& [date, intervals] : exceptions) {
    Object::Ptr entry = new Object;
    entry->set("date", date);
    entry->set("intervals", intervals);
    list->add(entry);
  }
  hours->set("exceptions", list);
  return hours;
}

}  // namespace callpy::cli
