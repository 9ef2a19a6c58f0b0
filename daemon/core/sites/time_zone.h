#pragma once
// An IANA time zone built from the bytes of a TZif file (RFC 8536). Pure computation: reading
// /usr/share/zoneinfo is the adapter's job (config/zoneinfo.h), so core/ stays free of I/O.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace callpy::core::sites {

struct LocalDateTime {
  int year = 1970;
  int month = 1;        // 1..12
  int day = 1;          // 1..31
  int weekday = 3;      // 0 = Monday … 6 = Sunday
  int minuteOfDay = 0;  // 0..1439
  int second = 0;       // 0..59, second within the minute
};

// The POSIX TZ string of a TZif footer, e.g. "CET-1CEST,M3.5.0,M10.5.0/3". Offsets here are
// seconds east of UTC (the string itself counts west, so the sign is flipped when parsing).
struct PosixTz {
  struct Rule {
    enum class Kind { Julian1, Julian0, MonthWeekDay };  // "Jn", "n", "Mm.w.d"
    Kind kind = Kind::MonthWeekDay;
    int day = 0;      // Jn: 1..365 (no Feb 29); n: 0..365; M: weekday 0 = Sunday
    int week = 0;     // M: 1..5 (5 = last)
    int month = 0;    // M: 1..12
    int time = 7200;  // seconds after local midnight, may be negative or beyond 24 h
  };
  std::string stdName;
  std::int32_t stdOffset = 0;
  bool hasDst = false;
  std::string dstName;
  std::int32_t dstOffset = 0;
  Rule start;  // switch to DST, in local standard time
  Rule end;    // switch back, in local daylight time

  // nullopt when the string is malformed.
  static std::optional<PosixTz> parse(std::string_view text);
  std::int32_t offsetAt(std::int64_t utcSeconds) const;
  bool isDstAt(std::int64_t utcSeconds) const;
};

class TimeZone {
 public:
  // A zone with a fixed offset of zero; what a site without a configured zone uses.
  static TimeZone utc();
  // Parses TZif v1/v2/v3 bytes; nullopt with *error set when they are not a sound TZif file.
  static std::optional<TimeZone> fromTzif(std::string name, std::string_view bytes,
                                          std::string* error = nullptr);
  // A zone given by a POSIX TZ string alone (no transition table).
  static std::optional<TimeZone> fromPosix(std::string name, std::string_view tz);

  const std::string& name() const { return name_; }
  // Seconds east of UTC in force at the instant.
  std::int32_t offsetAt(std::int64_t utcSeconds) const;
  LocalDateTime localDateTime(std::int64_t utcSeconds) const;

 private:
  struct Type {
    std::int32_t offset = 0;
    bool dst = false;
  };
  std::string name_;
  std::vector<std::int64_t> transitions_;      // ascending UTC instants
  std::vector<std::uint8_t> transitionTypes_;  // index into types_, one per transition
  std::vector<Type> types_;                    // at least one; types_[0] applies before the first
  std::optional<PosixTz> footer_;              // rule for instants after the last transition
};

// Calendar helpers (proleptic Gregorian, days since 1970-01-01).
std::int64_t daysFromCivil(int year, int month, int day);
void civilFromDays(std::int64_t days, int& year, int& month, int& day);
bool isLeapYear(int year);
int daysInMonth(int year, int month);

}  // namespace callpy::core::sites
