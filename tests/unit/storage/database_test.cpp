#include "storage/database.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <future>
#include <regex>
#include <string>
#include <vector>

#include "storage/migrations.h"
#include "temp_dir.h"

namespace callpy::storage {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

std::vector<std::string> backupsIn(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".bak") out.push_back(e.path().filename().string());
  }
  return out;
}

int versionOf(const std::string& path) {
  Connection c(path, Connection::Mode::ReadOnly);
  return userVersion(c);
}

std::string messageOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

TEST(DatabaseTest, OpensAFreshFileAtTheLatestSchema) {
  testing::TempDir dir;
  auto db = Database::open({.path = dir.file("a.db")});
  EXPECT_EQ(db->schemaVersion(), latestSchemaVersion());
  EXPECT_GE(latestSchemaVersion(), 1);
  const auto users = db->read([](Connection& c) {
    Statement& s = c.prepare("SELECT count(*) FROM users");
    s.step();
    return s.columnInt64(0);
  });
  EXPECT_EQ(users, 0);
  EXPECT_TRUE(backupsIn(dir.path()).empty());  // nothing to back up in a new file
  db.reset();
  EXPECT_EQ(versionOf(dir.file("a.db")), latestSchemaVersion());
}

// The app feeds callpy_db_commit_seconds from this hook.
TEST(DatabaseTest, ReportsEachCommitDuration) {
  testing::TempDir dir;
  std::atomic<int> commits{0};
  std::atomic<bool> positive{true};
  auto db = Database::open({.path = dir.file("a.db"), .onCommit = [&](double seconds) {
                              ++commits;
                              if (!(seconds > 0)) positive = false;
                            }});
  const int before = commits.load();
  db->writeSync([](Connection& c) { c.exec("CREATE TABLE t(x)"); });
  db->writeSync([](Connection& c) { c.exec("INSERT INTO t VALUES (1)"); });
  EXPECT_EQ(commits.load() - before, 2);
  EXPECT_TRUE(positive.load());
}

