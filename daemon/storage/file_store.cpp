#include "storage/file_store.h"

#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "storage/errors.h"

namespace callpy::storage {

namespace {

[[noreturn]] void fail(const std::string& what, const std::string& path) {
  throw StorageError(what + " " + path + ": " + std::strerror(errno));
}

void makeDir(const std::string& path) {
  if (::mkdir(path.c_str(), 0750) != 0 && errno != EEXIST) fail("cannot create", path);
}

void syncDir(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) fail("cannot open", path);
  ::fsync(fd);
  ::close(fd);
}

bool isHex64(const std::string& s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

class TempBlob : public core::ports::BlobWriter {
 public:
  TempBlob(std::string dir, std::string tmpDir) : dir_(std::move(dir)) {
    path_ = tmpDir + "/upload-XXXXXX";
    fd_ = ::mkostemp(path_.data(), O_CLOEXEC);
    if (fd_ < 0) fail("cannot create a temp file in", tmpDir);
  }
  ~TempBlob() override {
    if (fd_ >= 0) ::close(fd_);
    if (!committed_) ::unlink(path_.c_str());
  }

  void write(std::string_view bytes) override {
    sha_.update(bytes.data(), static_cast<unsigned>(bytes.size()));
    while (!bytes.empty()) {
      auto n = ::write(fd_, bytes.data(), bytes.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) fail("cannot write", path_);
      bytes.remove_prefix(static_cast<std::size_t>(n));
      size_ += static_cast<std::uint64_t>(n);
    }
  }

  std::uint64_t size() const override { return size_; }

  std::string read(std::uint64_t offset, std::size_t length) const override {
    if (offset >= size_) return {};
    length = static_cast<std::size_t>(std::min<std::uint64_t>(length, size_ - offset));
    std::string out(length, '\0');
    std::size_t got = 0;
    while (got < length) {
      auto n = ::pread(fd_, out.data() + got, length - got, static_cast<off_t>(offset + got));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      got += static_cast<std::size_t>(n);
    }
    out.resize(got);
    return out;
  }

  std::string commit() override {
    const auto hex = Poco::DigestEngine::digestToHex(sha_.digest());
    if (::fsync(fd_) != 0) fail("cannot fsync", path_);
    const auto target = dir_ + "/" + hex;
    struct stat st {};
    if (::stat(target.c_str(), &st) == 0 && static_cast<std::uint64_t>(st.st_size) == size_) {
      // Same content already stored: keep that copy (the temp file goes in the destructor).
      return hex;
    }
    if (::rename(path_.c_str(), target.c_str()) != 0) fail("cannot rename into", target);
    committed_ = true;
    syncDir(dir_);
    return hex;
  }

 private:
  std::string dir_;
  std::string path_;
  int fd_ = -1;
  std::uint64_t size_ = 0;
  bool committed_ = false;
  Poco::SHA2Engine sha_{Poco::SHA2Engine::SHA_256};
};

}  // namespace

FileStore::FileStore(const std::string& dataDir) : dir_(dataDir + "/files"), tmp_(dir_ + "/tmp") {
  makeDir(dir_);
  makeDir(tmp_);
  // Uploads cut short by a crash or a stop: nothing refers to them.
  if (DIR* d = ::opendir(tmp_.c_str())) {
    while (auto* e = ::readdir(d)) {
      if (std::strncmp(e->d_name, "upload-", 7) == 0) ::unlink((tmp_ + "/" + e->d_name).c_str());
    }
    ::closedir(d);
  }
}

std::unique_ptr<core::ports::BlobWriter> FileStore::create() {
  return std::make_unique<TempBlob>(dir_, tmp_);
}

std::string FileStore::pathOf(const std::string& sha256) const {
  return isHex64(sha256) ? dir_ + "/" + sha256 : std::string();
}

}  // namespace callpy::storage
