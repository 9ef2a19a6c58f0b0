// A database made by every earlier schema version (migrations 1..k applied, then seeds/k.sql)
// must open with the current binary: user_version reaches the latest, the old file is backed up
// first, and every row and column that existed at version k is still there.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "storage/database.h"
#include "storage/migrations.h"
#include "temp_dir.h"

namespace callpy::storage {
namespace {

namespace fs = std::filesystem;

fs::path seedFile(int version) {
  char name[16];
  std::snprintf(name, sizeof name, "%04d.sql", version);
  return fs::path(CALLPY_SOURCE_DIR) / "tests" / "migrations" / "seeds" / name;
}

std::string readFile(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> column(Connection& c, const std::string& sql, int index = 0) {
  std::vector<std::string> out;
  Statement& s = c.prepare(sql);
  while (s.step()) out.push_back(s.columnText(index));
  return out;
}

// Table -> its columns at some version.
std::map<std::string, std::vector<std::string>> tablesOf(Connection& c) {
  std::map<std::string, std::vector<std::string>> tables;
  for (const auto& t : column(c,
                              "SELECT name FROM sqlite_schema WHERE type = 'table' AND "
                              "name NOT LIKE 'sqlite_%' ORDER BY name")) {
    tables[t] = column(c, "SELECT name FROM pragma_table_info('" + t + "') ORDER BY cid");
  }
  return tables;
}

// Every row of `table` restricted to `columns`, as comparable text (quote() keeps types apart).
std::vector<std::string> dump(Connection& c, const std::string& table,
                              const std::vector<std::string>& columns) {
  std::string select = "SELECT ";
  for (std::size_t i = 0; i < columns.size(); ++i) {
    select += (i ? " || '|' || quote(\"" : "quote(\"") + columns[i] + "\")";
  }
  select += " FROM \"" + table + "\" ORDER BY 1";
  return column(c, select);
}

std::vector<std::string> backupsIn(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".bak") out.push_back(e.path().string());
  }
  return out;
}

class UpgradeTest : public ::testing::TestWithParam<int> {};

TEST_P(UpgradeTest, UpgradesToTheLatestVersionKeepingData) {
  const int from = GetParam();
  const int latest = latestSchemaVersion();
  testing::TempDir dir;
  const std::string path = dir.file("callpy.db");

  std::map<std::string, std::vector<std::string>> tables;
  std::map<std::string, std::vector<std::string>> rows;
  {
    Connection c(path, Connection::Mode::ReadWrite);
    migrateTo(c, from);
    ASSERT_EQ(userVersion(c), from);
    if (from > 0) {
      const fs::path seed = seedFile(from);
      ASSERT_TRUE(fs::exists(seed))
          << "add " << seed.string() << " with sample rows for schema version " << from;
      c.exec(readFile(seed));
    }
    tables = tablesOf(c);
    std::size_t total = 0;
    for (const auto& [table, columns] : tables) {
      rows[table] = dump(c, table, columns);
      total += rows[table].size();
    }
    if (from > 0) {
      EXPECT_GT(total, 0u) << "the seed for version " << from << " inserts nothing";
    }
  }

  auto db = Database::open({.path = path});
  EXPECT_EQ(db->schemaVersion(), latest);
  db->read([&](Connection& c) {
    EXPECT_EQ(userVersion(c), latest);
    EXPECT_EQ(column(c, "PRAGMA integrity_check"), std::vector<std::string>{"ok"});
    EXPECT_TRUE(column(c, "PRAGMA foreign_key_check").empty());
    const auto now = tablesOf(c);
    for (const auto& [table, columns] : tables) {
      ASSERT_TRUE(now.count(table)) << "table " << table << " of version " << from << " is gone";
      EXPECT_EQ(dump(c, table, columns), rows[table]) << "rows of " << table << " changed";
    }
  });

  const auto backups = backupsIn(dir.path());
  if (from > 0 && from < latest) {
    ASSERT_EQ(backups.size(), 1u);
    EXPECT_NE(backups[0].find(".pre-v" + std::to_string(from) + "-"), std::string::npos);
    Connection b(backups[0], Connection::Mode::ReadOnly);
    EXPECT_EQ(userVersion(b), from);
  } else {
    EXPECT_TRUE(backups.empty()) << "no backup is needed from version " << from;
  }
}

INSTANTIATE_TEST_SUITE_P(EveryVersion, UpgradeTest, ::testing::Range(0, latestSchemaVersion() + 1),
                         [](const ::testing::TestParamInfo<int>& info) {
                           return "FromV" + std::to_string(info.param);
                         });

}  // namespace
}  // namespace callpy::storage