TEST(DatabaseTest, GarbageFileIsRefusedAsCorrupt) {
  testing::TempDir dir;
  const std::string path = dir.file("garbage.db");
  {
    FILE* f = std::fopen(path.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    for (int i = 0; i < 10000; ++i) std::fputc((i * 131 + 7) & 0xff, f);
    std::fclose(f);
  }
  try {
    Database::open({.path = path});
    FAIL() << "expected CorruptDatabaseError";
  } catch (const CorruptDatabaseError& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
}

TEST(DatabaseTest, DamagedPageIsCaughtByQuickCheck) {
  testing::TempDir dir;
  const std::string path = dir.file("damaged.db");
  {
    auto db = Database::open({.path = path});
    db->writeSync([](Connection& c) {
      c.exec("CREATE TABLE filler (x TEXT)");
      for (int i = 0; i < 3000; ++i) {
        c.prepare("INSERT INTO filler VALUES (printf('%0200d', ?))").bind(1, i).run();
      }
    });
  }  // closing the last connection checkpoints the WAL into the main file
  ASSERT_FALSE(fs::exists(path + "-wal"));
  const auto size = fs::file_size(path);
  ASSERT_GT(size, 64u * 4096u);
  {
    FILE* f = std::fopen(path.c_str(), "r+b");
    ASSERT_NE(f, nullptr);
    std::fseek(f, static_cast<long>((size / 2 / 4096) * 4096), SEEK_SET);  // a filler page
    for (int i = 0; i < 4096; ++i) std::fputc(0xab, f);
    std::fclose(f);
  }
  const std::string message = messageOf([&] { Database::open({.path = path}); });
  EXPECT_NE(message.find("corrupt"), std::string::npos) << message;
  EXPECT_NE(message.find(path), std::string::npos) << message;
  EXPECT_THROW(Database::open({.path = path}), CorruptDatabaseError);
}

TEST(DatabaseTest, NewerSchemaIsRefusedWithAClearMessage) {
  testing::TempDir dir;
  const std::string path = dir.file("new.db");
  Database::open({.path = path}).reset();
  {
    Connection c(path, Connection::Mode::ReadWrite);
    c.exec("PRAGMA user_version=" + std::to_string(latestSchemaVersion() + 1));
  }
  const std::string expected =
      "database " + path + " has schema version " + std::to_string(latestSchemaVersion() + 1) +
      " but this callpyd knows only up to " + std::to_string(latestSchemaVersion()) +
      "; upgrade callpyd or restore a backup";
  try {
    Database::open({.path = path});
    FAIL() << "expected SchemaTooNewError";
  } catch (const SchemaTooNewError& e) {
    EXPECT_EQ(std::string(e.what()), expected);
  }
  EXPECT_EQ(versionOf(path), latestSchemaVersion() + 1);  // untouched
  EXPECT_TRUE(backupsIn(dir.path()).empty());
}

// The compiled-in list plus one more migration, to exercise an upgrade from the current schema.
std::vector<Migration> withExtra(std::string_view sql) {
  const auto compiled = compiledMigrations();
  std::vector<Migration> all(compiled.begin(), compiled.end());
  all.push_back({latestSchemaVersion() + 1, "extra", sql});
  return all;
}

TEST(DatabaseTest, BacksUpBeforeMigrating) {
  testing::TempDir dir;
  const std::string path = dir.file("m.db");
  Database::open({.path = path}).reset();
  const int old = latestSchemaVersion();
  Connection c(path, Connection::Mode::ReadWrite);
  c.exec("INSERT INTO users (email, created_at) VALUES ('a@example.com', 1)");
  std::string backup;
  const auto extra = withExtra("CREATE TABLE extra (x); ALTER TABLE users ADD COLUMN y");
  EXPECT_EQ(prepareSchema(c, extra, &backup), old + 1);
  EXPECT_EQ(userVersion(c), old + 1);

  ASSERT_FALSE(backup.empty());
  EXPECT_TRUE(std::regex_match(
      backup, std::regex(std::regex_replace(path, std::regex(R"([.^$|()\[\]{}*+?\\])"), R"(\$&)") +
                         "\\.pre-v" + std::to_string(old) + "-[0-9]+\\.bak")))
      << backup;
  EXPECT_EQ(backupsIn(dir.path()), std::vector<std::string>{fs::path(backup).filename().string()});
  EXPECT_EQ(versionOf(backup), old);  // the backup holds the schema before the migration
  Connection b(backup, Connection::Mode::ReadOnly);
  Statement& s = b.prepare("SELECT email FROM users");
  ASSERT_TRUE(s.step());
  EXPECT_EQ(s.columnText(0), "a@example.com");
}

TEST(DatabaseTest, FailedMigrationLeavesTheOldVersion) {
  testing::TempDir dir;
  const std::string path = dir.file("f.db");
  Database::open({.path = path}).reset();
  Connection c(path, Connection::Mode::ReadWrite);
  const auto extra = withExtra("CREATE TABLE half (x); INSERT INTO missing VALUES (1)");
  const std::string message = messageOf([&] { prepareSchema(c, extra); });
  EXPECT_NE(message.find("extra"), std::string::npos) << message;
  EXPECT_NE(message.find("missing"), std::string::npos) << message;
  EXPECT_EQ(userVersion(c), latestSchemaVersion());
  Statement& s = c.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'half'");
  ASSERT_TRUE(s.step());
  EXPECT_EQ(s.columnInt(0), 0);
  EXPECT_FALSE(c.inTransaction());
}

TEST(DatabaseTest, MigrationBreakingAForeignKeyIsRefused) {
  testing::TempDir dir;
  const std::string path = dir.file("fk.db");
  Database::open({.path = path}).reset();
  Connection c(path, Connection::Mode::ReadWrite);
  const auto extra =
      withExtra("INSERT INTO site_origins (site_id, origin) VALUES ('nosuchsite', 'https://x')");
  EXPECT_THROW(prepareSchema(c, extra), StorageError);
  EXPECT_EQ(userVersion(c), latestSchemaVersion());
  Statement& s = c.prepare("PRAGMA foreign_keys");
  ASSERT_TRUE(s.step());
  EXPECT_EQ(s.columnInt(0), 1);  // switched back on after the failed migration
}

TEST(DatabaseTest, ReopeningAtTheLatestVersionMakesNoBackup) {
  testing::TempDir dir;
  Database::open({.path = dir.file("r.db")}).reset();
  auto db = Database::open({.path = dir.file("r.db")});
  EXPECT_EQ(db->schemaVersion(), latestSchemaVersion());
  EXPECT_TRUE(backupsIn(dir.path()).empty());
}

TEST(DatabaseTest, BackupToMakesACheckedCopy) {
  testing::TempDir dir;
  auto db = Database::open({.path = dir.file("b.db")});
  db->writeSync([](Connection& c) {
    c.exec("INSERT INTO users (email, created_at) VALUES ('b@example.com', 2)");
  });
  const std::string copy = dir.file("copy.db");
  db->backupTo(copy);
  EXPECT_EQ(versionOf(copy), latestSchemaVersion());
  Connection c(copy, Connection::Mode::ReadOnly);
  Statement& s = c.prepare("SELECT email FROM users");
  ASSERT_TRUE(s.step());
  EXPECT_EQ(s.columnText(0), "b@example.com");
  // The writer is not disturbed by the backup.
  db->writeSync([](Connection& c) {
    c.exec("INSERT INTO users (email, created_at) VALUES ('c@example.com', 3)");
  });
  EXPECT_THROW(db->backupTo(copy), StorageError);  // never overwrites an existing file
}

TEST(DatabaseTest, ReadsRunBesideAnOpenWriteTransaction) {
  testing::TempDir dir;
  auto db = Database::open({.path = dir.file("w.db"), .readers = 2});
  std::promise<void> inserted, finish;
  auto writer = db->write([&](Connection& c) {
    c.exec("INSERT INTO users (email, created_at) VALUES ('w@example.com', 1)");
    inserted.set_value();
    ASSERT_EQ(finish.get_future().wait_for(20s), std::future_status::ready);
  });
  ASSERT_EQ(inserted.get_future().wait_for(20s), std::future_status::ready);
  auto countUsers = [&] {
    return db->read([](Connection& c) {
      Statement& s = c.prepare("SELECT count(*) FROM users");
      s.step();
      return s.columnInt64(0);
    });
  };
  EXPECT_EQ(countUsers(), 0);  // not committed yet, and the read does not block
  finish.set_value();
  writer.get();
  EXPECT_EQ(countUsers(), 1);
}

TEST(DatabaseTest, ReadBlocksWhileEveryReaderIsBusy) {
  testing::TempDir dir;
  auto db = Database::open({.path = dir.file("p.db"), .readers = 1});
  std::promise<void> holding, letGo;
  auto first = std::async(std::launch::async, [&] {
    db->read([&](Connection&) {
      holding.set_value();
      EXPECT_EQ(letGo.get_future().wait_for(20s), std::future_status::ready);
    });
  });
  ASSERT_EQ(holding.get_future().wait_for(20s), std::future_status::ready);
  auto second =
      std::async(std::launch::async, [&] { return db->read([](Connection&) { return 7; }); });
  // Checking for absence needs some wait; 100 ms is ample for a read that is not blocked.
  EXPECT_EQ(second.wait_for(100ms), std::future_status::timeout);
  letGo.set_value();
  EXPECT_EQ(second.get(), 7);
  first.get();
}

TEST(DatabaseTest, ReadReleasesTheConnectionWhenTheJobThrows) {
  testing::TempDir dir;
  auto db = Database::open({.path = dir.file("t.db"), .readers = 1});
  EXPECT_THROW(db->read([](Connection&) -> int { throw std::runtime_error("x"); }),
               std::runtime_error);
  EXPECT_EQ(db->read([](Connection&) { return 1; }), 1);  // would block forever if leaked
}

}  // namespace
}  // namespace callpy::storage
