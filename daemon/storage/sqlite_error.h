#pragma once
// Internal: turns a sqlite3 result code into the right StorageError subclass.
#include <string_view>

struct sqlite3;

namespace callpy::storage::detail {

// Throws CorruptDatabaseError for SQLITE_CORRUPT / SQLITE_NOTADB (the caller cannot fix those by
// retrying), StorageError otherwise. The message names the database file so an operator can act.
[[noreturn]] void throwSqlite(sqlite3* db, int rc, std::string_view what);

// Same, for failures where no connection exists (or the caller already has the message).
[[noreturn]] void throwSqlite(int rc, std::string_view what, std::string_view message,
                              std::string_view path);

}  // namespace callpy::storage::detail
