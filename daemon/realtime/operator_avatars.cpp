// F6: operators' avatars on the messages they write (msg frames, resume). FileService keeps a
// per-user cache of the avatar ids, so this is a map lookup per message, not a database read.
#include "core/files/file_service.h"
#include "realtime/chat_gateway.h"

namespace callpy::realtime {

std::optional<std::int64_t> ChatGateway::authorAvatar(const core::dialogs::Message& m) {
  if (!files_ || m.authorKind != core::dialogs::AuthorKind::Operator || m.authorId <= 0) {
    return std::nullopt;
  }
  return files_->avatarOf(m.authorId);
}

std::optional<std::int64_t> ChatGateway::operatorAvatar(std::int64_t userId) {
  if (!files_ || userId <= 0) return std::nullopt;
  return files_->avatarOf(userId);
}

}  // namespace callpy::realtime
