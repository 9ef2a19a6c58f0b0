#include "storage/file_repository.h"

namespace callpy::storage {

using core::files::FileRecord;

std::int64_t FileRepository::insertFile(const FileRecord& f) {
  return db_.writeSync([&](Connection& c) {
    auto& s = c.prepare(
        "INSERT INTO files (sha256, name, mime, size, site_id, uploader_kind, uploader_id, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    s.bind(1, f.sha256).bind(2, f.name).bind(3, f.mime).bind(4, f.size);
    if (f.siteId) s.bind(5, *f.siteId);
    else s.bindNull(5);
    s.bind(6, core::dialogs::authorKindName(f.uploaderKind)).bind(7, f.uploaderId)
        .bind(8, f.createdAt).run();
    return c.lastInsertRowId();
  });
}

std::optional<FileRecord> FileRepository::file(std::int64_t id) {
  return db_.read([&](Connection& c) -> std::optional<FileRecord> {
    auto& s = c.prepare(
        "SELECT id, sha256, name, mime, size, site_id, uploader_kind, uploader_id, created_at "
        "FROM files WHERE id = ?");
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    FileRecord f;
    f.id = s.columnInt64(0);
    f.sha256 = s.columnText(1);
    f.name = s.columnText(2);
    f.mime = s.columnText(3);
    f.size = s.columnInt64(4);
    f.siteId = s.columnOptionalText(5);
    f.uploaderKind = core::dialogs::parseAuthorKind(s.columnText(6))
                         .value_or(core::dialogs::AuthorKind::System);
    f.uploaderId = s.columnInt64(7);
    f.createdAt = s.columnInt64(8);
    return f;
  });
}

bool FileRepository::inVisitorDialogs(std::int64_t fileId, std::int64_t visitorId) {
  return db_.read([&](Connection& c) {
    auto& s = c.prepare(
        "SELECT 1 FROM messages m JOIN dialogs d ON d.id = m.dialog_id "
        "WHERE m.file_id = ? AND d.visitor_id = ? LIMIT 1");
    s.bind(1, fileId).bind(2, visitorId);
    return s.step();
  });
}

std::optional<std::int64_t> FileRepository::avatarOf(std::int64_t userId) {
  return db_.read([&](Connection& c) -> std::optional<std::int64_t> {
    auto& s = c.prepare("SELECT avatar_file_id FROM users WHERE id = ?");
    s.bind(1, userId);
    if (!s.step()) return std::nullopt;
    return s.columnOptionalInt64(0);
  });
}

void FileRepository::setAvatar(std::int64_t userId, std::optional<std::int64_t> fileId) {
  db_.writeSync([&](Connection& c) {
    auto& s = c.prepare("UPDATE users SET avatar_file_id = ? WHERE id = ?");
    if (fileId) s.bind(1, *fileId);
    else s.bindNull(1);
    s.bind(2, userId).run();
    return 0;
  });
}

bool FileRepository::isAvatar(std::int64_t fileId) {
  return db_.read([&](Connection& c) {
    auto& s = c.prepare("SELECT 1 FROM users WHERE avatar_file_id = ? LIMIT 1");
    s.bind(1, fileId);
    return s.step();
  });
}

}  // namespace callpy::storage
