#include "core/sites/working_hours.h"

#include <algorithm>
#include <cstdio>
#include <set>

namespace callpy::core::sites {

namespace {

constexpr const char* kWeekdays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

bool twoDigits(std::string_view s, std::size_t at, int& out) {
  if (at + 2 > s.size()) return false;
  char a = s[at], b = s[at + 1];
  if (a < '0' || a > '9' || b < '0' || b > '9') return false;
  out = (a - '0') * 10 + (b - '0');
  return true;
}

// "HH:MM" → minutes; 24:00 only when allowed.
bool parseClock(std::string_view s, bool allow2400, int& minutes) {
  int h = 0, m = 0;
  if (s.size() != 5 || s[2] != ':' || !twoDigits(s, 0, h) || !twoDigits(s, 3, m)) return false;
  if (m > 59) return false;
  if (h == 24 && m == 0 && allow2400) {
    minutes = 1440;
    return true;
  }
  if (h > 23) return false;
  minutes = h * 60 + m;
  return true;
}

std::string trim(std::string_view s) {
  std::size_t a = 0, b = s.size();
  while (a < b && (s[a] == ' ' || s[a] == '\t')) ++a;
  while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t')) --b;
  return std::string(s.substr(a, b - a));
}

void checkDay(const std::vector<Interval>& day, int weekday, int exception,
              std::vector<HoursProblem>& out) {
  std::vector<std::size_t> order;
  for (std::size_t k = 0; k < day.size(); ++k) {
    const Interval& iv = day[k];
    if (iv.startMinute < 0 || iv.startMinute > 1439 || iv.endMinute < 1 || iv.endMinute > 1440 ||
        iv.startMinute >= iv.endMinute) {
      out.push_back({weekday, exception, static_cast<int>(k), false,
                     "interval must start before it ends, within 00:00-24:00"});
    } else {
      order.push_back(k);
    }
  }
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return day[a].startMinute < day[b].startMinute; });
  for (std::size_t k = 1; k < order.size(); ++k) {
    const Interval& prev = day[order[k - 1]];
    const Interval& cur = day[order[k]];
    if (cur.startMinute < prev.endMinute) {
      out.push_back({weekday, exception, static_cast<int>(std::max(order[k], order[k - 1])), false,
                     "interval " + formatInterval(cur) + " overlaps " + formatInterval(prev)});
    }
  }
}

bool openDuring(const std::vector<Interval>& day, int minute) {
  return std::any_of(day.begin(), day.end(), [minute](const Interval& iv) {
    return minute >= iv.startMinute && minute < iv.endMinute;
  });
}

}  // namespace

std::optional<Interval> parseInterval(std::string_view text, std::string* error) {
  auto fail = [&](const char* message) -> std::optional<Interval> {
    if (error) *error = message;
    return std::nullopt;
  };
  std::size_t dash = text.find('-');
  if (dash == std::string_view::npos) return fail("expected an interval like 09:00-18:00");
  std::string from = trim(text.substr(0, dash));
  std::string to = trim(text.substr(dash + 1));
  Interval iv;
  if (!parseClock(from, false, iv.startMinute) || !parseClock(to, true, iv.endMinute)) {
    return fail("expected an interval like 09:00-18:00 (HH:MM-HH:MM, 24:00 allowed as the end)");
  }
  if (iv.startMinute >= iv.endMinute) return fail("interval must start before it ends");
  return iv;
}

std::string formatInterval(const Interval& interval) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%02d:%02d-%02d:%02d", interval.startMinute / 60,
                interval.startMinute % 60, interval.endMinute / 60, interval.endMinute % 60);
  return buf;
}

const char* weekdayName(int weekday) {
  return weekday >= 0 && weekday < 7 ? kWeekdays[weekday] : "";
}

int weekdayFromName(std::string_view name) {
  for (int k = 0; k < 7; ++k) {
    if (name == kWeekdays[k]) return k;
  }
  return -1;
}

bool isValidDate(std::string_view date) {
  if (date.size() != 10 || date[4] != '-' || date[7] != '-') return false;
  int y1 = 0, y2 = 0, m = 0, d = 0;
  if (!twoDigits(date, 0, y1) || !twoDigits(date, 2, y2) || !twoDigits(date, 5, m) ||
      !twoDigits(date, 8, d)) {
    return false;
  }
  int year = y1 * 100 + y2;
  return year >= 1970 && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(year, m);
}

std::vector<HoursProblem> validateWorkingHours(const WorkingHours& hours) {
  std::vector<HoursProblem> out;
  for (int wd = 0; wd < 7; ++wd) checkDay(hours.weekly[wd], wd, -1, out);
  std::set<std::string> seen;
  for (std::size_t k = 0; k < hours.exceptions.size(); ++k) {
    const DateException& ex = hours.exceptions[k];
    int index = static_cast<int>(k);
    if (!isValidDate(ex.date)) {
      out.push_back({-1, index, -1, true, "date must be a calendar date written YYYY-MM-DD"});
    } else if (!seen.insert(ex.date).second) {
      out.push_back({-1, index, -1, true, "duplicate exception for " + ex.date});
    }
    checkDay(ex.intervals, -1, index, out);
  }
  return out;
}

bool isOpen(const WorkingHours& hours, const TimeZone& zone, std::int64_t utcSeconds) {
  if (!hours.configured) return true;
  LocalDateTime local = zone.localDateTime(utcSeconds);
  char date[48];
  std::snprintf(date, sizeof date, "%04d-%02d-%02d", local.year, local.month, local.day);
  for (const DateException& ex : hours.exceptions) {
    if (ex.date == date) return openDuring(ex.intervals, local.minuteOfDay);
  }
  return openDuring(hours.weekly[local.weekday], local.minuteOfDay);
}

}  // namespace callpy::core::sites
