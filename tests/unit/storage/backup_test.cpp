// Snapshot → archive → verify → restore against a real database and files dir: the archive
// holds exactly the files the snapshot refers to, damage on disk or in the archive is a clear
// error, restore sets the previous data aside, refuses while the data dir is locked (a running
// callpyd) and refuses a backup from a newer schema before writing anything.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "storage/backup_restore.h"
#include "storage/backup_snapshot.h"
#include "storage/data_dir_lock.h"
#include "storage/database.h"
#include "temp_dir.h"

namespace callpy::storage {
namespace {

namespace fs = std::filesystem;

std::string sha256Of(const std::string& bytes, const fs::path& scratch) {
  const auto p = scratch / "hash-me";
  std::ofstream(p, std::ios::binary) << bytes;
  auto sha = sha256OfFile(p.string());
  fs::remove(p);
  return sha;
}

void writeFile(const fs::path& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << bytes;
}

std::string readFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A data dir with a database holding two file rows (one blob shared by both) and an orphan blob
// that no row names (an upload whose row never committed).
struct DataDir {
  testing::TempDir tmp;
  fs::path dir = tmp.path() / "data";
  std::unique_ptr<Database> db;
  std::string shaA, shaB;

  DataDir() {
    fs::create_directories(dir / "files");
    DatabaseOptions o;
    o.path = (dir / "callpy.db").string();
    db = Database::open(o);
    shaA = sha256Of("first file", tmp.path());
    shaB = sha256Of(std::string(3000, 'b'), tmp.path());
    writeFile(dir / "files" / shaA, "first file");
    writeFile(dir / "files" / shaB, std::string(3000, 'b'));
    writeFile(dir / "files" / sha256Of("orphan", tmp.path()), "orphan");
    db->writeSync([&](Connection& c) {
      c.exec("INSERT INTO files (sha256, name, mime, size, uploader_kind, uploader_id, created_at) VALUES "
             "('" + shaA + "', 'a.txt', 'text/plain', 10, 'operator', 1, 1), "
             "('" + shaB + "', 'b.bin', 'application/octet-stream', 3000, 'operator', 1, 2), "
             "('" + shaA + "', 'again.txt', 'text/plain', 10, 'operator', 1, 3)");
      return 0;
    });
  }

