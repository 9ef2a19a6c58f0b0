#pragma once
#include <stdexcept>
#include <string>

namespace callpy::storage {

// Any SQLite failure. `code` is the sqlite3 extended result code (0 when not from sqlite3).
class StorageError : public std::runtime_error {
 public:
  StorageError(const std::string& message, int code = 0)
      : std::runtime_error(message), code_(code) {}
  int code() const { return code_; }

 private:
  int code_;
};

// The database file was written by a newer callpyd (schema version above what we know).
class SchemaTooNewError : public StorageError {
 public:
  using StorageError::StorageError;
};

// PRAGMA quick_check failed or the file is not a database.
class CorruptDatabaseError : public StorageError {
 public:
  using StorageError::StorageError;
};

}  // namespace callpy::storage
