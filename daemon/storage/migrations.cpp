#include "storage/migrations.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>

#include "storage/connection.h"
#include "storage/database.h"
#include "storage/errors.h"
#include "storage/sqlite_error.h"

namespace callpy::storage {

namespace {

std::string quoteSqlString(std::string_view text) {
  std::string out = "'";
  for (const char ch : text) {
    out += ch;
    if (ch == '\'') out += '\'';
  }
  out += '\'';
  return out;
}

// VACUUM INTO does not fsync its output; a backup that only sits in the page cache is not one.
void fsyncPath(const std::string& path, bool directory) {
  const int fd = ::open(path.c_str(), (directory ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
  if (fd < 0) {
    throw StorageError("cannot open " + path + " to sync it: " + std::strerror(errno));
  }
  const int rc = ::fsync(fd);
  const int saved = errno;
  ::close(fd);
  if (rc != 0) throw StorageError("cannot sync " + path + ": " + std::strerror(saved));
}

void checkIntegrity(const std::string& path) {
  // Opened without our pragmas: switching the copy to WAL would change the file we just checked.
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr);
  std::string result;
  if (rc == SQLITE_OK) {
    sqlite3_stmt* stmt = nullptr;
    rc = sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &stmt, nullptr);
    while (rc == SQLITE_OK && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      if (!result.empty()) result += "; ";
      result += reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
      rc = SQLITE_OK;
    }
    if (rc == SQLITE_DONE) rc = SQLITE_OK;
    sqlite3_finalize(stmt);
  }
  const std::string message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  sqlite3_close_v2(db);
  if (rc != SQLITE_OK) {
    throw StorageError("backup " + path + " cannot be checked: " + message, rc);
  }
  if (result != "ok") {
    throw StorageError("backup " + path + " failed PRAGMA integrity_check: " + result);
  }
}

}  // namespace

int latestSchemaVersion() {
  const auto all = compiledMigrations();
  return all.empty() ? 0 : all.back().number;
}

int userVersion(Connection& c) {
  Statement& s = c.prepare("PRAGMA user_version");
  s.step();
  const int version = s.columnInt(0);
  s.reset();
  return version;
}

void migrateTo(Connection& c, std::span<const Migration> migrations, int target) {
  int current = userVersion(c);
  for (const Migration& m : migrations) {
    if (m.number <= current || m.number > target) continue;
    if (m.number != current + 1) {
      throw StorageError("migration list has a gap before " + std::to_string(m.number));
    }
    const std::string label = std::to_string(m.number) + "_" + std::string(m.name);
    // PRAGMA foreign_keys is a no-op inside a transaction, so it is switched around it.
    c.exec("PRAGMA foreign_keys=OFF");
    try {
      Transaction tx(c);
      c.exec(m.sql);
      c.exec("PRAGMA user_version=" + std::to_string(m.number));
      Statement& fk = c.prepare("PRAGMA foreign_key_check");
      if (fk.step()) {
        const std::string table = fk.columnText(0);
        fk.reset();
        throw StorageError("leaves a foreign key violation in table " + table);
      }
      tx.commit();
    } catch (const StorageError& e) {
      c.exec("PRAGMA foreign_keys=ON");
      throw StorageError("database " + c.path() + ": migration " + label + " failed: " + e.what(),
                         e.code());
    }
    c.exec("PRAGMA foreign_keys=ON");
    current = m.number;
  }
}

void vacuumInto(Connection& c, const std::string& destination) {
  if (c.inTransaction()) {
    throw StorageError("VACUUM INTO cannot run inside a transaction");
  }
  c.exec("VACUUM INTO " + quoteSqlString(destination));
  fsyncPath(destination, false);
  const auto parent = std::filesystem::absolute(destination).parent_path();
  fsyncPath(parent.string(), true);
  checkIntegrity(destination);
}

int prepareSchema(Connection& c, std::span<const Migration> migrations, std::string* backupPath) {
  if (backupPath != nullptr) backupPath->clear();
  const int latest = migrations.empty() ? 0 : migrations.back().number;
  const int version = userVersion(c);
  if (version > latest) {
    throw SchemaTooNewError("database " + c.path() + " has schema version " +
                            std::to_string(version) + " but this callpyd knows only up to " +
                            std::to_string(latest) + "; upgrade callpyd or restore a backup");
  }
  if (version == latest) return version;
  if (version > 0) {
    const std::string backup = c.path() + ".pre-v" + std::to_string(version) + "-" +
                               std::to_string(static_cast<long long>(std::time(nullptr))) + ".bak";
    vacuumInto(c, backup);
    if (backupPath != nullptr) *backupPath = backup;
  }
  migrateTo(c, migrations, latest);
  return userVersion(c);
}

}  // namespace callpy::storage
