#pragma once
// Which avatar each operator has now (F6), read on every operator message that goes out (msg
// frames, resume, REST lists). A per-user cache in front of users.avatar_file_id so that this
// costs a map lookup, not a SQLite read, on the hot path. FileService is the only writer of
// avatars in the daemon and writes through this cache, so it never serves a stale id (a stale
// id would 404: /api/avatars/{id} serves only files that are someone's avatar now).
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "core/ports/file_store.h"

namespace callpy::core::files {

// The public URL path of an avatar, as msg frames and the REST API carry it.
std::string avatarPath(std::int64_t fileId);

class AvatarDirectory {
 public:
  explicit AvatarDirectory(ports::FileRepository& repo) : repo_(repo) {}

  // The user's avatar file id (nullopt: none). Thread-safe.
  std::optional<std::int64_t> avatarOf(std::int64_t userId);
  // Stores the user's avatar (nullopt removes it) and updates the cache.
  void set(std::int64_t userId, std::optional<std::int64_t> fileId);

 private:
  // Bounded: a deployment has at most a few thousand operators; past this the cache restarts.
  static constexpr std::size_t kMaxEntries = 65536;

  ports::FileRepository& repo_;
  std::mutex mutex_;
  std::unordered_map<std::int64_t, std::optional<std::int64_t>> cache_;
};

}  // namespace callpy::core::files
