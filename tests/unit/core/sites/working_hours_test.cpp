#include "core/sites/working_hours.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

namespace callpy::core::sites {
namespace {

TimeZone zone(const std::string& name) {
  std::ifstream in("/usr/share/zoneinfo/" + name, std::ios::binary);
  std::string bytes(std::istreambuf_iterator<char>(in), {});
  std::string error;
  auto tz = TimeZone::fromTzif(name, bytes, &error);
  EXPECT_TRUE(tz) << name << ": " << error;
  return tz ? *tz : TimeZone::utc();
}

std::int64_t utc(int y, int mo, int d, int h, int mi, int s = 0) {
  return daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
}

Interval iv(const char* text) {
  auto parsed = parseInterval(text);
  EXPECT_TRUE(parsed) << text;
  return parsed.value_or(Interval{});
}

WorkingHours weekdays(const std::string& tz, const char* interval) {
  WorkingHours h;
  h.timezone = tz;
  h.configured = true;
  for (int d = 0; d < 5; ++d) h.weekly[d] = {iv(interval)};
  return h;
}

// Minutes during which the site is open between two UTC instants (minute resolution).
int openMinutes(const WorkingHours& h, const TimeZone& tz, std::int64_t from, std::int64_t to) {
  int n = 0;
  for (std::int64_t t = from; t < to; t += 60) n += isOpen(h, tz, t) ? 1 : 0;
  return n;
}

TEST(Interval, ParseAndFormat) {
  EXPECT_EQ(iv("09:00-18:00"), (Interval{540, 1080}));
  EXPECT_EQ(iv("00:00-24:00"), (Interval{0, 1440}));
  EXPECT_EQ(iv(" 13:30 - 14:15 "), (Interval{810, 855}));
  EXPECT_EQ(formatInterval({540, 1080}), "09:00-18:00");
  EXPECT_EQ(formatInterval({0, 1440}), "00:00-24:00");
  std::string error;
  for (const char* bad : {"", "09:00", "9:00-18:00", "18:00-09:00", "09:00-09:00", "24:00-24:00",
                          "09:60-10:00", "25:00-26:00", "ab:cd-ef:gh", "09:00-24:01"}) {
    EXPECT_FALSE(parseInterval(bad, &error)) << bad;
    EXPECT_FALSE(error.empty());
  }
}

TEST(Dates, Validity) {
  EXPECT_TRUE(isValidDate("2024-02-29"));
  EXPECT_FALSE(isValidDate("2023-02-29"));
  EXPECT_FALSE(isValidDate("2025-13-01"));
  EXPECT_FALSE(isValidDate("2025-1-01"));
  EXPECT_FALSE(isValidDate("25-01-01"));
  EXPECT_EQ(weekdayFromName("sun"), 6);
  EXPECT_EQ(weekdayFromName("Sunday"), -1);
  EXPECT_STREQ(weekdayName(0), "mon");
}

TEST(Validate, FindsOverlapsBadTimesAndDuplicateDates) {
  WorkingHours h;
  h.configured = true;
  h.weekly[0] = {{540, 780}, {720, 1080}};  // 09:00-13:00 overlaps 12:00-18:00
  h.weekly[1] = {{540, 600}, {600, 660}};   // touching is fine
  h.weekly[2] = {{600, 540}};               // backwards
  h.exceptions = {
      {"2025-12-31", {}}, {"2025-12-31", {}}, {"2025-02-30", {}}, {"2026-01-02", {{0, 1441}}}};
  auto problems = validateWorkingHours(h);
  ASSERT_EQ(problems.size(), 5u);
  EXPECT_EQ(problems[0].weekday, 0);
  EXPECT_EQ(problems[0].interval, 1);
  EXPECT_NE(problems[0].message.find("overlaps"), std::string::npos);
  EXPECT_EQ(problems[1].weekday, 2);
  EXPECT_EQ(problems[1].interval, 0);
  EXPECT_EQ(problems[2].exception, 1);
  EXPECT_TRUE(problems[2].atDate);
  EXPECT_NE(problems[2].message.find("duplicate"), std::string::npos);
  EXPECT_EQ(problems[3].exception, 2);
  EXPECT_TRUE(problems[3].atDate);
  EXPECT_EQ(problems[4].exception, 3);
  EXPECT_EQ(problems[4].interval, 0);
  EXPECT_TRUE(validateWorkingHours(weekdays("UTC", "09:00-18:00")).empty());
}

TEST(IsOpen, NotConfiguredIsAlwaysOpen) {
  WorkingHours h;
  EXPECT_TRUE(isOpen(h, TimeZone::utc(), 0));
  EXPECT_TRUE(isOpen(h, TimeZone::utc(), utc(2025, 6, 1, 3, 0)));  // a Sunday night
}

TEST(IsOpen, ConfiguredWithNoIntervalsIsClosed) {
  WorkingHours h;
  h.configured = true;
  EXPECT_EQ(openMinutes(h, TimeZone::utc(), utc(2025, 6, 2, 0, 0), utc(2025, 6, 9, 0, 0)), 0);
}

TEST(IsOpen, BerlinWeekdayBoundaries) {
  TimeZone tz = zone("Europe/Berlin");
  WorkingHours h = weekdays("Europe/Berlin", "09:00-18:00");
  // Monday 2 June 2025, CEST (+2).
  EXPECT_FALSE(isOpen(h, tz, utc(2025, 6, 2, 6, 59, 59)));
  EXPECT_TRUE(isOpen(h, tz, utc(2025, 6, 2, 7, 0, 0)));
  EXPECT_TRUE(isOpen(h, tz, utc(2025, 6, 2, 15, 59, 59)));
  EXPECT_FALSE(isOpen(h, tz, utc(2025, 6, 2, 16, 0, 0)));
  // Winter, CET (+1): the same wall-clock hours are an hour later in UTC.
  EXPECT_FALSE(isOpen(h, tz, utc(2025, 1, 6, 7, 59)));
  EXPECT_TRUE(isOpen(h, tz, utc(2025, 1, 6, 8, 0)));
  // Saturday closed.
  EXPECT_EQ(openMinutes(h, tz, utc(2025, 6, 6, 22, 0), utc(2025, 6, 7, 22, 0)), 0);
  // A whole week: 5 × 9 h.
  EXPECT_EQ(openMinutes(h, tz, utc(2025, 6, 1, 22, 0), utc(2025, 6, 8, 22, 0)), 5 * 9 * 60);
}

TEST(IsOpen, BerlinSpringForwardSkipsTheMissingHour) {
  TimeZone tz = zone("Europe/Berlin");
  // Sunday 30 March 2025: local clocks jump from 02:00 to 03:00 (01:00Z).
  std::int64_t dayStart = utc(2025, 3, 29, 23, 0);  // local midnight, CET
  std::int64_t dayEnd = utc(2025, 3, 30, 22, 0);    // next local midnight, CEST
  WorkingHours h;
  h.configured = true;
  h.weekly[6] = {iv("02:00-03:00")};
  EXPECT_EQ(openMinutes(h, tz, dayStart, dayEnd), 0);  // 02:xx never exists that day

  h.weekly[6] = {iv("01:00-03:30")};
  EXPECT_TRUE(isOpen(h, tz, utc(2025, 3, 30, 0, 0)));    // 01:00 CET
  EXPECT_TRUE(isOpen(h, tz, utc(2025, 3, 30, 0, 59)));   // 01:59 CET
  EXPECT_TRUE(isOpen(h, tz, utc(2025, 3, 30, 1, 0)));    // 03:00 CEST
  EXPECT_TRUE(isOpen(h, tz, utc(2025, 3, 30, 1, 29)));   // 03:29 CEST
  EXPECT_FALSE(isOpen(h, tz, utc(2025, 3, 30, 1, 30)));  // 03:30 CEST
  EXPECT_EQ(openMinutes(h, tz, dayStart, dayEnd), 90);   // 2.5 wall-clock hours, 1.5 real
}

TEST(IsOpen, BerlinFallBackRepeatsTheHour) {
  TimeZone tz = zone("Europe/Berlin");
  // Sunday 26 October 2025: 03:00 CEST (01:00Z) becomes 02:00 CET.
  std::int64_t dayStart = utc(2025, 10, 25, 22, 0);
  std::int64_t dayEnd = utc(2025, 10, 26, 23, 0);
  WorkingHours h;
  h.configured = true;
  h.weekly[6] = {iv("02:00-03:00")};
  EXPECT_FALSE(isOpen(h, tz, utc(2025, 10, 25, 23, 59)));  // 01:59 CEST
  EXPECT_TRUE(isOpen(h, tz, utc(2025, 10, 26, 0, 0)));     // 02:00 CEST
  EXPECT_TRUE(isOpen(h, tz, utc(2025, 10, 26, 0, 59)));    // 02:59 CEST
  EXPECT_TRUE(isOpen(h, tz, utc(2025, 10, 26, 1, 0)));     // 02:00 CET, again
  EXPECT_TRUE(isOpen(h, tz, utc(2025, 10, 26, 1, 59)));    // 02:59 CET
  EXPECT_FALSE(isOpen(h, tz, utc(2025, 10, 26, 2, 0)));    // 03:00 CET
  EXPECT_EQ(openMinutes(h, tz, dayStart, dayEnd), 120);
}

TEST(IsOpen, NewYorkAcrossDst) {
  TimeZone tz = zone("America/New_York");
  WorkingHours h = weekdays("America/New_York", "09:00-17:00");
  EXPECT_FALSE(isOpen(h, tz, utc(2025, 3, 7, 13, 59)));  // Fri 08:59 EST
  EXPECT_TRUE(isOpen(h, tz, utc(2025, 3, 7, 14, 0)));    // Fri 09:00 EST
  EXPECT_TRUE(isOpen(h, tz, utc(2025, 3, 10, 13, 0)));   // Mon 09:00 EDT
  EXPECT_FALSE(isOpen(h, tz, utc(2025, 3, 10, 21, 0)));  // Mon 17:00 EDT
  EXPECT_TRUE(isOpen(h, tz, utc(2025, 3, 7, 21, 59)));   // Fri 16:59 EST
  // Friday evening in New York is already Saturday in UTC: the local weekday decides.
  WorkingHours evening = weekdays("America/New_York", "18:00-24:00");
  EXPECT_TRUE(isOpen(evening, tz, utc(2025, 6, 7, 3, 59)));  // Fri 23:59 EDT
  EXPECT_FALSE(isOpen(evening, tz, utc(2025, 6, 7, 4, 0)));  // Sat 00:00 EDT
}

TEST(IsOpen, MoscowUsedPlusFourIn2011) {
  TimeZone tz = zone("Europe/Moscow");
  WorkingHours h = weekdays("Europe/Moscow", "09:00-18:00");
  EXPECT_FALSE(isOpen(h, tz, utc(2011, 12, 7, 4, 59)));  // Wed 08:59 MSK (+4)
  EXPECT_TRUE(isOpen(h, tz, utc(2011, 12, 7, 5, 0)));    // Wed 09:00 MSK (+4)
  EXPECT_FALSE(isOpen(h, tz, utc(2020, 12, 2, 5, 59)));  // Wed 08:59 MSK (+3)
  EXPECT_TRUE(isOpen(h, tz, utc(2020, 12, 2, 6, 0)));    // Wed 09:00 MSK (+3)
  EXPECT_FALSE(isOpen(h, tz, utc(2010, 12, 1, 5, 59)));  // Wed 08:59 MSK (+3 in winter 2010)
  EXPECT_TRUE(isOpen(h, tz, utc(2010, 12, 1, 6, 0)));
}

TEST(IsOpen, ExceptionsOverrideTheWeekday) {
  TimeZone tz = zone("Europe/Berlin");
  WorkingHours h = weekdays("Europe/Berlin", "09:00-18:00");
  h.exceptions.push_back({"2025-12-31", {}});                   // a Wednesday, closed
  h.exceptions.push_back({"2025-12-28", {iv("10:00-14:00")}});  // a Sunday, open
  h.exceptions.push_back({"2026-01-01", {iv("00:00-01:00")}});  // a Thursday, short
  EXPECT_TRUE(isOpen(h, tz, utc(2025, 12, 30, 12, 0)));
  EXPECT_FALSE(isOpen(h, tz, utc(2025, 12, 31, 12, 0)));
  EXPECT_EQ(openMinutes(h, tz, utc(2025, 12, 30, 23, 0), utc(2025, 12, 31, 23, 0)), 0);
  EXPECT_TRUE(isOpen(h, tz, utc(2025, 12, 28, 9, 0)));    // 10:00 CET
  EXPECT_FALSE(isOpen(h, tz, utc(2025, 12, 28, 13, 0)));  // 14:00 CET
  // 23:30Z on 31 December is 00:30 on 1 January in Berlin: that date's exception applies.
  EXPECT_TRUE(isOpen(h, tz, utc(2025, 12, 31, 23, 30)));
  EXPECT_FALSE(isOpen(h, tz, utc(2026, 1, 1, 8, 0)));  // 09:00 local, but not per exception
}

}  // namespace
}  // namespace callpy::core::sites
