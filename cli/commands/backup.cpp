// callpyctl backup FILE, callpyctl restore FILE --data-dir DIR.
//
// backup: the daemon takes the snapshot and streams the archive (it owns the data dir); we write
// it to FILE.partial-XXXXXX beside FILE, read it all back (readArchive: SHA-256 of every entry,
// integrity_check of the database copy), then link() it to FILE, which fails rather than
// replaces when FILE appeared meanwhile, and remove the temp name. FILE exists only when whole
// and verified.
//
// restore: local, with the daemon stopped. The data dir lock (storage/data_dir_lock.h) is what
// tells: callpyd holds an flock on <data_dir>/callpyd.lock for its whole life, so the check is
// about this very directory, works before the daemon listens, and cannot go stale after a crash.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <memory>

#include "client/download.h"
#include "commands/common.h"
#include "storage/backup_restore.h"
#include "storage/data_dir_lock.h"

namespace callpy::cli {

namespace fs = std::filesystem;

namespace {

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string humanBytes(std::uint64_t n) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(n);
  int unit = 0;
  while (value >= 1024 && unit < 4) {
    value /= 1024;
    ++unit;
  }
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, unit ? "%.1f %s" : "%.0f %s", value, units[unit]);
  return buffer;
}

std::string fixed(double seconds) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.2f s", seconds);
  return buffer;
}

// Removes a path on scope exit unless released.
struct Cleanup {
  std::string path;
  bool directory = false;
  ~Cleanup() {
    if (path.empty()) return;
    std::error_code ignored;
    directory ? (void)fs::remove_all(path, ignored) : (void)fs::remove(path, ignored);
  }
};

void syncFd(int fd, const std::string& what) {
  if (::fsync(fd) != 0) throw CommandError("cannot sync " + what + ": " + std::strerror(errno));
}

void syncDir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

Poco::JSON::Object::Ptr describe(const storage::BackupManifest& m) {
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
  o->set("schema_version", m.schemaVersion);
  o->set("producer", m.producer);
  o->set("created_at", m.createdAt);
  o->set("dialogs", m.dialogs);
  o->set("messages", m.messages);
  o->set("files", static_cast<Poco::UInt64>(m.files.size()));
  o->set("file_bytes", static_cast<Poco::UInt64>(m.fileBytes()));
  o->set("database_bytes", static_cast<Poco::UInt64>(m.databaseSize));
  return o;
}

