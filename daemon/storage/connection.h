#pragma once
// One sqlite3 connection with the house pragmas and a per-connection prepared-statement cache.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "storage/statement.h"

struct sqlite3;

namespace callpy::storage {

class Connection {
 public:
  enum class Mode { ReadWrite, ReadOnly };
  static constexpr int kBusyTimeoutMs = 5000;

  // Opens (creating when ReadWrite) and applies: WAL (ReadWrite only; the mode is stored in the
  // file), synchronous=FULL, foreign_keys=ON, busy_timeout. Throws StorageError with the file
  // name on failure, CorruptDatabaseError when the file is not a database.
  Connection(const std::string& path, Mode mode);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Executes one or more statements without results (DDL, pragmas, BEGIN/COMMIT).
  void exec(std::string_view sql);
  // Returns a cached prepared statement, reset and with bindings cleared. The reference is valid
  // until the connection closes; do not hold it across another prepare() of the same SQL.
  Statement& prepare(std::string_view sql);
  // Resets every statement still stepping, so a pooled connection does not pin an old WAL
  // snapshot (which would stop checkpoints) after a reader forgot to finish a query.
  void resetBusyStatements();
  std::int64_t lastInsertRowId() const;
  int changes() const;
  // True while a transaction (BEGIN or SAVEPOINT) is open on this connection.
  bool inTransaction() const;
  sqlite3* raw() const { return db_; }
  const std::string& path() const { return path_; }
  Mode mode() const { return mode_; }

 private:
  // Transparent hashing lets prepare() look up a string_view without building a std::string.
  struct SqlHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  sqlite3* db_ = nullptr;
  std::string path_;
  Mode mode_;
  std::unordered_map<std::string, std::unique_ptr<Statement>, SqlHash, std::equal_to<>> cache_;
};

// RAII transaction: BEGIN IMMEDIATE on construction, ROLLBACK in the destructor unless commit().
// Inside an open transaction (e.g. in a Database::write job, which already runs in one) it nests
// as a SAVEPOINT instead, so repository code can use it either way.
class Transaction {
 public:
  explicit Transaction(Connection& c);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  Connection& c_;
  bool nested_ = false;
  bool done_ = false;
};

}  // namespace callpy::storage
