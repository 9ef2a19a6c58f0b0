// The backup archive codec: ustar entries round-trip, headers are checked, damage and truncation
// are clear errors, and the manifest parses back exactly and rejects what it does not know.
#include "storage/backup_archive.h"

#include <gtest/gtest.h>

#include <sstream>

namespace callpy::storage {
namespace {

std::string archiveOf(const std::vector<std::pair<std::string, std::string>>& entries, bool finish = true) {
  std::ostringstream out;
  TarWriter tar(out);
  for (const auto& [name, data] : entries) tar.addEntry(name, data, 1700000000);
  if (finish) tar.finish();
  EXPECT_EQ(tar.bytesWritten(), out.str().size());
  return out.str();
}

std::vector<std::pair<std::string, std::string>> readAll(const std::string& bytes) {
  std::istringstream in(bytes);
  TarReader tar(in);
  std::vector<std::pair<std::string, std::string>> out;
  TarEntry e;
  while (tar.next(e)) out.emplace_back(e.name, tar.readAll(1 << 20));
  return out;
}

std::string errorOf(const std::string& bytes) {
  try {
    readAll(bytes);
  } catch (const ArchiveError& e) {
    return e.what();
  }
  return "no error";
}

TEST(TarTest, EntriesRoundTripWithAnySize) {
  const std::string longName = "callpy-backup/files/" + std::string(64, 'a') + "/" + std::string(40, 'b');
  std::vector<std::pair<std::string, std::string>> entries = {
      {"callpy-backup/MANIFEST", "x"},
      {"empty", ""},
      {"exactly-one-block", std::string(512, 'z')},
      {"odd", std::string(1000, '\x01') + std::string("\0tail", 5)},
      {longName, "prefix and name"},
  };
  const std::string bytes = archiveOf(entries);
  EXPECT_EQ(bytes.size() % 512, 0u);
  EXPECT_EQ(readAll(bytes), entries);
}

TEST(TarTest, SkipsUnreadDataOfAnEntry) {
  const std::string bytes = archiveOf({{"a", std::string(700, 'a')}, {"b", "bee"}});
  std::istringstream in(bytes);
  TarReader tar(in);
  TarEntry e;
  ASSERT_TRUE(tar.next(e));
  char c;
  EXPECT_EQ(tar.read(&c, 1), 1u);
  ASSERT_TRUE(tar.next(e));
  EXPECT_EQ(e.name, "b");
  EXPECT_EQ(tar.readAll(10), "bee");
  EXPECT_FALSE(tar.next(e));
}

TEST(TarTest, LargeSizesUseBase256) {
  std::ostringstream out;
  TarWriter tar(out);
  const std::uint64_t huge = (std::uint64_t{1} << 33) + 5;  // past ustar's 11 octal digits
  tar.beginEntry("big", huge, 0);
  const std::string header = out.str();
  ASSERT_EQ(header.size(), 512u);
  EXPECT_EQ(static_cast<unsigned char>(header[124]), 0x80);
  std::istringstream in(header);
  TarReader reader(in);
  TarEntry e;
  ASSERT_TRUE(reader.next(e));
  EXPECT_EQ(e.size, huge);
  EXPECT_THROW(tar.endEntry(), ArchiveError);  // short of the announced size
}

TEST(TarTest, WriterRefusesMoreThanAnnounced) {
  std::ostringstream out;
  TarWriter tar(out);
  tar.beginEntry("a", 2, 0);
  EXPECT_THROW(tar.write("abc", 3), ArchiveError);
}

TEST(TarTest, DamagedHeaderTruncationAndForeignBytesAreClearErrors) {
  const std::string good = archiveOf({{"a", "hello"}, {"b", std::string(600, 'b')}});

  std::string flipped = good;
  flipped[1024] ^= 0x20;  // entry b's header (after a's header and its one data block): "b" → "B"
  EXPECT_NE(errorOf(flipped).find("checksum"), std::string::npos) << errorOf(flipped);

  EXPECT_NE(errorOf(good.substr(0, good.size() - 1024)).find("truncated"), std::string::npos);
  EXPECT_NE(errorOf(good.substr(0, 512 + 100)).find("truncated"), std::string::npos);
  EXPECT_NE(errorOf(std::string(1024, 'x')).find("not a tar archive"), std::string::npos);
  EXPECT_NE(errorOf("").find("truncated"), std::string::npos);
}

BackupManifest sample() {
  BackupManifest m;
  m.schemaVersion = 4;
  m.createdAt = 1700000000;
  m.producer = "callpyd 0.1.0";
  m.dialogs = 3;
  m.messages = 42;
  m.databaseSize = 8192;
  m.databaseSha256 = std::string(64, 'a');
  m.files = {{std::string(64, 'b'), 10}, {std::string(64, 'c'), 20}};
  return m;
}

TEST(ManifestTest, RoundTrips) {
  const BackupManifest m = sample();
  const BackupManifest back = parseManifest(formatManifest(m));
  EXPECT_EQ(back.schemaVersion, 4);
  EXPECT_EQ(back.createdAt, 1700000000);
  EXPECT_EQ(back.producer, "callpyd 0.1.0");
  EXPECT_EQ(back.dialogs, 3);
  EXPECT_EQ(back.messages, 42);
  EXPECT_EQ(back.databaseSize, 8192u);
  EXPECT_EQ(back.databaseSha256, m.databaseSha256);
  ASSERT_EQ(back.files.size(), 2u);
  EXPECT_EQ(back.files[1].sha256, std::string(64, 'c'));
  EXPECT_EQ(back.files[1].size, 20u);
  EXPECT_EQ(back.fileBytes(), 30u);
}

TEST(ManifestTest, RejectsWhatItDoesNotKnow) {
  const std::string good = formatManifest(sample());
  auto errorOf = [](const std::string& text) -> std::string {
    try {
      parseManifest(text);
    } catch (const ArchiveError& e) {
      return e.what();
    }
    return "no error";
  };
  EXPECT_NE(errorOf("hello\n").find("not a Callpy backup"), std::string::npos);
  EXPECT_NE(errorOf("callpy-backup 2\nend\n").find("format 2 is not supported"), std::string::npos);
  EXPECT_NE(errorOf(good.substr(0, good.size() - 4)).find("truncated"), std::string::npos);
  std::string badSha = good;
  badSha.replace(badSha.find(std::string(64, 'b')), 1, "X");
  EXPECT_NE(errorOf(badSha).find("expected \"file <sha256> <size>\""), std::string::npos);
  std::string unknown = good;
  unknown.insert(unknown.find("end\n"), "colour blue\n");
  EXPECT_NE(errorOf(unknown).find("unknown key \"colour\""), std::string::npos);
  EXPECT_NE(errorOf("callpy-backup 1\nend\n").find("names no database"), std::string::npos);
}

}  // namespace
}  // namespace callpy::storage
