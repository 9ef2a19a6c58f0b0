#pragma once
// Schema migrations: the compiled-in list (generated from migrations/NNNN_name.sql by
// embed_migrations.cmake) and the code that applies it. Internal to storage/ apart from tests.
#include <span>
#include <string>
#include <string_view>

namespace callpy::storage {

class Connection;

struct Migration {
  int number;             // NNNN of the file; the schema version after applying it
  std::string_view name;  // the file name's part after NNNN_
  std::string_view sql;   // must not contain BEGIN/COMMIT: it runs inside our transaction
};

// All compiled-in migrations in order; numbers are 1, 2, 3, ... (checked at build time).
std::span<const Migration> compiledMigrations();

int userVersion(Connection& c);

// Applies migrations[i] for every number in (user_version, target], each in its own transaction
// that also sets user_version, so a crash leaves the file at a whole version. Foreign keys are
// off during a migration (table rebuilds need that) and checked with foreign_key_check before
// the commit. Throws StorageError naming the failing migration.
void migrateTo(Connection& c, std::span<const Migration> migrations, int target);
inline void migrateTo(Connection& c, int target) { migrateTo(c, compiledMigrations(), target); }

// The open-time schema step: refuse a newer schema (SchemaTooNewError), back the file up with
// VACUUM INTO "<path>.pre-v<N>-<unixtime>.bak" when it has a schema and migrations are pending,
// then migrate to the last of `migrations`. Returns the resulting version. `backupPath`, when
// not null, receives the backup's path ("" when none was made).
int prepareSchema(Connection& c, std::span<const Migration> migrations,
                  std::string* backupPath = nullptr);

// VACUUM INTO `destination`, fsync it, and verify it with PRAGMA integrity_check. Runs on any
// connection that has no open transaction (VACUUM cannot run inside one).
void vacuumInto(Connection& c, const std::string& destination);

}  // namespace callpy::storage
