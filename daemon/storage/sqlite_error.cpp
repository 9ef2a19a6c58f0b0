#include "storage/sqlite_error.h"

#include <sqlite3.h>

#include <string>

#include "storage/errors.h"

namespace callpy::storage::detail {

void throwSqlite(int rc, std::string_view what, std::string_view message, std::string_view path) {
  std::string text(what);
  text += ": ";
  text += message.empty() ? std::string_view(sqlite3_errstr(rc)) : message;
  if (!path.empty()) {
    text += " (database ";
    text += path;
    text += ")";
  }
  const int primary = rc & 0xff;
  if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB) {
    throw CorruptDatabaseError(text, rc);
  }
  throw StorageError(text, rc);
}

void throwSqlite(sqlite3* db, int rc, std::string_view what) {
  if (db == nullptr) throwSqlite(rc, what, {}, {});
  // The extended code is more precise than rc when the connection recorded the same failure.
  const int extended = sqlite3_extended_errcode(db);
  const bool same = (extended & 0xff) == (rc & 0xff);
  const char* file = sqlite3_db_filename(db, "main");
  throwSqlite(same ? extended : rc, what, same ? sqlite3_errmsg(db) : "",
              file != nullptr ? file : "");
}

}  // namespace callpy::storage::detail
