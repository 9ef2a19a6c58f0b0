// AvatarDirectory: operators' avatar ids are read once per user and then served from memory;
// writes go through to the repository and the cache, so a replaced or removed avatar is never
// served stale (the old URL would 404).
#include "core/files/avatar_directory.h"

#include <gtest/gtest.h>

#include <map>

namespace callpy::core::files {
namespace {

class CountingRepository : public ports::FileRepository {
 public:
  std::map<std::int64_t, std::int64_t> avatars;
  int reads = 0;
  int writes = 0;

  std::int64_t insertFile(const FileRecord&) override { return 0; }
  std::optional<FileRecord> file(std::int64_t) override { return std::nullopt; }
  bool inVisitorDialogs(std::int64_t, std::int64_t) override { return false; }
  std::optional<std::int64_t> avatarOf(std::int64_t userId) override {
    ++reads;
    auto it = avatars.find(userId);
    return it == avatars.end() ? std::nullopt : std::optional<std::int64_t>(it->second);
  }
  void setAvatar(std::int64_t userId, std::optional<std::int64_t> fileId) override {
    ++writes;
    if (fileId)
      avatars[userId] = *fileId;
    else
      avatars.erase(userId);
  }
  bool isAvatar(std::int64_t) override { return false; }
};

TEST(AvatarDirectory, ReadsEachUserOnceThenFromMemory) {
  CountingRepository repo;
  repo.avatars[10] = 7;
  AvatarDirectory dir(repo);
  EXPECT_EQ(dir.avatarOf(10), 7);
  EXPECT_EQ(dir.avatarOf(10), 7);
  EXPECT_EQ(repo.reads, 1);
  // "No avatar" is cached too: operators without one are the common case.
  EXPECT_FALSE(dir.avatarOf(11));
  EXPECT_FALSE(dir.avatarOf(11));
  EXPECT_EQ(repo.reads, 2);
}

TEST(AvatarDirectory, ReplacingAndRemovingUpdateTheCacheAndTheStore) {
  CountingRepository repo;
  repo.avatars[10] = 7;
  AvatarDirectory dir(repo);
  EXPECT_EQ(dir.avatarOf(10), 7);
  dir.set(10, 8);
  EXPECT_EQ(repo.avatars[10], 8);
  EXPECT_EQ(dir.avatarOf(10), 8);
  dir.set(10, std::nullopt);
  EXPECT_EQ(repo.avatars.count(10), 0u);
  EXPECT_FALSE(dir.avatarOf(10));
  // A user never read before: set() alone makes it known.
  dir.set(12, 9);
  EXPECT_EQ(dir.avatarOf(12), 9);
  EXPECT_EQ(repo.reads, 1);
  EXPECT_EQ(repo.writes, 3);
}

TEST(AvatarDirectory, PathNamesTheFile) { EXPECT_EQ(avatarPath(42), "/api/avatars/42"); }

}  // namespace
}  // namespace callpy::core::files
