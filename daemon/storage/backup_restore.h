#pragma once
// Reading a backup archive back: full verification (used by `callpyctl backup` on the file it
// just wrote, before renaming it into place) and restore into a stopped daemon's data dir.
#include <cstdint>
#include <string>

#include "storage/backup_archive.h"

namespace callpy::storage {

// Reads the whole archive and checks it: the manifest comes first and is one this binary can
// restore (schema not newer than latestSchemaVersion()); the database entry has the manifest's
// size and SHA-256, passes PRAGMA integrity_check and carries the manifest's schema version;
// every file entry is named by the SHA-256 of its bytes and listed in the manifest, and every
// listed file is present; the archive ends with tar's end marker. The database is written to
// <dir>/callpy.db and, when `keepFiles`, each file to <dir>/files/<sha256>. `dir` must exist.
// Throws ArchiveError saying what is wrong (with the daemon's message when it aborted).
BackupManifest readArchive(const std::string& archivePath, const std::string& dir, bool keepFiles);

struct RestoreResult {
  BackupManifest manifest;
  std::string setAside;  // where the data dir's previous database and files went ("" if none)
};

// Restores `archivePath` into `dataDir` (created when missing) while holding the data dir lock
// (DataDirBusyError while callpyd runs there). Everything is extracted and verified in
// <dataDir>/.restore-XXXXXX first; only then are the current callpy.db (with -wal/-shm) and
// files/ moved to <dataDir>/pre-restore-<unixtime>/ and the restored ones renamed into place.
// When run as root, the restored files get the data dir's owner. An older schema is fine (the
// daemon migrates at start); a newer one is refused before anything is written.
RestoreResult restoreBackup(const std::string& archivePath, const std::string& dataDir);

}  // namespace callpy::storage
