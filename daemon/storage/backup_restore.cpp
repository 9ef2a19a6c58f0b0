#include "storage/backup_restore.h"

#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "storage/connection.h"
#include "storage/data_dir_lock.h"
#include "storage/database.h"
#include "storage/migrations.h"

namespace callpy::storage {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kChunk = 1 << 16;
constexpr std::size_t kManifestLimit = 256u << 20;

void syncPath(const std::string& path, bool directory) {
  int fd = ::open(path.c_str(), (directory ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
  if (fd < 0) throw StorageError("cannot open " + path + " to sync it: " + std::strerror(errno));
  int rc = ::fsync(fd);
  int saved = errno;
  ::close(fd);
  if (rc != 0) throw StorageError("cannot sync " + path + ": " + std::strerror(saved));
}

// Copies the current entry to `target` (when not empty) and returns the SHA-256 of its bytes.
std::string drainEntry(TarReader& tar, const std::string& target) {
  std::ofstream out;
  if (!target.empty()) {
    out.open(target, std::ios::binary | std::ios::trunc);
    if (!out) throw StorageError("cannot create " + target + ": " + std::strerror(errno));
  }
  Poco::SHA2Engine sha(Poco::SHA2Engine::SHA_256);
  std::string buffer(kChunk, '\0');
  while (std::size_t n = tar.read(buffer.data(), buffer.size())) {
    sha.update(buffer.data(), static_cast<unsigned>(n));
    if (!target.empty() && !out.write(buffer.data(), static_cast<std::streamsize>(n))) {
      throw StorageError("cannot write " + target);
    }
  }
  if (!target.empty()) {
    out.close();
    if (!out) throw StorageError("cannot write " + target);
    syncPath(target, false);
  }
  return Poco::DigestEngine::digestToHex(sha.digest());
}

void checkDatabase(const std::string& path, int schemaVersion) {
  Connection c(path, Connection::Mode::ReadOnly);
  std::string result;
  Statement& s = c.prepare("PRAGMA integrity_check");
  while (s.step()) result += (result.empty() ? "" : "; ") + s.columnText(0);
  s.reset();
  if (result != "ok") throw ArchiveError("the database in the backup fails PRAGMA integrity_check: " + result);
  int version = userVersion(c);
  if (version != schemaVersion) {
    throw ArchiveError("the database in the backup has schema version " + std::to_string(version) +
                       ", the manifest says " + std::to_string(schemaVersion));
  }
}

[[noreturn]] void daemonFailed(TarReader& tar) {
  throw ArchiveError("callpyd could not complete this backup: " + tar.readAll(64 * 1024));
}

void moveIfExists(const fs::path& from, const fs::path& toDir, bool& madeDir) {
  if (!fs::exists(fs::symlink_status(from))) return;
  if (!madeDir) {
    fs::create_directory(toDir);
    madeDir = true;
  }
  fs::rename(from, toDir / from.filename());
}

void chownTree(const fs::path& root, uid_t uid, gid_t gid) {
  auto own = [&](const fs::path& p) {
    if (::lchown(p.c_str(), uid, gid) != 0) {
      throw StorageError("cannot chown " + p.string() + ": " + std::strerror(errno));
    }
  };
  own(root);
  if (fs::is_directory(root)) {
    for (const auto& e : fs::recursive_directory_iterator(root)) own(e.path());
  }
}

}  // namespace

BackupManifest readArchive(const std::string& archivePath, const std::string& dir, bool keepFiles) {
  std::ifstream in(archivePath, std::ios::binary);
  if (!in) throw ArchiveError("cannot open " + archivePath + ": " + std::strerror(errno));
  TarReader tar(in);
  TarEntry e;
  if (!tar.next(e)) throw ArchiveError(archivePath + " is an empty tar archive, not a Callpy backup");
  if (e.name == kErrorEntry) daemonFailed(tar);
  if (e.name != kManifestEntry) {
    throw ArchiveError(archivePath + " is not a Callpy backup (first entry \"" + e.name +
                       "\", expected " + std::string(kManifestEntry) + ")");
  }
  BackupManifest m = parseManifest(tar.readAll(kManifestLimit));
  if (m.schemaVersion > latestSchemaVersion()) {
    throw ArchiveError("the backup has schema version " + std::to_string(m.schemaVersion) +
                       " (made by " + m.producer + "), newer than this Callpy knows (" +
                       std::to_string(latestSchemaVersion()) +
                       "); restore it with that version of Callpy or newer");
  }

  if (!tar.next(e)) throw ArchiveError("the backup ends after its manifest (no database)");
  if (e.name == kErrorEntry) daemonFailed(tar);
  if (e.name != kDatabaseEntry) throw ArchiveError("expected the database entry, found \"" + e.name + "\"");
  if (e.size != m.databaseSize) throw ArchiveError("the database entry's size differs from the manifest");
  const std::string dbPath = dir + "/callpy.db";
  if (drainEntry(tar, dbPath) != m.databaseSha256) {
    throw ArchiveError("the database in the backup is corrupt (SHA-256 differs from the manifest)");
  }

  std::map<std::string, std::uint64_t> expected;
  for (const auto& f : m.files) expected[f.sha256] = f.size;
  if (expected.size() != m.files.size()) throw ArchiveError("the manifest lists a file twice");
  const std::string filesDir = dir + "/files";
  if (keepFiles) fs::create_directories(filesDir);
  std::set<std::string> seen;
  while (tar.next(e)) {
    if (e.name == kErrorEntry) daemonFailed(tar);
    std::string_view name = e.name;
    if (name.rfind(kFilesPrefix, 0) != 0) throw ArchiveError("unexpected entry \"" + e.name + "\" in the backup");
    std::string sha(name.substr(kFilesPrefix.size()));
    auto it = expected.find(sha);
    if (it == expected.end()) throw ArchiveError("entry " + e.name + " is not in the manifest");
    if (!seen.insert(sha).second) throw ArchiveError("entry " + e.name + " appears twice");
    if (e.size != it->second) throw ArchiveError("entry " + e.name + " has a size other than the manifest's");
    std::string actual = drainEntry(tar, keepFiles ? filesDir + "/" + sha : std::string());
    if (actual != sha) {
      // The daemon streams a file before it can know the bytes are bad; it then says why in an
      // ERROR entry right after, which is the better message.
      TarEntry following;
      bool daemonSaidWhy = false;
      try {
        daemonSaidWhy = tar.next(following) && following.name == kErrorEntry;
      } catch (const ArchiveError&) {
      }
      if (daemonSaidWhy) daemonFailed(tar);
      throw ArchiveError("file " + sha + " in the backup is corrupt (its content hashes to " + actual + ")");
    }
  }
  if (seen.size() != expected.size()) {
    throw ArchiveError("the backup lacks " + std::to_string(expected.size() - seen.size()) +
                       " of the " + std::to_string(expected.size()) + " files its manifest lists");
  }
  if (keepFiles) syncPath(filesDir, true);
  checkDatabase(dbPath, m.schemaVersion);
  return m;
}

RestoreResult restoreBackup(const std::string& archivePath, const std::string& dataDir) {
  fs::create_directories(dataDir);
  DataDirLock lock(dataDir);  // refuses while callpyd runs on this data dir

  std::string pattern = dataDir + "/.restore-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw StorageError("cannot create a staging dir in " + dataDir + ": " + std::strerror(errno));
  }
  const fs::path staging = pattern;
  RestoreResult result;
  try {
    result.manifest = readArchive(archivePath, staging.string(), true);
    fs::create_directories(staging / "files" / "tmp");

    const fs::path data = dataDir;
    const fs::path aside = data / ("pre-restore-" + std::to_string(static_cast<long long>(std::time(nullptr))));
    if (fs::exists(aside)) throw StorageError(aside.string() + " exists already; try again in a second");
    bool madeAside = false;
    for (const char* name : {"callpy.db", "callpy.db-wal", "callpy.db-shm", "files"}) {
      moveIfExists(data / name, aside, madeAside);
    }
    if (madeAside) result.setAside = aside.string();
    fs::rename(staging / "callpy.db", data / "callpy.db");
    fs::rename(staging / "files", data / "files");
    fs::remove_all(staging);
    struct stat st {};
    if (::geteuid() == 0 && ::stat(dataDir.c_str(), &st) == 0 && st.st_uid != 0) {
      // Restored by root into the daemon's StateDirectory: hand the files to its user.
      chownTree(data / "callpy.db", st.st_uid, st.st_gid);
      chownTree(data / "files", st.st_uid, st.st_gid);
    }
    syncPath(dataDir, true);
  } catch (...) {
    std::error_code ignored;
    fs::remove_all(staging, ignored);
    throw;
  }
  return result;
}

}  // namespace callpy::storage
