#include "storage/migrations.h"

#include <gtest/gtest.h>

#include "storage/connection.h"
#include "storage/database.h"
#include "temp_dir.h"

namespace callpy::storage {
namespace {

TEST(MigrationsTest, CompiledListIsContiguousFromOne) {
  const auto all = compiledMigrations();
  ASSERT_FALSE(all.empty());
  for (std::size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].number, static_cast<int>(i) + 1);
    EXPECT_FALSE(all[i].name.empty());
    EXPECT_FALSE(all[i].sql.empty());
  }
  EXPECT_EQ(latestSchemaVersion(), all.back().number);
  EXPECT_EQ(all.front().name, "init");
}

TEST(MigrationsTest, MigrateToStopsAtTheTarget) {
  testing::TempDir dir;
  Connection c(dir.file("m.db"), Connection::Mode::ReadWrite);
  migrateTo(c, 0);
  EXPECT_EQ(userVersion(c), 0);
  migrateTo(c, 1);
  EXPECT_EQ(userVersion(c), 1);
  migrateTo(c, latestSchemaVersion());
  EXPECT_EQ(userVersion(c), latestSchemaVersion());
}

}  // namespace
}  // namespace callpy::storage
