#pragma once
// The daemon's half of `callpyctl backup`: an online, consistent snapshot of the data dir,
// streamed as one archive (backup_archive.h).
//
// Consistency: the database copy is a VACUUM INTO of one WAL snapshot (Database::backupTo, which
// also runs PRAGMA integrity_check on the copy) taken while the writer keeps committing. Files
// under <data_dir>/files are named by their SHA-256 and never change once renamed into place, and
// an upload's bytes are in place before its row commits, so the files that rows of the snapshot
// name are all present and final: copying exactly that set, later, is the same as copying it at
// the snapshot. Each is hashed while it is streamed and checked against its name.
#include <cstdint>
#include <memory>
#include <ostream>
#include <string>

#include "storage/backup_archive.h"

namespace callpy::storage {

class Database;

class BackupSnapshot {
 public:
  // Takes the snapshot into a scratch dir <dataDir>/backup-XXXXXX (removed by the destructor)
  // and describes it. Throws StorageError when the copy fails its integrity check or a file the
  // snapshot refers to is missing or has the wrong size.
  static std::unique_ptr<BackupSnapshot> take(Database& db, const std::string& dataDir,
                                              const std::string& producer);
  ~BackupSnapshot();
  // Removes scratch dirs (backup-XXXXXX) that a daemon killed in the middle of a backup left
  // behind. Call only while holding the data dir (DataDirLock): then no backup is running.
  static void removeLeftovers(const std::string& dataDir);
  BackupSnapshot(const BackupSnapshot&) = delete;
  BackupSnapshot& operator=(const BackupSnapshot&) = delete;

  const BackupManifest& manifest() const { return manifest_; }
  // The archive's exact size in bytes (lets the HTTP answer carry a Content-Length).
  std::uint64_t archiveSize() const;
  // Writes the archive. When a file no longer matches its name (disk corruption) the archive
  // gets an ERROR entry instead of the end marker and this throws ArchiveError.
  void writeTo(std::ostream& out) const;

 private:
  BackupSnapshot() = default;
  std::string scratchDir_;
  std::string databasePath_;
  std::string filesDir_;
  BackupManifest manifest_;
};

// SHA-256 (lowercase hex) of a file's bytes; throws StorageError when it cannot be read.
std::string sha256OfFile(const std::string& path);

}  // namespace callpy::storage
