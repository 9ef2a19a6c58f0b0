#include "commands/hours_edit.h"

#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <sstream>

#include "context.h"

namespace callpy::cli {
namespace {

Poco::JSON::Object::Ptr parse(const std::string& text) {
  Poco::JSON::Parser parser;
  return parser.parse(text).extract<Poco::JSON::Object::Ptr>();
}

std::string compact(const Poco::JSON::Object::Ptr& obj) {
  std::ostringstream out;
  obj->stringify(out);
  return out.str();
}

const char* kCurrent = R"({"timezone": "Europe/Moscow", "open_now": true,
  "weekly": {"mon": ["09:00-18:00"], "tue": ["09:00-18:00"], "wed": [], "thu": [], "fri": [],
             "sat": [], "sun": []},
  "exceptions": [{"date": "2026-12-31", "intervals": []}]})";

TEST(HoursEdit, KeepsWhatTheFlagsDoNotTouchAndDropsOpenNow) {
  HoursEdit edit;
  edit.weekly = {"wed=10:00-12:00,13:00-17:00"};
  auto hours = applyHoursEdit(parse(kCurrent), edit);
  EXPECT_EQ(compact(hours),
            R"({"exceptions":[{"date":"2026-12-31","intervals":[]}],"timezone":"Europe/Moscow",)"
            R"("weekly":{"fri":[],"mon":["09:00-18:00"],"sat":[],"sun":[],"thu":[],)"
            R"("tue":["09:00-18:00"],"wed":["10:00-12:00","13:00-17:00"]}})");
}

TEST(HoursEdit, DayRangesListsAndClosedDays) {
  HoursEdit edit;
  edit.weekly = {"mon-fri=08:00-20:00", "sat,sun=10:00-14:00", "tue=closed", "thu="};
  auto weekly = applyHoursEdit(parse(kCurrent), edit)->getObject("weekly");
  EXPECT_EQ(weekly->getArray("mon")->getElement<std::string>(0), "08:00-20:00");
  EXPECT_EQ(weekly->getArray("fri")->getElement<std::string>(0), "08:00-20:00");
  EXPECT_EQ(weekly->getArray("sun")->getElement<std::string>(0), "10:00-14:00");
  EXPECT_EQ(weekly->getArray("tue")->size(), 0u);
  EXPECT_EQ(weekly->getArray("thu")->size(), 0u);
}

TEST(HoursEdit, ExceptionsReplaceTheSameDateAndStaySorted) {
  HoursEdit edit;
  edit.timezone = "Asia/Yekaterinburg";
  edit.exceptions = {"2026-12-31=10:00-14:00", "2027-01-02=11:00-12:00"};
  edit.closedOn = {"2026-05-01"};
  auto hours = applyHoursEdit(parse(kCurrent), edit);
  EXPECT_EQ(hours->getValue<std::string>("timezone"), "Asia/Yekaterinburg");
  auto exceptions = hours->getArray("exceptions");
  ASSERT_EQ(exceptions->size(), 3u);
  EXPECT_EQ(exceptions->getObject(0)->getValue<std::string>("date"), "2026-05-01");
  EXPECT_EQ(exceptions->getObject(0)->getArray("intervals")->size(), 0u);
  EXPECT_EQ(exceptions->getObject(1)->getValue<std::string>("date"), "2026-12-31");
  EXPECT_EQ(exceptions->getObject(1)->getArray("intervals")->getElement<std::string>(0),
            "10:00-14:00");
  EXPECT_EQ(exceptions->getObject(2)->getValue<std::string>("date"), "2027-01-02");
}

TEST(HoursEdit, ClearStartsFromAlwaysOpen) {
  HoursEdit edit;
  edit.clear = true;
  auto hours = applyHoursEdit(parse(kCurrent), edit);
  EXPECT_EQ(compact(hours), R"({"exceptions":[],"timezone":"Europe/Moscow","weekly":null})");

  edit.weekly = {"mon=09:00-10:00"};
  auto weekly = applyHoursEdit(parse(kCurrent), edit)->getObject("weekly");
  ASSERT_TRUE(weekly);
  EXPECT_EQ(weekly->getArray("mon")->size(), 1u);
  EXPECT_EQ(weekly->getArray("tue")->size(), 0u);
}

TEST(HoursEdit, NoWeeklyYetStartsFromAClosedWeek) {
  HoursEdit edit;
  edit.weekly = {"sat=10:00-11:00"};
  auto hours =
      applyHoursEdit(parse(R"({"timezone": "UTC", "weekly": null, "exceptions": []})"), edit);
  auto weekly = hours->getObject("weekly");
  ASSERT_TRUE(weekly);
  EXPECT_EQ(weekly->size(), 7u);
  EXPECT_EQ(weekly->getArray("mon")->size(), 0u);
}

TEST(HoursEdit, MalformedValuesAreUsageErrors) {
  auto current = parse(kCurrent);
  auto attempt = [&](auto setter) {
    HoursEdit edit;
    setter(edit);
    applyHoursEdit(current, edit);
  };
  EXPECT_THROW(attempt([](HoursEdit& e) { e.weekly = {"monday=09:00-18:00"}; }), UsageError);
  EXPECT_THROW(attempt([](HoursEdit& e) { e.weekly = {"mon"}; }), UsageError);
  EXPECT_THROW(attempt([](HoursEdit& e) { e.weekly = {"mon=9-18"}; }), UsageError);
  EXPECT_THROW(attempt([](HoursEdit& e) { e.weekly = {"mon=18:00-09:00"}; }), UsageError);
  EXPECT_THROW(attempt([](HoursEdit& e) { e.weekly = {"mon=09:00-25:00"}; }), UsageError);
  EXPECT_THROW(attempt([](HoursEdit& e) { e.weekly = {"fri-mon=09:00-10:00"}; }), UsageError);
  EXPECT_THROW(attempt([](HoursEdit& e) { e.closedOn = {"31.12.2026"}; }), UsageError);
  EXPECT_THROW(attempt([](HoursEdit& e) { e.exceptions = {"2026-13-01=10:00-11:00"}; }),
               UsageError);
  EXPECT_NO_THROW(attempt([](HoursEdit& e) { e.weekly = {"mon=00:00-24:00"}; }));
}

TEST(HoursEdit, TimezoneRequiredWhenTheSiteHasNone) {
  HoursEdit edit;
  edit.weekly = {"mon=09:00-10:00"};
  EXPECT_THROW(applyHoursEdit(nullptr, edit), UsageError);
  edit.timezone = "UTC";
  EXPECT_EQ(applyHoursEdit(nullptr, edit)->getValue<std::string>("timezone"), "UTC");
}

}  // namespace
}  // namespace callpy::cli
