// The libmaxminddb adapter against a MaxMind DB written at test time by
// tests/fixtures/make_mmdb.py (nothing binary is committed).
#include "geoip/maxmind_locator.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <atomic>
#include <thread>
#include <vector>

#include "../storage/temp_dir.h"

namespace callpy::geoip {
namespace {

using core::ports::GeoLocation;

class MaxMind : public ::testing::Test {
 protected:
  storage::testing::TempDir dir;
  std::string mmdb = dir.file("test.mmdb");
  void SetUp() override {
    const std::string cmd = "/usr/bin/python3 " CALLPY_SOURCE_DIR "/tests/fixtures/make_mmdb.py " +
                            mmdb;
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  }
};

TEST_F(MaxMind, FindsCityAndCountryInTheRequestedLanguage) {
  MaxMindLocator geo(mmdb);
  EXPECT_EQ(geo.databaseType(), "Callpy-Test-City");
  EXPECT_EQ(geo.locate("127.0.0.2", "ru"), (GeoLocation{"RU", "Россия", "Москва"}));
  EXPECT_EQ(geo.locate("127.0.0.2", "en"), (GeoLocation{"RU", "Russia", "Moscow"}));
  EXPECT_EQ(geo.locate("127.0.0.3", "ru"), (GeoLocation{"DE", "Германия", "Берлин"}));
}

TEST_F(MaxMind, FallsBackToEnglishAndToCountryOnly) {
  MaxMindLocator geo(mmdb);
  EXPECT_EQ(geo.locate("127.0.0.4", "ru"), (GeoLocation{"FR", "France", "Lyon"}));
  EXPECT_EQ(geo.locate("127.0.0.4", ""), (GeoLocation{"FR", "France", "Lyon"}));
  EXPECT_EQ(geo.locate("10.200.3.4", "ru"), (GeoLocation{"KZ", "Казахстан", ""}));
  // An IPv4 peer on a dual-stack socket.
  EXPECT_EQ(geo.locate("::ffff:127.0.0.2", "en"), (GeoLocation{"RU", "Russia", "Moscow"}));
}

TEST_F(MaxMind, UnknownAndInvalidAddressesHaveNoLocation) {
  MaxMindLocator geo(mmdb);
  EXPECT_EQ(geo.locate("127.0.0.1", "en"), std::nullopt);
  EXPECT_EQ(geo.locate("8.8.8.8", "en"), std::nullopt);
  EXPECT_EQ(geo.locate("", "en"), std::nullopt);
  EXPECT_EQ(geo.locate("not an address", "en"), std::nullopt);
  EXPECT_EQ(geo.locate("localhost", "en"), std::nullopt);  // never resolved by name
  EXPECT_EQ(geo.locate("::1", "en"), std::nullopt);        // IPv6 in an IPv4 database
}

TEST_F(MaxMind, LookupsFromManyThreads) {
  MaxMindLocator geo(mmdb);
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 2000; ++i) {
        if (geo.locate("127.0.0.2", "ru") != GeoLocation{"RU", "Россия", "Москва"}) ++wrong;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST_F(MaxMind, MissingOrCorruptFilesAreClearErrors) {
  EXPECT_NE(checkGeoDatabase(dir.file("absent.mmdb")).find("absent.mmdb"), std::string::npos);
  {
    std::ofstream(dir.file("junk.mmdb")) << "this is not a MaxMind DB";
  }
  auto problem = checkGeoDatabase(dir.file("junk.mmdb"));
  EXPECT_NE(problem.find("cannot open GeoIP database"), std::string::npos) << problem;
  EXPECT_THROW(MaxMindLocator(dir.file("junk.mmdb")), GeoDatabaseError);
  EXPECT_EQ(checkGeoDatabase(mmdb), "");
}

}  // namespace
}  // namespace callpy::geoip
