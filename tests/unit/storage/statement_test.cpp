#include "storage/statement.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <optional>
#include <string>

#include "storage/connection.h"
#include "storage/errors.h"
#include "temp_dir.h"

namespace callpy::storage {
namespace {

class StatementTest : public ::testing::Test {
 protected:
  void SetUp() override {
    c_.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, i INTEGER, s TEXT, b BLOB, d REAL)");
  }
  testing::TempDir dir_;
  Connection c_{dir_.file("s.db"), Connection::Mode::ReadWrite};
};

TEST_F(StatementTest, BindsAndReadsEveryType) {
  Statement insert(c_.raw(), "INSERT INTO t (id, i, s, b, d) VALUES (?, ?, ?, ?, 2.5)");
  const unsigned char bytes[] = {0, 1, 255};
  insert.bind(1, 7).bind(2, std::int64_t{1} << 40).bind(3, std::string("héllo\0x", 7));
  insert.bindBlob(4, bytes, sizeof bytes);
  EXPECT_EQ(insert.run(), 1);

  Statement select(c_.raw(), "SELECT id, i, s, b, d FROM t");
  ASSERT_TRUE(select.step());
  EXPECT_EQ(select.columnInt(0), 7);
  EXPECT_EQ(select.columnInt64(1), std::int64_t{1} << 40);
  EXPECT_EQ(select.columnText(2), std::string("héllo\0x", 7));  // embedded NUL survives
  EXPECT_EQ(select.columnBlob(3), (std::vector<unsigned char>{0, 1, 255}));
  EXPECT_DOUBLE_EQ(select.columnDouble(4), 2.5);
  EXPECT_FALSE(select.step());
}

TEST_F(StatementTest, OptionalsBindNullAndReadBack) {
  Statement insert(c_.raw(), "INSERT INTO t (id, i, s) VALUES (?, ?, ?)");
  insert.bind(1, 1).bind(2, std::optional<std::int64_t>{}).bind(3, std::optional<std::string>{});
  insert.run();
  insert.reset();
  insert.bind(1, 2)
      .bind(2, std::optional<std::int64_t>{5})
      .bind(3, std::optional<std::string>{"x"});
  insert.run();

  Statement select(c_.raw(), "SELECT i, s FROM t ORDER BY id");
  ASSERT_TRUE(select.step());
  EXPECT_TRUE(select.isNull(0));
  EXPECT_EQ(select.columnOptionalInt64(0), std::nullopt);
  EXPECT_EQ(select.columnOptionalText(1), std::nullopt);
  EXPECT_EQ(select.columnText(1), "");
  ASSERT_TRUE(select.step());
  EXPECT_EQ(select.columnOptionalInt64(0), 5);
  EXPECT_EQ(select.columnOptionalText(1), "x");
}

TEST_F(StatementTest, EmptyBlobIsNotNull) {
  Statement insert(c_.raw(), "INSERT INTO t (id, b) VALUES (1, ?)");
  insert.bindBlob(1, nullptr, 0).run();
  Statement select(c_.raw(), "SELECT b IS NULL, length(b) FROM t");
  ASSERT_TRUE(select.step());
  EXPECT_EQ(select.columnInt(0), 0);
  EXPECT_EQ(select.columnInt(1), 0);
}

TEST_F(StatementTest, ResetClearsBindingsForReuse) {
  Statement insert(c_.raw(), "INSERT INTO t (id, s) VALUES (?, ?)");
  insert.bind(1, 1).bind(2, "a").run();
  insert.reset();
  insert.bind(1, 2).run();  // parameter 2 was cleared: NULL, not "a"
  Statement select(c_.raw(), "SELECT s FROM t WHERE id = 2");
  ASSERT_TRUE(select.step());
  EXPECT_TRUE(select.isNull(0));
}

TEST_F(StatementTest, RunReturnsChangedRows) {
  c_.exec("INSERT INTO t (id) VALUES (1), (2), (3)");
  Statement update(c_.raw(), "UPDATE t SET i = 1 WHERE id >= ?");
  EXPECT_EQ(update.bind(1, 2).run(), 2);
}

TEST_F(StatementTest, BadSqlThrowsWithTheStatementInTheMessage) {
  try {
    Statement bad(c_.raw(), "SELEC nothing");
    FAIL() << "expected StorageError";
  } catch (const StorageError& e) {
    EXPECT_NE(std::string(e.what()).find("SELEC nothing"), std::string::npos) << e.what();
    EXPECT_EQ(e.code() & 0xff, SQLITE_ERROR);
  }
}

TEST_F(StatementTest, RefusesMoreThanOneStatement) {
  EXPECT_THROW(Statement(c_.raw(), "SELECT 1; SELECT 2"), StorageError);
  EXPECT_NO_THROW(Statement(c_.raw(), "SELECT 1; "));
}

TEST_F(StatementTest, ConstraintViolationCarriesTheExtendedCodeAndStaysUsable) {
  Statement insert(c_.raw(), "INSERT INTO t (id) VALUES (?)");
  insert.bind(1, 1).run();
  insert.reset();
  try {
    insert.bind(1, 1).run();
    FAIL() << "expected StorageError";
  } catch (const StorageError& e) {
    EXPECT_EQ(e.code(), SQLITE_CONSTRAINT_PRIMARYKEY);
  }
  insert.reset();
  EXPECT_EQ(insert.bind(1, 2).run(), 1);
}

TEST_F(StatementTest, BindOutOfRangeThrows) {
  Statement s(c_.raw(), "SELECT ?");
  EXPECT_THROW(s.bind(2, 1), StorageError);
}

TEST_F(StatementTest, MoveTransfersOwnership) {
  Statement a(c_.raw(), "SELECT 42");
  Statement b(std::move(a));
  ASSERT_TRUE(b.step());
  EXPECT_EQ(b.columnInt(0), 42);
  Statement c(c_.raw(), "SELECT 1");
  c = std::move(b);
  c.reset();
  ASSERT_TRUE(c.step());
  EXPECT_EQ(c.columnInt(0), 42);
}

}  // namespace
}  // namespace callpy::storage
