#include "storage/backup_snapshot.h"

#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string_view>
#include <filesystem>
#include <fstream>

#include "storage/connection.h"
#include "storage/database.h"
#include "storage/migrations.h"

namespace callpy::storage {

namespace {

constexpr std::size_t kChunk = 1 << 16;

std::uint64_t paddedSize(std::uint64_t size) { return 512 + (size + 511) / 512 * 512; }

// Streams `path` into the current tar entry, hashing it on the way; returns the hex digest.
std::string copyHashing(const std::string& path, std::uint64_t size, TarWriter& tar) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw StorageError("cannot open " + path + ": " + std::strerror(errno));
  Poco::SHA2Engine sha(Poco::SHA2Engine::SHA_256);
  std::string buffer(kChunk, '\0');
  std::uint64_t left = size;
  while (left > 0) {
    auto want = static_cast<std::streamsize>(std::min<std::uint64_t>(left, kChunk));
    in.read(buffer.data(), want);
    auto got = in.gcount();
    if (got <= 0) throw ArchiveError(path + " is shorter than recorded (" + std::to_string(size) + " bytes)");
    sha.update(buffer.data(), static_cast<unsigned>(got));
    tar.write(buffer.data(), static_cast<std::size_t>(got));
    left -= static_cast<std::uint64_t>(got);
  }
  return Poco::DigestEngine::digestToHex(sha.digest());
}

}  // namespace

std::string sha256OfFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw StorageError("cannot open " + path + ": " + std::strerror(errno));
  Poco::SHA2Engine sha(Poco::SHA2Engine::SHA_256);
  std::string buffer(kChunk, '\0');
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    if (in.gcount() > 0) sha.update(buffer.data(), static_cast<unsigned>(in.gcount()));
  }
  if (in.bad()) throw StorageError("cannot read " + path);
  return Poco::DigestEngine::digestToHex(sha.digest());
}

std::unique_ptr<BackupSnapshot> BackupSnapshot::take(Database& db, const std::string& dataDir,
                                                     const std::string& producer) {
  std::unique_ptr<BackupSnapshot> s(new BackupSnapshot);
  std::string pattern = dataDir + "/backup-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw StorageError("cannot create a scratch dir in " + dataDir + ": " + std::strerror(errno));
  }
  s->scratchDir_ = pattern;
  s->databasePath_ = pattern + "/callpy.db";
  s->filesDir_ = dataDir + "/files";
  db.backupTo(s->databasePath_);  // VACUUM INTO + fsync + integrity_check

  BackupManifest& m = s->manifest_;
  m.producer = producer;
  m.createdAt = static_cast<std::int64_t>(std::time(nullptr));
  {
    Connection c(s->databasePath_, Connection::Mode::ReadOnly);
    m.schemaVersion = userVersion(c);
    Statement& counts = c.prepare("SELECT (SELECT count(*) FROM dialogs), (SELECT count(*) FROM messages)");
    counts.step();
    m.dialogs = counts.columnInt64(0);
    m.messages = counts.columnInt64(1);
    counts.reset();
    // Avatars, uploads and (later) recordings all have a row in `files`.
    Statement& files = c.prepare("SELECT sha256, max(size) FROM files GROUP BY sha256 ORDER BY sha256");
    while (files.step()) {
      BackupFile f{files.columnText(0), static_cast<std::uint64_t>(files.columnInt64(1))};
      if (!isSha256Hex(f.sha256)) throw StorageError("files row with a malformed sha256: " + f.sha256);
      struct stat st {};
      std::string path = s->filesDir_ + "/" + f.sha256;
      if (::stat(path.c_str(), &st) != 0) {
        throw StorageError("file " + path + " is referenced by the database but missing: " +
                           std::strerror(errno));
      }
      if (static_cast<std::uint64_t>(st.st_size) != f.size) {
        throw StorageError("file " + path + " has " + std::to_string(st.st_size) +
                           " bytes, the database records " + std::to_string(f.size));
      }
      m.files.push_back(std::move(f));
    }
    files.reset();
  }
  // The read-only open may leave -wal/-shm beside the copy; the copy itself is complete.
  struct stat st {};
  if (::stat(s->databasePath_.c_str(), &st) != 0) throw StorageError("snapshot vanished");
  m.databaseSize = static_cast<std::uint64_t>(st.st_size);
  m.databaseSha256 = sha256OfFile(s->databasePath_);
  return s;
}

void BackupSnapshot::removeLeftovers(const std::string& dataDir) {
  namespace fs = std::filesystem;
  constexpr std::string_view kPrefix = "backup-";
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dataDir, ec)) {
    const auto name = entry.path().filename().string();
    // Exactly what mkdtemp makes of "backup-XXXXXX": six letters or digits.
    const bool scratchName =
        name.size() == kPrefix.size() + 6 && name.compare(0, kPrefix.size(), kPrefix) == 0 &&
        std::all_of(name.begin() + static_cast<std::ptrdiff_t>(kPrefix.size()), name.end(),
                    [](unsigned char c) { return std::isalnum(c) != 0; });
    if (!scratchName || !entry.is_directory(ec) || entry.is_symlink(ec)) continue;
    fs::remove_all(entry.path(), ec);
  }
}

BackupSnapshot::~BackupSnapshot() {
  std::error_code ignored;
  if (!scratchDir_.empty()) std::filesystem::remove_all(scratchDir_, ignored);
}

std::uint64_t BackupSnapshot::archiveSize() const {
  std::uint64_t total = paddedSize(formatManifest(manifest_).size()) + paddedSize(manifest_.databaseSize);
  for (const auto& f : manifest_.files) total += paddedSize(f.size);
  return total + 1024;
}

void BackupSnapshot::writeTo(std::ostream& out) const {
  TarWriter tar(out);
  const std::int64_t mtime = manifest_.createdAt;
  tar.addEntry(kManifestEntry, formatManifest(manifest_), mtime);
  tar.beginEntry(kDatabaseEntry, manifest_.databaseSize, mtime);
  std::string dbSha = copyHashing(databasePath_, manifest_.databaseSize, tar);
  tar.endEntry();
  std::string failure;
  if (dbSha != manifest_.databaseSha256) failure = "the database snapshot changed while it was copied";
  for (const auto& f : manifest_.files) {
    if (!failure.empty()) break;
    tar.beginEntry(std::string(kFilesPrefix) + f.sha256, f.size, mtime);
    std::string sha = copyHashing(filesDir_ + "/" + f.sha256, f.size, tar);
    tar.endEntry();
    if (sha != f.sha256) {
      failure = "file " + filesDir_ + "/" + f.sha256 + " does not match its SHA-256 (content " +
                sha + "): the data dir is damaged";
    }
  }
  if (!failure.empty()) {
    // Too late for an HTTP error status: the reader reports this entry instead.
    tar.addEntry(kErrorEntry, failure, mtime);
    out.flush();
    throw ArchiveError(failure);
  }
  tar.finish();
}

}  // namespace callpy::storage