int runBackup(Context& ctx, const std::string& file) {
  const auto started = std::chrono::steady_clock::now();
  if (fs::exists(fs::symlink_status(file))) {
    throw CommandError(file + " exists; refusing to overwrite it (choose a new name)");
  }
  const fs::path target = fs::absolute(file);
  const std::string dir = target.parent_path().string();
  if (!fs::is_directory(dir)) throw CommandError("directory " + dir + " does not exist");

  std::string temp = target.string() + ".partial-XXXXXX";
  int fd = ::mkostemp(temp.data(), O_CLOEXEC);
  if (fd < 0) throw CommandError("cannot create a file in " + dir + ": " + std::strerror(errno));
  Cleanup tempGuard{temp};
  ::fchmod(fd, 0600);  // a backup holds every conversation: not world-readable
  std::string transferError;
  Response response;
  try {
    response = downloadTo(ctx.client(), "/backup", fd, transferError);
    syncFd(fd, temp);
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
  if (!response.ok()) expectOk(response);  // throws ApiError with the daemon's message

  // Read back what landed on disk: the verification covers the transfer and the disk too.
  std::string scratch = (fs::path(dir) / ".callpy-verify-XXXXXX").string();
  if (::mkdtemp(scratch.data()) == nullptr) {
    throw CommandError("cannot create a scratch dir in " + dir + ": " + std::strerror(errno));
  }
  Cleanup scratchGuard{scratch, true};
  storage::BackupManifest m;
  try {
    m = storage::readArchive(temp, scratch, false);
  } catch (const storage::ArchiveError& e) {
    if (!transferError.empty()) throw CommandError("the transfer failed: " + transferError + " (" + e.what() + ")");
    throw CommandError(std::string("the backup failed verification: ") + e.what());
  }
  if (!transferError.empty()) throw CommandError("the transfer failed: " + transferError);

  if (::link(temp.c_str(), target.c_str()) != 0) {
    if (errno == EEXIST) throw CommandError(file + " appeared while the backup ran; refusing to overwrite it");
    throw CommandError("cannot create " + file + ": " + std::strerror(errno));
  }
  syncDir(dir);  // the new name is durable; the temp name goes with tempGuard
  const auto bytes = static_cast<std::uint64_t>(fs::file_size(target));
  const double seconds = secondsSince(started);

  auto answer = describe(m);
  answer->set("path", target.string());
  answer->set("bytes", static_cast<Poco::UInt64>(bytes));
  answer->set("seconds", seconds);
  answer->set("verified", true);
  ctx.emit(answer, [&](std::ostream& out) {
    out << "Backup written to " << target.string() << " (verified)\n";
    renderKeyValues(out, {{"size", humanBytes(bytes) + " (" + std::to_string(bytes) + " bytes)"},
                          {"schema version", std::to_string(m.schemaVersion)},
                          {"database", humanBytes(m.databaseSize)},
                          {"dialogs", std::to_string(m.dialogs)},
                          {"messages", std::to_string(m.messages)},
                          {"files", std::to_string(m.files.size()) + " (" + humanBytes(m.fileBytes()) + ")"},
                          {"time", fixed(seconds)}});
  });
  return kExitOk;
}

int runRestore(Context& ctx, const std::string& file, const std::string& dataDir) {
  const auto started = std::chrono::steady_clock::now();
  if (!fs::is_regular_file(file)) throw CommandError(file + ": no such backup file");
  storage::RestoreResult result;
  try {
    result = storage::restoreBackup(file, dataDir);
  } catch (const storage::DataDirBusyError& e) {
    throw CommandError(std::string("refusing to restore: ") + e.what() +
                       ". Stop callpyd first (systemctl stop callpyd), then run restore again.");
  } catch (const storage::ArchiveError& e) {
    throw CommandError(std::string("cannot restore ") + file + ": " + e.what() +
                       "; nothing was changed");
  }
  const double seconds = secondsSince(started);
  const auto& m = result.manifest;
  auto answer = describe(m);
  answer->set("data_dir", dataDir);
  answer->set("set_aside", result.setAside);
  answer->set("seconds", seconds);
  ctx.emit(answer, [&](std::ostream& out) {
    out << "Restored " << file << " into " << dataDir << '\n';
    renderKeyValues(out, {{"schema version", std::to_string(m.schemaVersion)},
                          {"dialogs", std::to_string(m.dialogs)},
                          {"messages", std::to_string(m.messages)},
                          {"files", std::to_string(m.files.size()) + " (" + humanBytes(m.fileBytes()) + ")"},
                          {"previous data", result.setAside.empty() ? "-" : result.setAside},
                          {"time", fixed(seconds)}});
    out << "Start callpyd now; it migrates an older schema at start.\n";
  });
  return kExitOk;
}

}  // namespace

void addBackupCommands(CLI::App& app, Context& ctx) {
  auto file = std::make_shared<std::string>();
  CLI::App* backup = addCommand(app, "backup", "Write an online, verified backup (database and files) to FILE");
  backup->add_option("FILE", *file, "Archive to create (a tar file; never overwritten)")->required();
  onRun(backup, ctx, [&ctx, file] { return runBackup(ctx, *file); });

  auto archive = std::make_shared<std::string>();
  auto dataDir = std::make_shared<std::string>();
  CLI::App* restore = addCommand(app, "restore", "Restore a backup into a data dir (callpyd stopped)");
  restore->add_option("FILE", *archive, "Archive written by callpyctl backup")->required();
  restore->add_option("--data-dir", *dataDir, "The daemon's data_dir, e.g. /var/lib/callpyd")->required();
  onRun(restore, ctx, [&ctx, archive, dataDir] { return runRestore(ctx, *archive, *dataDir); });
}

}  // namespace callpy::cli
