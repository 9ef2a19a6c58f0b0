#include "storage/connection.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>

#include "storage/errors.h"
#include "temp_dir.h"

namespace callpy::storage {
namespace {

std::string pragma(Connection& c, const std::string& name) {
  Statement& s = c.prepare("PRAGMA " + name);
  EXPECT_TRUE(s.step());
  return s.columnText(0);
}

std::int64_t count(Connection& c, const std::string& table) {
  Statement& s = c.prepare("SELECT count(*) FROM " + table);
  EXPECT_TRUE(s.step());
  return s.columnInt64(0);
}

TEST(ConnectionTest, AppliesTheHousePragmas) {
  testing::TempDir dir;
  Connection c(dir.file("c.db"), Connection::Mode::ReadWrite);
  EXPECT_EQ(pragma(c, "journal_mode"), "wal");
  EXPECT_EQ(pragma(c, "synchronous"), "2");  // FULL
  EXPECT_EQ(pragma(c, "foreign_keys"), "1");
  EXPECT_EQ(pragma(c, "busy_timeout"), std::to_string(Connection::kBusyTimeoutMs));

  Connection r(dir.file("c.db"), Connection::Mode::ReadOnly);
  EXPECT_EQ(pragma(r, "journal_mode"), "wal");
  EXPECT_EQ(pragma(r, "foreign_keys"), "1");
}

TEST(ConnectionTest, PrepareCachesAndResets) {
  testing::TempDir dir;
  Connection c(dir.file("c.db"), Connection::Mode::ReadWrite);
  Statement& first = c.prepare("SELECT ?");
  first.bind(1, 5);
  ASSERT_TRUE(first.step());
  Statement& again = c.prepare("SELECT ?");
  EXPECT_EQ(&first, &again);
  ASSERT_TRUE(again.step());
  EXPECT_TRUE(again.isNull(0));  // binding cleared by prepare()
}

TEST(ConnectionTest, ExecRunsSeveralStatementsAndReportsErrors) {
  testing::TempDir dir;
  Connection c(dir.file("c.db"), Connection::Mode::ReadWrite);
  c.exec("CREATE TABLE a (x); INSERT INTO a VALUES (1); INSERT INTO a VALUES (2)");
  EXPECT_EQ(count(c, "a"), 2);
  EXPECT_EQ(c.changes(), 1);
  EXPECT_EQ(c.lastInsertRowId(), 2);
  try {
    c.exec("INSERT INTO missing VALUES (1)");
    FAIL();
  } catch (const StorageError& e) {
    EXPECT_NE(std::string(e.what()).find("no such table"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(dir.file("c.db")), std::string::npos) << e.what();
  }
}

TEST(ConnectionTest, ReadOnlyConnectionCannotWrite) {
  testing::TempDir dir;
  Connection w(dir.file("c.db"), Connection::Mode::ReadWrite);
  w.exec("CREATE TABLE a (x)");
  Connection r(dir.file("c.db"), Connection::Mode::ReadOnly);
  try {
    r.exec("INSERT INTO a VALUES (1)");
    FAIL();
  } catch (const StorageError& e) {
    EXPECT_EQ(e.code() & 0xff, SQLITE_READONLY);
  }
}

TEST(ConnectionTest, OpeningAMissingFileReadOnlyNamesThePath) {
  testing::TempDir dir;
  try {
    Connection r(dir.file("absent.db"), Connection::Mode::ReadOnly);
    FAIL();
  } catch (const StorageError& e) {
    EXPECT_NE(std::string(e.what()).find("absent.db"), std::string::npos) << e.what();
  }
}

TEST(ConnectionTest, GarbageFileIsCorrupt) {
  testing::TempDir dir;
  {
    FILE* f = std::fopen(dir.file("junk.db").c_str(), "wb");
    ASSERT_NE(f, nullptr);
    for (int i = 0; i < 4096; ++i) std::fputc((i * 37 + 11) & 0xff, f);
    std::fclose(f);
  }
  EXPECT_THROW(Connection(dir.file("junk.db"), Connection::Mode::ReadWrite), CorruptDatabaseError);
}

TEST(ConnectionTest, TransactionRollsBackUnlessCommitted) {
  testing::TempDir dir;
  Connection c(dir.file("c.db"), Connection::Mode::ReadWrite);
  c.exec("CREATE TABLE a (x)");
  {
    Transaction tx(c);
    c.exec("INSERT INTO a VALUES (1)");
    EXPECT_TRUE(c.inTransaction());
  }
  EXPECT_FALSE(c.inTransaction());
  EXPECT_EQ(count(c, "a"), 0);
  {
    Transaction tx(c);
    c.exec("INSERT INTO a VALUES (1)");
    tx.commit();
  }
  EXPECT_EQ(count(c, "a"), 1);
}

TEST(ConnectionTest, NestedTransactionIsASavepoint) {
  testing::TempDir dir;
  Connection c(dir.file("c.db"), Connection::Mode::ReadWrite);
  c.exec("CREATE TABLE a (x)");
  {
    Transaction outer(c);
    c.exec("INSERT INTO a VALUES (1)");
    {
      Transaction inner(c);
      c.exec("INSERT INTO a VALUES (2)");
    }  // inner rolled back alone
    {
      Transaction inner(c);
      c.exec("INSERT INTO a VALUES (3)");
      inner.commit();
    }
    EXPECT_TRUE(c.inTransaction());
    outer.commit();
  }
  Statement& s = c.prepare("SELECT group_concat(x) FROM (SELECT x FROM a ORDER BY x)");
  ASSERT_TRUE(s.step());
  EXPECT_EQ(s.columnText(0), "1,3");
}

TEST(ConnectionTest, ResetBusyStatementsEndsAForgottenRead) {
  testing::TempDir dir;
  Connection w(dir.file("c.db"), Connection::Mode::ReadWrite);
  w.exec("CREATE TABLE a (x); INSERT INTO a VALUES (1), (2)");
  Connection r(dir.file("c.db"), Connection::Mode::ReadOnly);
  Statement& s = r.prepare("SELECT x FROM a");
  ASSERT_TRUE(s.step());  // left mid-way: pins the reader's WAL snapshot
  w.exec("INSERT INTO a VALUES (3)");
  // PASSIVE never waits; it reports WAL frames (column 1) and frames it could copy (column 2).
  auto allFramesCheckpointed = [&] {
    Statement& cp = w.prepare("PRAGMA wal_checkpoint(PASSIVE)");
    EXPECT_TRUE(cp.step());
    return cp.columnInt(1) == cp.columnInt(2);
  };
  EXPECT_FALSE(allFramesCheckpointed());
  r.resetBusyStatements();
  EXPECT_TRUE(allFramesCheckpointed());
}

}  // namespace
}  // namespace callpy::storage
