#include "core/sites/time_zone.h"

#include <algorithm>
#include <cctype>
#include <limits>

namespace callpy::core::sites {

namespace {

constexpr std::int64_t kSecondsPerDay = 86400;

std::int64_t floorDiv(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

// --- POSIX TZ string ----------------------------------------------------------------------------

class TzCursor {
 public:
  explicit TzCursor(std::string_view s) : s_(s) {}
  bool atEnd() const { return i_ >= s_.size(); }
  char peek() const { return atEnd() ? '\0' : s_[i_]; }
  bool accept(char c) {
    if (peek() != c) return false;
    ++i_;
    return true;
  }

  // A zone abbreviation: three or more letters, or anything but '>' between angle brackets.
  bool name(std::string& out) {
    if (accept('<')) {
      std::size_t start = i_;
      while (!atEnd() && peek() != '>') ++i_;
      if (atEnd() || i_ == start) return false;
      out.assign(s_.substr(start, i_ - start));
      ++i_;
      return true;
    }
    std::size_t start = i_;
    while (!atEnd() && std::isalpha(static_cast<unsigned char>(peek()))) ++i_;
    if (i_ - start < 3) return false;
    out.assign(s_.substr(start, i_ - start));
    return true;
  }

  bool number(int& out, int maxValue) {
    if (!std::isdigit(static_cast<unsigned char>(peek()))) return false;
    long v = 0;
    while (std::isdigit(static_cast<unsigned char>(peek()))) {
      v = v * 10 + (s_[i_++] - '0');
      if (v > maxValue) return false;
    }
    out = static_cast<int>(v);
    return true;
  }

  // [+-]hh[:mm[:ss]] in seconds. RFC 8536 lets rule times reach 167 hours.
  bool duration(int& out, int maxHours) {
    int sign = 1;
    if (accept('-')) {
      sign = -1;
    } else {
      accept('+');
    }
    int h = 0, m = 0, sec = 0;
    if (!number(h, maxHours)) return false;
    if (accept(':')) {
      if (!number(m, 59)) return false;
      if (accept(':') && !number(sec, 59)) return false;
    }
    out = sign * (h * 3600 + m * 60 + sec);
    return true;
  }

  bool rule(PosixTz::Rule& r) {
    using Kind = PosixTz::Rule::Kind;
    if (accept('J')) {
      r.kind = Kind::Julian1;
      if (!number(r.day, 365) || r.day < 1) return false;
    } else if (accept('M')) {
      r.kind = Kind::MonthWeekDay;
      if (!number(r.month, 12) || r.month < 1 || !accept('.')) return false;
      if (!number(r.week, 5) || r.week < 1 || !accept('.')) return false;
      if (!number(r.day, 6)) return false;
    } else {
      r.kind = Kind::Julian0;
      if (!number(r.day, 365)) return false;
    }
    r.time = 7200;
    if (accept('/') && !duration(r.time, 167)) return false;
    return true;
  }

 private:
  std::string_view s_;
  std::size_t i_ = 0;
};

// Local (wall-clock) seconds since the epoch at which `r` fires in `year`.
std::int64_t ruleLocalSeconds(const PosixTz::Rule& r, int year) {
  using Kind = PosixTz::Rule::Kind;
  std::int64_t day = 0;
  switch (r.kind) {
    case Kind::Julian1: {
      // Jn never counts Feb 29, so from March on a leap year is one day further along.
      int index = r.day - 1;
      if (isLeapYear(year) && r.day >= 60) ++index;
      day = daysFromCivil(year, 1, 1) + index;
      break;
    }
    case Kind::Julian0:
      day = daysFromCivil(year, 1, 1) + r.day;
      break;
    case Kind::MonthWeekDay: {
      std::int64_t first = daysFromCivil(year, r.month, 1);
      int firstWeekday = static_cast<int>(((first + 4) % 7 + 7) % 7);  // 0 = Sunday
      int dom = 1 + (r.day - firstWeekday + 7) % 7 + (r.week - 1) * 7;
      while (dom > daysInMonth(year, r.month)) dom -= 7;
      day = first + dom - 1;
      break;
    }
  }
  return day * kSecondsPerDay + r.time;
}

// --- TZif bytes ---------------------------------------------------------------------------------

class ByteReader {
 public:
  explicit ByteReader(std::string_view b) : b_(b) {}
  bool has(std::size_t n) const { return b_.size() - i_ >= n; }
  std::size_t pos() const { return i_; }
  void skip(std::size_t n) { i_ += n; }
  std::uint8_t u8() { return static_cast<std::uint8_t>(b_[i_++]); }
  std::uint32_t u32() {
    std::uint32_t v = 0;
    for (int k = 0; k < 4; ++k) v = (v << 8) | u8();
    return v;
  }
  std::uint64_t u64() {
    std::uint64_t v = 0;
    for (int k = 0; k < 8; ++k) v = (v << 8) | u8();
    return v;
  }
  std::string_view rest() const { return b_.substr(i_); }

 private:
  std::string_view b_;
  std::size_t i_ = 0;
};

struct TzifHeader {
  char version = 0;
  std::uint32_t isutcnt = 0, isstdcnt = 0, leapcnt = 0, timecnt = 0, typecnt = 0, charcnt = 0;

  std::size_t dataSize(std::size_t timeSize) const {
    return timecnt * timeSize + timecnt + typecnt * 6 + charcnt + leapcnt * (timeSize + 4) +
           isstdcnt + isutcnt;
  }
};

bool readHeader(ByteReader& r, TzifHeader& h, std::string& error) {
  if (!r.has(44)) {
    error = "truncated TZif header";
    return false;
  }
  if (r.u8() != 'T' || r.u8() != 'Z' || r.u8() != 'i' || r.u8() != 'f') {
    error = "not a TZif file (bad magic)";
    return false;
  }
  h.version = static_cast<char>(r.u8());
  if (h.version != 0 && (h.version < '2' || h.version > '9')) {
    error = "unknown TZif version";
    return false;
  }
  r.skip(15);
  h.isutcnt = r.u32();
  h.isstdcnt = r.u32();
  h.leapcnt = r.u32();
  h.timecnt = r.u32();
  h.typecnt = r.u32();
  h.charcnt = r.u32();
  // Bounds keep dataSize() far from overflow and reject nonsense early.
  if (h.typecnt == 0 || h.typecnt > 256 || h.timecnt > 1'000'000 || h.leapcnt > 100'000 ||
      h.charcnt > 100'000 || (h.isutcnt != 0 && h.isutcnt != h.typecnt) ||
      (h.isstdcnt != 0 && h.isstdcnt != h.typecnt)) {
    error = "inconsistent TZif header counts";
    return false;
  }
  return true;
}

}  // namespace

// --- calendar -----------------------------------------------------------------------------------

// Howard Hinnant's days_from_civil / civil_from_days.
std::int64_t daysFromCivil(int year, int month, int day) {
  std::int64_t y = year - (month <= 2 ? 1 : 0);
  std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  std::int64_t yoe = y - era * 400;
  std::int64_t doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void civilFromDays(std::int64_t days, int& year, int& month, int& day) {
  std::int64_t z = days + 719468;
  std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  std::int64_t doe = z - era * 146097;
  std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  std::int64_t mp = (5 * doy + 2) / 153;
  day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  year = static_cast<int>(yoe + era * 400 + (month <= 2 ? 1 : 0));
}

bool isLeapYear(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int daysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && isLeapYear(year)) return 29;
  return kDays[month - 1];
}

// --- PosixTz ------------------------------------------------------------------------------------

std::optional<PosixTz> PosixTz::parse(std::string_view text) {
  PosixTz tz;
  TzCursor c(text);
  int west = 0;
  if (!c.name(tz.stdName) || !c.duration(west, 24)) return std::nullopt;
  tz.stdOffset = -west;
  if (c.atEnd()) return tz;

  tz.hasDst = true;
  if (!c.name(tz.dstName)) return std::nullopt;
  tz.dstOffset = tz.stdOffset + 3600;
  if (!c.atEnd() && c.peek() != ',') {
    if (!c.duration(west, 24)) return std::nullopt;
    tz.dstOffset = -west;
  }
  if (c.atEnd()) {
    // POSIX leaves the default rule to the implementation; tzcode uses the US rules.
    tz.start = Rule{Rule::Kind::MonthWeekDay, 0, 2, 3, 7200};
    tz.end = Rule{Rule::Kind::MonthWeekDay, 0, 1, 11, 7200};
    return tz;
  }
  if (!c.accept(',') || !c.rule(tz.start) || !c.accept(',') || !c.rule(tz.end) || !c.atEnd()) {
    return std::nullopt;
  }
  return tz;
}

bool PosixTz::isDstAt(std::int64_t utcSeconds) const {
  if (!hasDst) return false;
  int year, month, day;
  civilFromDays(floorDiv(utcSeconds + stdOffset, kSecondsPerDay), year, month, day);
  std::int64_t startUtc = ruleLocalSeconds(start, year) - stdOffset;
  std::int64_t endUtc = ruleLocalSeconds(end, year) - dstOffset;
  if (startUtc < endUtc) return utcSeconds >= startUtc && utcSeconds < endUtc;
  // Southern hemisphere: DST spans the turn of the year.
  return !(utcSeconds >= endUtc && utcSeconds < startUtc);
}

std::int32_t PosixTz::offsetAt(std::int64_t utcSeconds) const {
  return isDstAt(utcSeconds) ? dstOffset : stdOffset;
}

// --- TimeZone -----------------------------------------------------------------------------------

TimeZone TimeZone::utc() {
  TimeZone tz;
  tz.name_ = "UTC";
  tz.types_.push_back(Type{0, false});
  return tz;
}

std::optional<TimeZone> TimeZone::fromPosix(std::string name, std::string_view text) {
  auto posix = PosixTz::parse(text);
  if (!posix) return std::nullopt;
  TimeZone tz;
  tz.name_ = std::move(name);
  tz.types_.push_back(Type{posix->stdOffset, false});
  tz.footer_ = std::move(posix);
  return tz;
}

std::optional<TimeZone> TimeZone::fromTzif(std::string name, std::string_view bytes,
                                           std::string* error) {
  std::string err;
  auto fail = [&](std::string message) -> std::optional<TimeZone> {
    if (error) *error = std::move(message);
    return std::nullopt;
  };

  ByteReader r(bytes);
  TzifHeader h;
  if (!readHeader(r, h, err)) return fail(err);
  std::size_t timeSize = 4;
  if (h.version >= '2') {
    // The v1 block only serves old readers; the 64-bit block after it is authoritative.
    if (!r.has(h.dataSize(4))) return fail("truncated TZif v1 data");
    r.skip(h.dataSize(4));
    if (!readHeader(r, h, err)) return fail(err);
    timeSize = 8;
  }
  if (!r.has(h.dataSize(timeSize))) return fail("truncated TZif data");

  TimeZone tz;
  tz.name_ = std::move(name);
  tz.transitions_.reserve(h.timecnt);
  for (std::uint32_t k = 0; k < h.timecnt; ++k) {
    std::int64_t t =
        timeSize == 8 ? static_cast<std::int64_t>(r.u64()) : static_cast<std::int32_t>(r.u32());
    if (!tz.transitions_.empty() && t <= tz.transitions_.back()) {
      return fail("TZif transition times are not ascending");
    }
    tz.transitions_.push_back(t);
  }
  tz.transitionTypes_.reserve(h.timecnt);
  for (std::uint32_t k = 0; k < h.timecnt; ++k) {
    std::uint8_t type = r.u8();
    if (type >= h.typecnt) return fail("TZif transition refers to a missing type");
    tz.transitionTypes_.push_back(type);
  }
  for (std::uint32_t k = 0; k < h.typecnt; ++k) {
    auto offset = static_cast<std::int32_t>(r.u32());
    std::uint8_t dst = r.u8();
    r.skip(1);  // abbreviation index: we never show abbreviations
    if (offset == std::numeric_limits<std::int32_t>::min() || offset < -25 * 3600 ||
        offset > 26 * 3600 || dst > 1) {
      return fail("TZif local time type out of range");
    }
    tz.types_.push_back(Type{offset, dst == 1});
  }
  // Abbreviations, leap-second records and the std/UT indicators do not affect civil offsets
  // for POSIX-time zones (Debian ships those; "right/" zones are not supported).
  r.skip(h.charcnt + h.leapcnt * (timeSize + 4) + h.isstdcnt + h.isutcnt);

  if (timeSize == 8) {
    std::string_view rest = r.rest();
    if (rest.empty() || rest.front() != '\n') return fail("TZif footer missing");
    std::size_t end = rest.find('\n', 1);
    if (end == std::string_view::npos) return fail("TZif footer not terminated");
    std::string_view footer = rest.substr(1, end - 1);
    if (!footer.empty()) {
      tz.footer_ = PosixTz::parse(footer);
      if (!tz.footer_) return fail("TZif footer is not a valid POSIX TZ string");
    }
  }
  return tz;
}

std::int32_t TimeZone::offsetAt(std::int64_t utcSeconds) const {
  if (transitions_.empty()) {
    return footer_ ? footer_->offsetAt(utcSeconds) : types_.front().offset;
  }
  if (utcSeconds < transitions_.front()) return types_.front().offset;
  if (utcSeconds > transitions_.back() && footer_) return footer_->offsetAt(utcSeconds);
  auto it = std::upper_bound(transitions_.begin(), transitions_.end(), utcSeconds);
  std::size_t index = static_cast<std::size_t>(it - transitions_.begin()) - 1;
  return types_[transitionTypes_[index]].offset;
}

LocalDateTime TimeZone::localDateTime(std::int64_t utcSeconds) const {
  std::int64_t local = utcSeconds + offsetAt(utcSeconds);
  std::int64_t days = floorDiv(local, kSecondsPerDay);
  auto secondOfDay = static_cast<int>(local - days * kSecondsPerDay);
  LocalDateTime out;
  civilFromDays(days, out.year, out.month, out.day);
  out.weekday = static_cast<int>(((days + 3) % 7 + 7) % 7);  // 1970-01-01 was a Thursday
  out.minuteOfDay = secondOfDay / 60;
  out.second = secondOfDay % 60;
  return out;
}

}  // namespace callpy::core::sites
