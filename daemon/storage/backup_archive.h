#pragma once
// The backup archive: one POSIX ustar file, readable with tar(1), written and read by our own
// small codec (no libarchive dependency for 200 lines of format). Entries, in this order:
//
//   callpy-backup/MANIFEST            text, see formatManifest()
//   callpy-backup/callpy.db           the VACUUM INTO snapshot
//   callpy-backup/files/<sha256>      every file the snapshot refers to, named by its SHA-256
//
// followed by tar's end marker (two zero blocks). When the daemon fails half-way through a
// stream it cannot change the HTTP status any more, so it writes callpy-backup/ERROR with the
// reason instead of the end marker; readers turn that into an error with the daemon's message.
// Tar carries no data checksums, so the manifest holds the database's SHA-256 and the files are
// named by theirs: every byte of the archive is verifiable.
#include <cstdint>
#include <istream>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "storage/errors.h"

namespace callpy::storage {

// A malformed, truncated or corrupt archive, or one this binary cannot restore.
class ArchiveError : public StorageError {
 public:
  using StorageError::StorageError;
};

inline constexpr std::string_view kArchiveRoot = "callpy-backup/";
inline constexpr std::string_view kManifestEntry = "callpy-backup/MANIFEST";
inline constexpr std::string_view kDatabaseEntry = "callpy-backup/callpy.db";
inline constexpr std::string_view kFilesPrefix = "callpy-backup/files/";
inline constexpr std::string_view kErrorEntry = "callpy-backup/ERROR";
inline constexpr int kArchiveFormat = 1;

struct BackupFile {
  std::string sha256;  // lowercase hex, 64 characters
  std::uint64_t size = 0;
};

struct BackupManifest {
  int format = kArchiveFormat;
  int schemaVersion = 0;
  std::int64_t createdAt = 0;  // Unix seconds
  std::string producer;        // "callpyd 0.1.0"
  std::int64_t dialogs = 0;
  std::int64_t messages = 0;
  std::uint64_t databaseSize = 0;
  std::string databaseSha256;
  std::vector<BackupFile> files;

  std::uint64_t fileBytes() const;
};

// "callpy-backup 1\nschema_version 4\n...\nfile <sha256> <size>\n": line-based, so the manifest
// needs no JSON library in the CLI and stays readable with `tar xOf ... MANIFEST`.
std::string formatManifest(const BackupManifest& m);
// Throws ArchiveError naming the bad line.
BackupManifest parseManifest(std::string_view text);

bool isSha256Hex(std::string_view s);

// Writes ustar entries to a stream. Sizes of 8 GiB and more use the GNU base-256 size field.
class TarWriter {
 public:
  explicit TarWriter(std::ostream& out) : out_(out) {}
  void beginEntry(std::string_view name, std::uint64_t size, std::int64_t mtime);
  void write(const char* data, std::size_t n);  // throws when past the announced size
  void endEntry();                              // throws when short of it; pads to 512
  void addEntry(std::string_view name, std::string_view data, std::int64_t mtime);
  void finish();  // the end marker
  std::uint64_t bytesWritten() const { return written_; }

 private:
  void put(const char* data, std::size_t n);
  std::ostream& out_;
  std::uint64_t remaining_ = 0;
  std::uint64_t entrySize_ = 0;
  bool inEntry_ = false;
  std::uint64_t written_ = 0;
};

struct TarEntry {
  std::string name;
  std::uint64_t size = 0;
  char type = '0';
};

// Reads ustar entries; checks every header's checksum and that no entry is cut short.
class TarReader {
 public:
  explicit TarReader(std::istream& in) : in_(in) {}
  // The next entry's header (skipping what is left of the current one); false at the end
  // marker. Throws ArchiveError on a bad header or an archive that ends without the marker.
  bool next(TarEntry& entry);
  // Up to `n` bytes of the current entry; 0 at its end. Throws ArchiveError when the stream ends
  // early.
  std::size_t read(char* buffer, std::size_t n);
  std::string readAll(std::size_t limit);  // throws ArchiveError when the entry is larger

 private:
  void skipRest();
  std::istream& in_;
  std::uint64_t remaining_ = 0;
  std::uint64_t padding_ = 0;
  bool started_ = false;
};

}  // namespace callpy::storage
