#include "core/files/avatar_directory.h"

namespace callpy::core::files {

std::string avatarPath(std::int64_t fileId) { return "/api/avatars/" + std::to_string(fileId); }

std::optional<std::int64_t> AvatarDirectory::avatarOf(std::int64_t userId) {
  {
    std::lock_guard lock(mutex_);
    if (auto it = cache_.find(userId); it != cache_.end()) return it->second;
  }
  // Read outside the lock: a slow read must not stall other operators' messages. A concurrent
  // set() wins: emplace does not overwrite what it stored meanwhile.
  auto id = repo_.avatarOf(userId);
  std::lock_guard lock(mutex_);
  if (cache_.size() >= kMaxEntries) cache_.clear();
  return cache_.emplace(userId, id).first->second;
}

void AvatarDirectory::set(std::int64_t userId, std::optional<std::int64_t> fileId) {
  std::lock_guard lock(mutex_);
  repo_.setAvatar(userId, fileId);
  if (cache_.size() >= kMaxEntries) cache_.clear();
  cache_[userId] = fileId;
}

}  // namespace callpy::core::files
