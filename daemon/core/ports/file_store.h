#pragma once
// What the files service (F16, F6) needs from its adapters: the bytes on disk (FileBlobs) and
// the metadata in the database (FileRepository).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/files/content_type.h"
#include "core/files/types.h"

namespace callpy::core::ports {

// An upload being received: a temp file that becomes <files>/<sha256> on commit. Destroying an
// uncommitted writer removes the temp file.
class BlobWriter : public files::ByteSource {
 public:
  virtual void write(std::string_view bytes) = 0;
  // Flushes to disk (fsync), then renames into place under the content's SHA-256; identical
  // content already stored is kept once. Returns the SHA-256 as lower-case hex.
  virtual std::string commit() = 0;
};

class FileBlobs {
 public:
  virtual ~FileBlobs() = default;
  virtual std::unique_ptr<BlobWriter> create() = 0;
  // Where the bytes of a committed blob are ("" for a malformed hash).
  virtual std::string pathOf(const std::string& sha256) const = 0;
};

class FileRepository {
 public:
  virtual ~FileRepository() = default;
  // Durable once it returns; the record's id is ignored and the new one returned.
  virtual std::int64_t insertFile(const files::FileRecord& f) = 0;
  virtual std::optional<files::FileRecord> file(std::int64_t id) = 0;
  // Whether a message in one of the visitor's dialogs carries the file.
  virtual bool inVisitorDialogs(std::int64_t fileId, std::int64_t visitorId) = 0;
  // F6: the user's avatar (nullopt: none); setting nullopt removes it.
  virtual std::optional<std::int64_t> avatarOf(std::int64_t userId) = 0;
  virtual void setAvatar(std::int64_t userId, std::optional<std::int64_t> fileId) = 0;
  // Whether some user has this file as their avatar (avatars are public).
  virtual bool isAvatar(std::int64_t fileId) = 0;
};

}  // namespace callpy::core::ports
