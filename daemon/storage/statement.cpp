#include "storage/statement.h"

#include <sqlite3.h>

#include <utility>

#include "storage/errors.h"
#include "storage/sqlite_error.h"

namespace callpy::storage {

namespace {

// A statement that silently ignored a second statement in the same string would hide bugs.
bool onlySeparatorsLeft(const char* tail, const char* end) {
  for (; tail < end; ++tail) {
    const char ch = *tail;
    if (ch != ' ' && ch != '\t' && ch != '\n' && ch != '\r' && ch != ';') return false;
  }
  return true;
}

}  // namespace

Statement::Statement(sqlite3* db, std::string_view sql) : db_(db) {
  const char* tail = nullptr;
  const int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &stmt_, &tail);
  if (rc != SQLITE_OK) {
    detail::throwSqlite(db, rc, "cannot prepare \"" + std::string(sql) + "\"");
  }
  if (stmt_ == nullptr) throw StorageError("empty SQL statement");
  const char* end = sql.data() + sql.size();
  if (tail != nullptr && !onlySeparatorsLeft(tail, end)) {
    sqlite3_finalize(stmt_);
    stmt_ = nullptr;
    throw StorageError("a prepared statement takes one SQL statement: \"" + std::string(sql) +
                       "\"");
  }
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement::Statement(Statement&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), stmt_(std::exchange(other.stmt_, nullptr)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    db_ = std::exchange(other.db_, nullptr);
    stmt_ = std::exchange(other.stmt_, nullptr);
  }
  return *this;
}

namespace {

void checkBind(sqlite3* db, int rc, int index) {
  if (rc != SQLITE_OK) {
    detail::throwSqlite(db, rc, "cannot bind parameter " + std::to_string(index));
  }
}

}  // namespace

Statement& Statement::bind(int index, std::int64_t value) {
  checkBind(db_, sqlite3_bind_int64(stmt_, index, value), index);
  return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
  // SQLITE_TRANSIENT: the caller's buffer may die before step(); the copy is cheap next to I/O.
  checkBind(
      db_,
      sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8),
      index);
  return *this;
}

Statement& Statement::bind(int index, const std::optional<std::string>& text) {
  return text ? bind(index, std::string_view(*text)) : bindNull(index);
}

Statement& Statement::bind(int index, const std::optional<std::int64_t>& value) {
  return value ? bind(index, *value) : bindNull(index);
}

Statement& Statement::bindBlob(int index, const void* data, std::size_t size) {
  // A zero-length blob must stay a blob, not NULL, so never pass a null pointer through.
  static const unsigned char kEmpty = 0;
  checkBind(db_,
            sqlite3_bind_blob64(stmt_, index, size == 0 ? &kEmpty : data, size, SQLITE_TRANSIENT),
            index);
  return *this;
}

Statement& Statement::bindNull(int index) {
  checkBind(db_, sqlite3_bind_null(stmt_, index), index);
  return *this;
}

bool Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  const std::string sql = sqlite3_sql(stmt_) != nullptr ? sqlite3_sql(stmt_) : "";
  try {
    detail::throwSqlite(db_, rc, "cannot run \"" + sql + "\"");
  } catch (...) {
    // Leave the statement reusable; the error is already captured in the exception.
    sqlite3_reset(stmt_);
    throw;
  }
}

int Statement::run() {
  while (step()) {
  }
  return sqlite3_changes(db_);
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

bool Statement::isNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::int64_t Statement::columnInt64(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

int Statement::columnCount() const { return sqlite3_column_count(stmt_); }

double Statement::columnDouble(int column) const { return sqlite3_column_double(stmt_, column); }

std::string Statement::columnText(int column) const {
  const auto* text = sqlite3_column_text(stmt_, column);
  if (text == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::optional<std::string> Statement::columnOptionalText(int column) const {
  if (isNull(column)) return std::nullopt;
  return columnText(column);
}

std::optional<std::int64_t> Statement::columnOptionalInt64(int column) const {
  if (isNull(column)) return std::nullopt;
  return columnInt64(column);
}

std::vector<unsigned char> Statement::columnBlob(int column) const {
  const auto* data = static_cast<const unsigned char*>(sqlite3_column_blob(stmt_, column));
  const int size = sqlite3_column_bytes(stmt_, column);
  if (data == nullptr || size <= 0) return {};
  return std::vector<unsigned char>(data, data + size);
}

}  // namespace callpy::storage
