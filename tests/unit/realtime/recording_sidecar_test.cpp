// The call recording's sidecar (recording_sidecar.h): what a restart needs to post a recording.
#include "realtime/recording_sidecar.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/common/error.h"

namespace callpy::realtime {
namespace {

namespace fs = std::filesystem;

RecordingSidecar sample() {
  return {"0123456789abcdef0123456789abcdef-2", "0123456789abcdef0123456789abcdef", "main", 42, 7, 3,
          1'790'000'000'123};
}

std::string errorOf(const std::string& text) {
  try {
    decodeSidecar(text);
  } catch (const SidecarError& e) {
    return e.what();
  }
  return "";
}

TEST(RecordingSidecar, WritesAtomicallyAndReadsBack) {
  const fs::path dir = fs::temp_directory_path() / ("callpy-sidecar-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const auto path = (dir / "rec.json").string();
  writeSidecar(path, sample());
  // Only the sidecar itself: the temporary name was renamed away.
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  EXPECT_EQ(names, std::vector<std::string>{"rec.json"});
  EXPECT_EQ(fs::status(path).permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write);
  const auto s = readSidecar(path);
  EXPECT_EQ(s.id, "0123456789abcdef0123456789abcdef-2");
  EXPECT_EQ(s.callId, "0123456789abcdef0123456789abcdef");
  EXPECT_EQ(s.siteId, "main");
  EXPECT_EQ(s.dialogId, 42);
  EXPECT_EQ(s.visitorId, 7);
  EXPECT_EQ(s.userId, 3);
  EXPECT_EQ(s.startedMs, 1'790'000'000'123);
  // Overwriting replaces it whole.
  auto other = sample();
  other.userId = 9;
  writeSidecar(path, other);
  EXPECT_EQ(readSidecar(path).userId, 9);
  fs::remove_all(dir);
  EXPECT_THROW(readSidecar(path), SidecarError);
}

TEST(RecordingSidecar, RejectsBadOrTruncatedJsonWithAClearError) {
  const auto good = encodeSidecar(sample());
  EXPECT_EQ(decodeSidecar(good).dialogId, 42);
  EXPECT_NE(errorOf(good.substr(0, good.size() / 2)).find("not a JSON object"), std::string::npos);
  EXPECT_NE(errorOf("").find("not a JSON object"), std::string::npos);
  EXPECT_NE(errorOf("[1,2]").find("not a JSON object"), std::string::npos);
  EXPECT_NE(errorOf(std::string(5000, ' ') + good).find("too large"), std::string::npos);
  auto without = [&](const std::string& key) {
    auto text = good;
    const auto at = text.find("\"" + key + "\"");
    text.replace(at, key.size() + 2, "\"x" + key + "\"");
    return text;
  };
  EXPECT_EQ(errorOf(without("userId")), "recording sidecar: \"userId\" missing or not an integer");
  EXPECT_EQ(errorOf(without("siteId")), "recording sidecar: \"siteId\" missing or not a string");
  EXPECT_EQ(errorOf(without("version")), "recording sidecar: \"version\" missing or not an integer");
}

TEST(RecordingSidecar, RejectsIdsThatCouldLeaveTheDirectory) {
  auto s = sample();
  s.id = "../../etc/passwd";
  EXPECT_EQ(errorOf(encodeSidecar(s)), "recording sidecar: bad \"id\"");
  s = sample();
  s.id = "other-call-1";  // must be the call's own part
  EXPECT_EQ(errorOf(encodeSidecar(s)), "recording sidecar: bad \"callId\"");
  s = sample();
  s.dialogId = 0;
  EXPECT_EQ(errorOf(encodeSidecar(s)), "recording sidecar: bad dialog, user, visitor or start time");
  s = sample();
  s.siteId = "";
  EXPECT_EQ(errorOf(encodeSidecar(s)), "recording sidecar: empty \"siteId\"");
  auto text = encodeSidecar(sample());
  text.replace(text.find("\"version\":1"), 11, "\"version\":2");
  EXPECT_EQ(errorOf(text), "recording sidecar: unknown version");
}

TEST(RecordingSidecar, CarriesTheStoredFilesIdOnceStored) {
  // Not stored yet: no "fileId" at all, read back as 0.
  const auto fresh = encodeSidecar(sample());
  EXPECT_EQ(fresh.find("fileId"), std::string::npos);
  EXPECT_EQ(decodeSidecar(fresh).fileId, 0);
  auto stored = sample();
  stored.fileId = 314;
  const auto text = encodeSidecar(stored);
  EXPECT_EQ(decodeSidecar(text).fileId, 314);
  EXPECT_EQ(decodeSidecar(text).id, sample().id);
  // A file id that names no file is an invalid sidecar, not "not stored" (that would post twice).
  auto bad = text;
  bad.replace(bad.find("314"), 3, "-1");
  EXPECT_NE(errorOf(bad).find("fileId"), std::string::npos);
  bad = text;
  bad.replace(bad.find("314"), 3, "\"x\"");
  EXPECT_NE(errorOf(bad).find("fileId"), std::string::npos);
}

}  // namespace
}  // namespace callpy::realtime

namespace callpy::realtime {
namespace {

// Recovery deletes a leftover recording's media only when the answer is final: the dialog or
// the operator is gone or no longer theirs. A passing failure (the database, say) keeps it.
TEST(RecordingRecovery, DiscardsOnlyWhenTheDialogOrOperatorIsGone) {
  EXPECT_TRUE(recoveryMayDiscard(core::notFound("no such dialog")));
  EXPECT_TRUE(recoveryMayDiscard(core::forbidden("not your dialog")));
  EXPECT_FALSE(recoveryMayDiscard(core::Error(core::ErrorCode::Unavailable, "database is locked")));
  EXPECT_FALSE(recoveryMayDiscard(core::Error(core::ErrorCode::Internal, "disk I/O error")));
  EXPECT_FALSE(recoveryMayDiscard(std::runtime_error("SQLite: database disk image is malformed")));
}

}  // namespace
}  // namespace callpy::realtime
