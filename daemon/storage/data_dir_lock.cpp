#include "storage/data_dir_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace callpy::storage {

DataDirLock::DataDirLock(const std::string& dataDir) : path_(dataDir + "/" + kFileName) {
  fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0640);
  if (fd_ < 0) throw StorageError("cannot open " + path_ + ": " + std::strerror(errno));
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const int saved = errno;
    char buffer[32] = {};
    ssize_t n = ::pread(fd_, buffer, sizeof buffer - 1, 0);
    long pid = n > 0 ? std::strtol(buffer, nullptr, 10) : 0;
    ::close(fd_);
    fd_ = -1;
    if (saved == EWOULDBLOCK) {
      throw DataDirBusyError("the data dir " + dataDir + " is in use: " +
                                 (pid > 0 ? "process " + std::to_string(pid) : std::string("a process")) +
                                 " (callpyd, or a restore in progress) holds " + path_,
                             pid);
    }
    throw StorageError("cannot lock " + path_ + ": " + std::strerror(saved));
  }
  std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd_, 0) == 0) {
    ssize_t ignored = ::pwrite(fd_, pid.data(), pid.size(), 0);
    (void)ignored;
  }
}

DataDirLock::~DataDirLock() {
  // Closing drops the flock. The file stays: unlinking it would let two processes each lock a
  // different inode under the same name.
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace callpy::storage
