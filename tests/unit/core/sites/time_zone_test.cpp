#include "core/sites/time_zone.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iterator>
#include <string>

namespace callpy::core::sites {
namespace {

std::string readZoneFile(const std::string& name) {
  std::ifstream in("/usr/share/zoneinfo/" + name, std::ios::binary);
  EXPECT_TRUE(in.good()) << "tzdata missing: " << name;
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TimeZone zone(const std::string& name) {
  std::string error;
  auto tz = TimeZone::fromTzif(name, readZoneFile(name), &error);
  EXPECT_TRUE(tz.has_value()) << name << ": " << error;
  return tz ? *tz : TimeZone::utc();
}

std::int64_t utc(int y, int mo, int d, int h, int mi, int s = 0) {
  return daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
}

// --- big-endian TZif builder for synthetic files
// --------------------------------------------------

void put32(std::string& out, std::uint32_t v) {
  for (int k = 3; k >= 0; --k) out.push_back(static_cast<char>((v >> (8 * k)) & 0xff));
}
void put64(std::string& out, std::uint64_t v) {
  for (int k = 7; k >= 0; --k) out.push_back(static_cast<char>((v >> (8 * k)) & 0xff));
}

struct SyntheticType {
  std::int32_t offset;
  bool dst;
};

std::string header(char version, std::uint32_t timecnt, std::uint32_t typecnt) {
  std::string out = "TZif";
  out.push_back(version);
  out.append(15, '\0');
  put32(out, 0);        // isutcnt
  put32(out, 0);        // isstdcnt
  put32(out, 0);        // leapcnt
  put32(out, timecnt);  // timecnt
  put32(out, typecnt);  // typecnt
  put32(out, 4);        // charcnt
  return out;
}

std::string block(bool wide, const std::vector<std::int64_t>& times,
                  const std::vector<std::uint8_t>& idx, const std::vector<SyntheticType>& types) {
  std::string out;
  for (auto t : times) {
    if (wide)
      put64(out, static_cast<std::uint64_t>(t));
    else
      put32(out, static_cast<std::uint32_t>(static_cast<std::int32_t>(t)));
  }
  for (auto i : idx) out.push_back(static_cast<char>(i));
  for (auto& ty : types) {
    put32(out, static_cast<std::uint32_t>(ty.offset));
    out.push_back(ty.dst ? 1 : 0);
    out.push_back(0);
  }
  out.append("XXX", 4);  // one abbreviation with its NUL
  return out;
}

std::string tzif(char version, const std::vector<std::int64_t>& times,
                 const std::vector<std::uint8_t>& idx, const std::vector<SyntheticType>& types,
                 const std::string& footer = "") {
  auto n = static_cast<std::uint32_t>(times.size());
  auto m = static_cast<std::uint32_t>(types.size());
  std::string out = header(version, n, m) + block(false, times, idx, types);
  if (version == 0) return out;
  out += header(version, n, m) + block(true, times, idx, types);
  out += "\n" + footer + "\n";
  return out;
}

// --- tests ---------------------------------------------------------------------------------------

TEST(Calendar, RoundTripsAndKnowsWeekdays) {
  EXPECT_EQ(daysFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(daysFromCivil(2000, 3, 1), 11017);
  for (std::int64_t d = -800000; d < 800000; d += 37) {
    int y, m, day;
    civilFromDays(d, y, m, day);
    ASSERT_EQ(daysFromCivil(y, m, day), d);
  }
  LocalDateTime t = TimeZone::utc().localDateTime(-1);
  EXPECT_EQ(t.year, 1969);
  EXPECT_EQ(t.month, 12);
  EXPECT_EQ(t.day, 31);
  EXPECT_EQ(t.weekday, 2);  // Wednesday
  EXPECT_EQ(t.minuteOfDay, 1439);
  EXPECT_EQ(t.second, 59);
  EXPECT_EQ(TimeZone::utc().localDateTime(utc(2025, 6, 2, 12, 0)).weekday, 0);  // Monday
}

TEST(TimeZone, UtcFileHasZeroOffset) {
  TimeZone tz = zone("UTC");
  EXPECT_EQ(tz.offsetAt(0), 0);
  EXPECT_EQ(tz.offsetAt(utc(2100, 7, 1, 0, 0)), 0);
  EXPECT_EQ(tz.offsetAt(-5'000'000'000LL), 0);
}

TEST(TimeZone, BerlinKnownOffsets) {
  TimeZone tz = zone("Europe/Berlin");
  EXPECT_EQ(tz.offsetAt(utc(1979, 7, 1, 12, 0)), 3600);  // no DST in West Germany until 1980
  EXPECT_EQ(tz.offsetAt(utc(1980, 7, 1, 12, 0)), 7200);
  // 2025: spring forward 30 March 01:00Z, fall back 26 October 01:00Z.
  EXPECT_EQ(tz.offsetAt(utc(2025, 3, 30, 0, 59, 59)), 3600);
  EXPECT_EQ(tz.offsetAt(utc(2025, 3, 30, 1, 0, 0)), 7200);
  EXPECT_EQ(tz.offsetAt(utc(2025, 10, 26, 0, 59, 59)), 7200);
  EXPECT_EQ(tz.offsetAt(utc(2025, 10, 26, 1, 0, 0)), 3600);
  // Past the table (fat files stop in 2037): the footer rule takes over. 2100: 28 March, 31 Oct.
  EXPECT_EQ(tz.offsetAt(utc(2100, 3, 28, 0, 59, 59)), 3600);
  EXPECT_EQ(tz.offsetAt(utc(2100, 3, 28, 1, 0, 0)), 7200);
  EXPECT_EQ(tz.offsetAt(utc(2100, 10, 31, 0, 59, 59)), 7200);
  EXPECT_EQ(tz.offsetAt(utc(2100, 10, 31, 1, 0, 0)), 3600);
}

TEST(TimeZone, NewYorkKnownOffsets) {
  TimeZone tz = zone("America/New_York");
  EXPECT_EQ(tz.offsetAt(utc(2025, 3, 9, 6, 59, 59)), -18000);
  EXPECT_EQ(tz.offsetAt(utc(2025, 3, 9, 7, 0, 0)), -14400);
  EXPECT_EQ(tz.offsetAt(utc(2025, 11, 2, 5, 59, 59)), -14400);
  EXPECT_EQ(tz.offsetAt(utc(2025, 11, 2, 6, 0, 0)), -18000);
  EXPECT_EQ(tz.offsetAt(utc(2006, 4, 2, 7, 0, 0)), -14400);  // pre-2007 rule: first Sunday of April
  EXPECT_EQ(tz.offsetAt(utc(2006, 3, 20, 12, 0)), -18000);
}

TEST(TimeZone, MoscowPermanentSummerTimeIn2011) {
  TimeZone tz = zone("Europe/Moscow");
  EXPECT_EQ(tz.offsetAt(utc(2010, 1, 15, 12, 0)), 3 * 3600);
  EXPECT_EQ(tz.offsetAt(utc(2010, 7, 1, 12, 0)), 4 * 3600);
  EXPECT_EQ(tz.offsetAt(utc(2011, 3, 26, 22, 59, 59)), 3 * 3600);
  EXPECT_EQ(tz.offsetAt(utc(2011, 3, 26, 23, 0, 0)), 4 * 3600);
  EXPECT_EQ(tz.offsetAt(utc(2011, 12, 15, 12, 0)), 4 * 3600);  // no fall back in 2011
  EXPECT_EQ(tz.offsetAt(utc(2014, 10, 25, 21, 59, 59)), 4 * 3600);
  EXPECT_EQ(tz.offsetAt(utc(2014, 10, 25, 22, 0, 0)), 3 * 3600);
  EXPECT_EQ(tz.offsetAt(utc(2060, 7, 1, 0, 0)), 3 * 3600);
}

TEST(TimeZone, LocalDateTimeAcrossSpringForward) {
  TimeZone tz = zone("Europe/Berlin");
  LocalDateTime before = tz.localDateTime(utc(2025, 3, 30, 0, 59));
  EXPECT_EQ(before.day, 30);
  EXPECT_EQ(before.weekday, 6);
  EXPECT_EQ(before.minuteOfDay, 1 * 60 + 59);
  LocalDateTime after = tz.localDateTime(utc(2025, 3, 30, 1, 0));
  EXPECT_EQ(after.minuteOfDay, 3 * 60);
  LocalDateTime newYear = tz.localDateTime(utc(2025, 12, 31, 23, 30));
  EXPECT_EQ(newYear.year, 2026);
  EXPECT_EQ(newYear.month, 1);
  EXPECT_EQ(newYear.day, 1);
  EXPECT_EQ(newYear.minuteOfDay, 30);
}

// glibc reads the same files and evaluates the same footer; agreeing with it over a century and a
// half, across hemispheres, negative DST (Dublin), 24+h rule times (Jerusalem) and negative rule
// times (Nuuk), is strong evidence that both the table and the footer code are right.
TEST(TimeZone, AgreesWithGlibcLocaltime) {
  const char* zones[] = {"Europe/Berlin",
                         "America/New_York",
                         "Europe/Moscow",
                         "Australia/Sydney",
                         "America/Sao_Paulo",
                         "Asia/Kolkata",
                         "America/Nuuk",
                         "Asia/Jerusalem",
                         "Pacific/Chatham",
                         "Europe/Dublin",
                         "America/Santiago",
                         "Australia/Lord_Howe",
                         "UTC"};
  const char* savedTz = std::getenv("TZ");
  std::string saved = savedTz ? savedTz : "";
  for (const char* name : zones) {
    TimeZone tz = zone(name);
    setenv("TZ", (std::string(":") + name).c_str(), 1);
    tzset();
    auto check = [&](std::int64_t t) {
      std::time_t tt = static_cast<std::time_t>(t);
      std::tm tm{};
      ASSERT_NE(localtime_r(&tt, &tm), nullptr);
      ASSERT_EQ(tz.offsetAt(t), tm.tm_gmtoff) << name << " at " << t;
      LocalDateTime l = tz.localDateTime(t);
      ASSERT_EQ(l.year, tm.tm_year + 1900) << name << " at " << t;
      ASSERT_EQ(l.month, tm.tm_mon + 1);
      ASSERT_EQ(l.day, tm.tm_mday);
      ASSERT_EQ(l.weekday, (tm.tm_wday + 6) % 7);
      ASSERT_EQ(l.minuteOfDay, tm.tm_hour * 60 + tm.tm_min);
    };
    // Sparse over the whole range; dense where fat files hand over to the footer (2037).
    for (std::int64_t t = utc(1970, 1, 1, 0, 0); t < utc(2120, 1, 1, 0, 0); t += 12 * 3600 + 7) {
      check(t);
    }
    for (std::int64_t t = utc(2036, 1, 1, 0, 0); t < utc(2040, 1, 1, 0, 0); t += 1800) check(t);
  }
  if (savedTz)
    setenv("TZ", saved.c_str(), 1);
  else
    unsetenv("TZ");
  tzset();
}

TEST(PosixTz, ParsesFooterForms) {
  auto fixed = PosixTz::parse("<+03>-3");
  ASSERT_TRUE(fixed);
  EXPECT_FALSE(fixed->hasDst);
  EXPECT_EQ(fixed->stdOffset, 10800);
  EXPECT_EQ(fixed->stdName, "+03");

  auto berlin = PosixTz::parse("CET-1CEST,M3.5.0,M10.5.0/3");
  ASSERT_TRUE(berlin);
  EXPECT_TRUE(berlin->hasDst);
  EXPECT_EQ(berlin->stdOffset, 3600);
  EXPECT_EQ(berlin->dstOffset, 7200);
  EXPECT_EQ(berlin->end.time, 3 * 3600);
  EXPECT_EQ(berlin->start.month, 3);
  EXPECT_EQ(berlin->start.week, 5);

  auto nuuk = PosixTz::parse("<-02>2<-01>,M3.5.0/-1,M10.5.0/0");
  ASSERT_TRUE(nuuk);
  EXPECT_EQ(nuuk->start.time, -3600);

  auto withOffset = PosixTz::parse("AAA3:30BBB2:30,J60/0,300/0");
  ASSERT_TRUE(withOffset);
  EXPECT_EQ(withOffset->stdOffset, -(3 * 3600 + 1800));
  EXPECT_EQ(withOffset->dstOffset, -(2 * 3600 + 1800));

  for (const char* bad : {"", "C-1", "CET", "CET-1CEST,M3.5.0", "CET-1CEST,M13.5.0,M10.5.0",
                          "CET-1CEST,M3.6.0,M10.5.0", "CET-1CEST,J0,J100", "<>-1", "CET-1x"}) {
    EXPECT_FALSE(PosixTz::parse(bad)) << bad;
  }
}

TEST(PosixTz, JulianRules) {
  // Jn never counts Feb 29: J60 is 1 March in every year. n counts it: 59 is Feb 29 in 2024.
  auto j = TimeZone::fromPosix("J", "AAA0BBB,J60/0,J300/0");
  ASSERT_TRUE(j);
  EXPECT_EQ(j->offsetAt(utc(2024, 2, 29, 23, 59, 59)), 0);
  EXPECT_EQ(j->offsetAt(utc(2024, 3, 1, 0, 0, 0)), 3600);
  EXPECT_EQ(j->offsetAt(utc(2023, 2, 28, 23, 59, 59)), 0);
  EXPECT_EQ(j->offsetAt(utc(2023, 3, 1, 0, 0, 0)), 3600);
  auto n = TimeZone::fromPosix("n", "AAA0BBB,59/0,300/0");
  ASSERT_TRUE(n);
  EXPECT_EQ(n->offsetAt(utc(2024, 2, 28, 23, 59, 59)), 0);
  EXPECT_EQ(n->offsetAt(utc(2024, 2, 29, 0, 0, 0)), 3600);
  EXPECT_EQ(n->offsetAt(utc(2023, 3, 1, 0, 0, 0)), 3600);
}

TEST(PosixTz, SouthernHemisphere) {
  auto syd = TimeZone::fromPosix("Sydney", "AEST-10AEDT,M10.1.0,M4.1.0/3");
  ASSERT_TRUE(syd);
  EXPECT_EQ(syd->offsetAt(utc(2030, 1, 15, 0, 0)), 11 * 3600);
  EXPECT_EQ(syd->offsetAt(utc(2030, 6, 15, 0, 0)), 10 * 3600);
  EXPECT_EQ(syd->offsetAt(utc(2030, 12, 31, 20, 0)), 11 * 3600);
}

TEST(TimeZone, SyntheticVersion1File) {
  std::string bytes = tzif(0, {1000, 2000}, {1, 0}, {{3600, false}, {7200, true}});
  std::string error;
  auto tz = TimeZone::fromTzif("v1", bytes, &error);
  ASSERT_TRUE(tz) << error;
  EXPECT_EQ(tz->offsetAt(999), 3600);  // before the first transition: type 0
  EXPECT_EQ(tz->offsetAt(1000), 7200);
  EXPECT_EQ(tz->offsetAt(1999), 7200);
  EXPECT_EQ(tz->offsetAt(2000), 3600);
  EXPECT_EQ(tz->offsetAt(5'000'000'000LL), 3600);  // no footer in v1: the last type holds
}

TEST(TimeZone, SlimFileUsesFooterOnly) {
  // zic -b slim writes no transitions that the footer can express.
  std::string bytes = tzif('2', {}, {}, {{3600, false}}, "CET-1CEST,M3.5.0,M10.5.0/3");
  std::string error;
  auto tz = TimeZone::fromTzif("slim", bytes, &error);
  ASSERT_TRUE(tz) << error;
  EXPECT_EQ(tz->offsetAt(utc(2025, 3, 30, 0, 59, 59)), 3600);
  EXPECT_EQ(tz->offsetAt(utc(2025, 3, 30, 1, 0, 0)), 7200);
  EXPECT_EQ(tz->offsetAt(utc(2025, 10, 26, 1, 0, 0)), 3600);
}

TEST(TimeZone, Version3UsesWideSectionBeyond2038) {
  std::int64_t far = utc(2200, 1, 1, 0, 0);
  // The 32-bit block cannot hold `far`; a reader that used it would see a wrapped time.
  std::string bytes = tzif('3', {far}, {1}, {{0, false}, {5 * 3600, false}}, "<+05>-5");
  std::string error;
  auto tz = TimeZone::fromTzif("v3", bytes, &error);
  ASSERT_TRUE(tz) << error;
  EXPECT_EQ(tz->offsetAt(far - 1), 0);
  EXPECT_EQ(tz->offsetAt(far), 5 * 3600);
}

TEST(TimeZone, RejectsBrokenFiles) {
  std::string good = tzif('2', {1000}, {0}, {{3600, false}}, "CET-1");
  std::string error;
  EXPECT_FALSE(TimeZone::fromTzif("x", "", &error));
  EXPECT_FALSE(error.empty());
  EXPECT_FALSE(TimeZone::fromTzif("x", "TZxf" + good.substr(4), &error));
  EXPECT_FALSE(TimeZone::fromTzif("x", good.substr(0, good.size() - 10), &error));
  EXPECT_FALSE(TimeZone::fromTzif("x", tzif('2', {1000}, {3}, {{3600, false}}), &error));
  EXPECT_EQ(error, "TZif transition refers to a missing type");
  EXPECT_FALSE(TimeZone::fromTzif("x", tzif('2', {2000, 1000}, {0, 0}, {{0, false}}), &error));
  EXPECT_FALSE(TimeZone::fromTzif("x", tzif('2', {}, {}, {{0, false}}, "garbage!"), &error));
  EXPECT_TRUE(TimeZone::fromTzif("x", good, &error)) << error;
}

}  // namespace
}  // namespace callpy::core::sites
