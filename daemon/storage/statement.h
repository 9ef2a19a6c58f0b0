#pragma once
// Thin RAII wrapper over the sqlite3 C API: a prepared statement with typed binds and columns.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace callpy::storage {

class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql);  // throws StorageError on a bad statement
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;

  // Binds are 1-based like sqlite3. Each returns *this for chaining.
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
  Statement& bind(int index, const std::string& text) {
    return bind(index, std::string_view(text));
  }
  Statement& bind(int index, const std::optional<std::string>& text);
  Statement& bind(int index, const std::optional<std::int64_t>& value);
  Statement& bindBlob(int index, const void* data, std::size_t size);
  Statement& bindNull(int index);

  // Runs one step. true: a row is available through column*(); false: done.
  bool step();
  // Runs to completion, ignoring rows; returns sqlite3_changes() of the connection.
  int run();
  // Clears bindings and resets, so a cached statement can be reused.
  void reset();

  bool isNull(int column) const;
  std::int64_t columnInt64(int column) const;
  int columnInt(int column) const { return static_cast<int>(columnInt64(column)); }
  int columnCount() const;
  double columnDouble(int column) const;
  std::string columnText(int column) const;  // "" for NULL
  std::optional<std::string> columnOptionalText(int column) const;
  std::optional<std::int64_t> columnOptionalInt64(int column) const;
  std::vector<unsigned char> columnBlob(int column) const;

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace callpy::storage
