#pragma once
// An exclusive lock on the data dir: flock() on <data_dir>/callpyd.lock, held by callpyd for its
// whole life and by `callpyctl restore` while it replaces the files. flock rather than a pid
// file: the kernel drops it when the process dies, so a crash never leaves a stale lock, and it
// answers "is a daemon using this very directory?" even when the admin socket lives elsewhere
// or the daemon is still migrating and not yet listening.
#include <string>

#include "storage/errors.h"

namespace callpy::storage {

// Another process holds the lock. `pid` is what it wrote into the file (0 when unknown).
class DataDirBusyError : public StorageError {
 public:
  DataDirBusyError(const std::string& message, long pid) : StorageError(message), pid_(pid) {}
  long pid() const { return pid_; }

 private:
  long pid_;
};

class DataDirLock {
 public:
  static constexpr const char* kFileName = "callpyd.lock";

  // Takes the lock without waiting and writes our pid into the file. Throws DataDirBusyError
  // when held, StorageError when the file cannot be opened.
  explicit DataDirLock(const std::string& dataDir);
  ~DataDirLock();
  DataDirLock(const DataDirLock&) = delete;
  DataDirLock& operator=(const DataDirLock&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
  int fd_ = -1;
};

}  // namespace callpy::storage