  std::string backup(const std::string& name) {
    auto snapshot = BackupSnapshot::take(*db, dir.string(), "callpyd test");
    const auto path = (tmp.path() / name).string();
    std::ofstream out(path, std::ios::binary);
    snapshot->writeTo(out);
    out.close();
    EXPECT_EQ(fs::file_size(path), snapshot->archiveSize());
    return path;
  }
};

TEST(BackupTest, ArchiveHoldsTheDatabaseAndExactlyTheReferencedFiles) {
  DataDir d;
  const auto archive = d.backup("b.tar");
  const auto check = d.tmp.path() / "check";
  fs::create_directories(check);
  BackupManifest m = readArchive(archive, check.string(), true);
  EXPECT_EQ(m.schemaVersion, latestSchemaVersion());
  ASSERT_EQ(m.files.size(), 2u);  // the shared blob once, the orphan not at all
  EXPECT_EQ(m.fileBytes(), 3010u);
  EXPECT_EQ(readFile(check / "files" / d.shaA), "first file");
  EXPECT_EQ(readFile(check / "files" / d.shaB), std::string(3000, 'b'));
  EXPECT_EQ(std::distance(fs::directory_iterator(check / "files"), fs::directory_iterator()), 2);
  // The scratch copy in the data dir is gone once the snapshot is.
  for (const auto& e : fs::directory_iterator(d.dir)) {
    EXPECT_NE(e.path().filename().string().rfind("backup-", 0), 0u) << e.path();
  }
}

TEST(BackupTest, AFileDamagedOnDiskEndsTheArchiveWithTheReason) {
  DataDir d;
  writeFile(d.dir / "files" / d.shaB, std::string(2999, 'b') + "X");  // same size, other bytes
  auto snapshot = BackupSnapshot::take(*d.db, d.dir.string(), "callpyd test");
  const auto path = (d.tmp.path() / "bad.tar").string();
  {
    std::ofstream out(path, std::ios::binary);
    EXPECT_THROW(snapshot->writeTo(out), ArchiveError);
  }
  const auto check = d.tmp.path() / "check";
  fs::create_directories(check);
  try {
    readArchive(path, check.string(), false);
    FAIL() << "the damaged archive was accepted";
  } catch (const ArchiveError& e) {
    EXPECT_NE(std::string(e.what()).find("callpyd could not complete this backup"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("does not match its SHA-256"), std::string::npos) << e.what();
  }
}

TEST(BackupTest, AMissingFileFailsTheSnapshot) {
  DataDir d;
  fs::remove(d.dir / "files" / d.shaA);
  try {
    BackupSnapshot::take(*d.db, d.dir.string(), "callpyd test");
    FAIL() << "snapshot taken without a referenced file";
  } catch (const StorageError& e) {
    EXPECT_NE(std::string(e.what()).find("referenced by the database but missing"), std::string::npos);
  }
}

TEST(BackupTest, ACorruptArchiveIsRefusedBeforeAnythingIsReplaced) {
  DataDir d;
  const auto archive = d.backup("b.tar");
  std::string bytes = readFile(archive);
  // Flip a byte inside the last file's data: the entry's name no longer matches its content.
  bytes[bytes.size() - 1024 - 512 - 100] ^= 1;
  const auto bad = (d.tmp.path() / "corrupt.tar").string();
  writeFile(bad, bytes);
  const auto target = d.tmp.path() / "restored";
  fs::create_directories(target / "files");
  writeFile(target / "callpy.db", "previous");
  try {
    restoreBackup(bad, target.string());
    FAIL() << "a corrupt archive was restored";
  } catch (const ArchiveError& e) {
    EXPECT_NE(std::string(e.what()).find("is corrupt (its content hashes to"), std::string::npos) << e.what();
  }
  EXPECT_EQ(readFile(target / "callpy.db"), "previous");
  for (const auto& e : fs::directory_iterator(target)) {
    EXPECT_NE(e.path().filename().string().rfind(".restore-", 0), 0u) << "staging left behind";
  }
}

TEST(BackupTest, RestoreReplacesTheDataAndSetsThePreviousAside) {
  DataDir d;
  const auto archive = d.backup("b.tar");
  const auto target = d.tmp.path() / "restored";
  fs::create_directories(target / "files");
  writeFile(target / "callpy.db", "previous");
  writeFile(target / "files" / "old", "old");
  RestoreResult r = restoreBackup(archive, target.string());
  EXPECT_EQ(r.manifest.files.size(), 2u);
  ASSERT_FALSE(r.setAside.empty());
  EXPECT_EQ(readFile(fs::path(r.setAside) / "callpy.db"), "previous");
  EXPECT_EQ(readFile(fs::path(r.setAside) / "files" / "old"), "old");
  EXPECT_EQ(readFile(target / "files" / d.shaA), "first file");
  EXPECT_TRUE(fs::is_directory(target / "files" / "tmp"));
  // The restored database opens and has the rows.
  DatabaseOptions o;
  o.path = (target / "callpy.db").string();
  auto db = Database::open(o);
  EXPECT_EQ(db->read([](Connection& c) {
    Statement& s = c.prepare("SELECT count(*) FROM files");
    s.step();
    auto n = s.columnInt64(0);
    s.reset();
    return n;
  }), 3);
}

TEST(BackupTest, RestoreRefusesWhileTheDataDirIsLocked) {
  DataDir d;
  const auto archive = d.backup("b.tar");
  DataDirLock running(d.dir.string());  // what callpyd holds while it runs
  const auto before = readFile(d.dir / "callpy.db");
  try {
    restoreBackup(archive, d.dir.string());
    FAIL() << "restored under a running daemon";
  } catch (const DataDirBusyError& e) {
    EXPECT_EQ(e.pid(), static_cast<long>(::getpid()));
    EXPECT_NE(std::string(e.what()).find("is in use"), std::string::npos);
  }
  EXPECT_EQ(readFile(d.dir / "callpy.db"), before);
}

TEST(BackupTest, RestoreRefusesABackupFromANewerSchema) {
  testing::TempDir tmp;
  BackupManifest m;
  m.schemaVersion = latestSchemaVersion() + 1;
  m.producer = "callpyd 9.9";
  m.databaseSha256 = std::string(64, '0');
  const auto archive = tmp.file("future.tar");
  {
    std::ofstream out(archive, std::ios::binary);
    TarWriter tar(out);
    tar.addEntry(kManifestEntry, formatManifest(m), 0);
    tar.addEntry(kDatabaseEntry, "", 0);
    tar.finish();
  }
  const auto target = tmp.path() / "data";
  try {
    restoreBackup(archive, target.string());
    FAIL() << "a newer schema was restored";
  } catch (const ArchiveError& e) {
    EXPECT_NE(std::string(e.what()).find("newer than this Callpy knows"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(target / "callpy.db"));
}

TEST(BackupTest, ScratchDirsLeftByAKilledBackupAreRemovedAtStart) {
  testing::TempDir tmp;
  const auto data = tmp.path();
  fs::create_directories(data / "backup-a1B2c3");
  writeFile(data / "backup-a1B2c3" / "callpy.db", "half a copy");
  fs::create_directories(data / "backup-notes");  // not a scratch name: kept
  writeFile(data / "backup-zz9999", "a file, not a scratch dir");
  fs::create_directories(data / "files");

  BackupSnapshot::removeLeftovers(data.string());

  EXPECT_FALSE(fs::exists(data / "backup-a1B2c3"));
  EXPECT_TRUE(fs::exists(data / "backup-notes"));
  EXPECT_TRUE(fs::exists(data / "backup-zz9999"));
  EXPECT_TRUE(fs::exists(data / "files"));
}

}  // namespace
}  // namespace callpy::storage
