#include "config/zoneinfo.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace callpy::config {
namespace {

TEST(ZoneInfo, NamesCannotEscapeTheDirectory) {
  for (const char* good :
       {"UTC", "Europe/Berlin", "America/Argentina/Buenos_Aires", "Etc/GMT+3", "Etc/GMT-14"}) {
    EXPECT_TRUE(isValidZoneName(good)) << good;
  }
  for (const char* bad : {"", "/etc/passwd", "../etc/passwd", "Europe/../../etc/passwd",
                          "Europe/./Berlin", "Europe//Berlin", "Europe/", "Europe/Berlin\n",
                          "Europe\\Berlin", "Europe/Berlin ", "posixrules.bak"}) {
    EXPECT_FALSE(isValidZoneName(bad)) << bad;
  }
}

TEST(ZoneInfo, LoadsSystemZones) {
  std::string error;
  auto utc = loadZoneInfo("UTC", &error);
  ASSERT_TRUE(utc) << error;
  EXPECT_EQ(utc->offsetAt(1'700'000'000), 0);
  auto berlin = loadZoneInfo("Europe/Berlin", &error);
  ASSERT_TRUE(berlin) << error;
  EXPECT_EQ(berlin->name(), "Europe/Berlin");
  EXPECT_EQ(berlin->offsetAt(1'750'000'000), 7200);  // June 2025
}

TEST(ZoneInfo, ReportsWhatWentWrong) {
  std::string error;
  EXPECT_FALSE(loadZoneInfo("Mars/Olympus_Mons", &error));
  EXPECT_NE(error.find("unknown time zone"), std::string::npos) << error;
  EXPECT_FALSE(loadZoneInfo("Europe", &error));  // a directory
  EXPECT_NE(error.find("unknown time zone"), std::string::npos) << error;
  EXPECT_FALSE(loadZoneInfo("../../etc/passwd", &error));
  EXPECT_NE(error.find("not a valid time zone name"), std::string::npos) << error;

  auto dir = std::filesystem::temp_directory_path() / ("callpy-zi-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "Fake") << "this is not TZif";
  EXPECT_FALSE(loadZoneInfo("Fake", &error, dir.string()));
  EXPECT_NE(error.find("TZif"), std::string::npos) << error;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace callpy::config
