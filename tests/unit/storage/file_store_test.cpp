// FileStore: bytes named by SHA-256, written through a temp file and renamed into place.
#include "storage/file_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "temp_dir.h"

namespace callpy::storage {
namespace {

namespace fs = std::filesystem;

std::size_t entries(const fs::path& dir) {
  std::size_t n = 0;
  for (const auto& e : fs::directory_iterator(dir)) n += e.is_regular_file();
  return n;
}

TEST(FileStore, CommitNamesTheFileBySha256) {
  testing::TempDir dir;
  FileStore store(dir.path().string());
  auto w = store.create();
  w->write("hello ");
  w->write("world");
  EXPECT_EQ(w->size(), 11u);
  EXPECT_EQ(w->read(6, 100), "world");  // the sniffer reads the temp file before commit
  EXPECT_EQ(entries(dir.path() / "files"), 0u);  // nothing in place before commit
  auto sha = w->commit();
  EXPECT_EQ(sha, "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9");
  std::ifstream in(store.pathOf(sha));
  std::string back((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(back, "hello world");
  w.reset();
  EXPECT_EQ(entries(dir.path() / "files"), 1u);
  EXPECT_EQ(entries(dir.path() / "files" / "tmp"), 0u);
}

TEST(FileStore, SameContentIsKeptOnce) {
  testing::TempDir dir;
  FileStore store(dir.path().string());
  auto a = store.create();
  a->write("same");
  auto b = store.create();
  b->write("same");
  EXPECT_EQ(a->commit(), b->commit());
  a.reset();
  b.reset();
  EXPECT_EQ(entries(dir.path() / "files"), 1u);
  EXPECT_EQ(entries(dir.path() / "files" / "tmp"), 0u);
}

TEST(FileStore, AnAbandonedUploadLeavesNothing) {
  testing::TempDir dir;
  FileStore store(dir.path().string());
  {
    auto w = store.create();
    w->write("partial");
    EXPECT_EQ(entries(dir.path() / "files" / "tmp"), 1u);
  }
  EXPECT_EQ(entries(dir.path() / "files" / "tmp"), 0u);
  EXPECT_EQ(entries(dir.path() / "files"), 0u);
}

TEST(FileStore, TempFilesOfACrashedRunAreRemovedAtStart) {
  testing::TempDir dir;
  fs::create_directories(dir.path() / "files" / "tmp");
  std::ofstream(dir.path() / "files" / "tmp" / "upload-abc123") << "cut short";
  FileStore store(dir.path().string());
  EXPECT_EQ(entries(dir.path() / "files" / "tmp"), 0u);
}

TEST(FileStore, PathOfRefusesAnythingButAHash) {
  testing::TempDir dir;
  FileStore store(dir.path().string());
  EXPECT_EQ(store.pathOf("../../etc/passwd"), "");
  EXPECT_EQ(store.pathOf(std::string(64, 'A')), "");
  EXPECT_EQ(store.pathOf(std::string(64, 'a')), store.dir() + "/" + std::string(64, 'a'));
}

}  // namespace
}  // namespace callpy::storage
