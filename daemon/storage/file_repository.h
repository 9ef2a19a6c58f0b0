#pragma once
// SQLite implementation of core's FileRepository port: the `files` table, messages.file_id and
// users.avatar_file_id (migration 0004).
#include "core/ports/file_store.h"
#include "storage/database.h"

namespace callpy::storage {

class FileRepository : public core::ports::FileRepository {
 public:
  explicit FileRepository(Database& db) : db_(db) {}

  std::int64_t insertFile(const core::files::FileRecord& f) override;
  std::optional<core::files::FileRecord> file(std::int64_t id) override;
  bool inVisitorDialogs(std::int64_t fileId, std::int64_t visitorId) override;
  std::optional<std::int64_t> avatarOf(std::int64_t userId) override;
  void setAvatar(std::int64_t userId, std::optional<std::int64_t> fileId) override;
  bool isAvatar(std::int64_t fileId) override;

 private:
  Database& db_;
};

}  // namespace callpy::storage
