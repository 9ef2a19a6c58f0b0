// geoip.database (F12): optional; the loader opens the file, so a missing or corrupt one is an
// error at its key with file:line:col.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "../storage/temp_dir.h"
#include "config/loader.h"

namespace callpy::config {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

const std::string kBase = "listen:\n  http: 127.0.0.1:8080\ndata_dir: /var/lib/callpyd\n";

class GeoIpConfig : public ::testing::Test {
 protected:
  storage::testing::TempDir dir;
  ConfigResult load(const std::string& text) {
    LoadOptions options;
    options.baseDir = dir.path().string();
    return loadConfigString(text, "t.yaml", options);
  }
};

TEST_F(GeoIpConfig, AbsentMeansNoLocation) {
  auto r = load(kBase);
  ASSERT_TRUE(r.ok()) << r.formatErrors();
  EXPECT_EQ(r.config->geoipDatabase, "");
}

TEST_F(GeoIpConfig, AValidDatabaseRelativeToTheConfig) {
  const std::string cmd = "/usr/bin/python3 " CALLPY_SOURCE_DIR "/tests/fixtures/make_mmdb.py " +
                          dir.file("city.mmdb");
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  auto r = load(kBase + "geoip:\n  database: city.mmdb\n");
  ASSERT_TRUE(r.ok()) << r.formatErrors();
  EXPECT_EQ(r.config->geoipDatabase, dir.file("city.mmdb"));
}

TEST_F(GeoIpConfig, MissingOrCorruptFilesAreErrorsAtTheKey) {
  auto missing = load(kBase + "geoip:\n  database: /nonexistent/city.mmdb\n");
  ASSERT_EQ(missing.errors.size(), 1u);
  EXPECT_THAT(missing.errors[0].format(),
              StartsWith("t.yaml:5:13: geoip.database: cannot open GeoIP database "
                         "/nonexistent/city.mmdb"));
  std::ofstream(dir.file("junk.mmdb")) << "not a database";
  auto junk = load(kBase + "geoip:\n  database: junk.mmdb\n");
  ASSERT_EQ(junk.errors.size(), 1u);
  EXPECT_THAT(junk.errors[0].format(), HasSubstr("t.yaml:5:13: geoip.database:"));
  EXPECT_THAT(junk.errors[0].format(), HasSubstr("junk.mmdb"));
  auto unknown = load(kBase + "geoip:\n  file: x.mmdb\n");
  ASSERT_EQ(unknown.errors.size(), 1u);
  EXPECT_THAT(unknown.errors[0].format(), HasSubstr("geoip.file: unknown key"));
}

}  // namespace
}  // namespace callpy::config
