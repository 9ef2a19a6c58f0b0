// FileService over the real adapters (SQLite, files on disk): uploads with the size cap and
// content check, dedupe by content, who may download and attach what, avatars.
#include "core/files/file_service.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/common/error.h"
#include "samples.h"
#include "storage/database.h"
#include "storage/file_repository.h"
#include "storage/file_store.h"
#include "../../storage/temp_dir.h"

namespace callpy::core::files {
namespace {

using dialogs::VisitorRef;
namespace fs = std::filesystem;

accounts::Principal operatorOf(std::int64_t id, const std::string& site, bool disabled = false) {
  accounts::Principal p;
  p.user = accounts::User{id, "op" + std::to_string(id) + "@example.com", "Op", "ru", {}};
  p.memberships.push_back({site, site, accounts::Role::Operator, disabled, false});
  return p;
}

ErrorCode codeOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code();
  }
  ADD_FAILURE() << "no error";
  return ErrorCode::Internal;
}

class FileServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    storage::DatabaseOptions o;
    o.path = dir_.file("callpy.db");
    db_ = storage::Database::open(o);
    db_->writeSync([](storage::Connection& c) {
      c.exec(
          "INSERT INTO sites (id, name, widget_key, created_at) VALUES ('shop', 'Shop', 'k1', 1),"
          " ('other', 'Other', 'k2', 1);"
          "INSERT INTO users (id, email, created_at) VALUES (10, 'a@x', 1), (11, 'b@x', 1);"
          "INSERT INTO visitors (id, site_id, token_hash, created_at, last_seen_at) "
          "VALUES (1, 'shop', 'h1', 1, 1), (2, 'shop', 'h2', 1, 1);"
          "INSERT INTO dialogs (id, site_id, visitor_id, created_at, last_message_at) "
          "VALUES (1, 'shop', 1, 1, 1), (2, 'shop', 2, 1, 1);");
    });
    store_ = std::make_unique<storage::FileStore>(dir_.path().string());
    repo_ = std::make_unique<storage::FileRepository>(*db_);
    service_ = std::make_unique<FileService>(*store_, *repo_, [] { return 1000; }, 4096);
  }

  FileRecord upload(const dialogs::Actor& who, const std::string& name, const std::string& bytes,
                    std::optional<std::int64_t> declared = std::nullopt) {
    std::istringstream in(bytes);
    return service_->upload(who, "shop", name, in, declared);
  }

  void postInDialog(std::int64_t dialog, std::int64_t fileId) {
    db_->writeSync([&](storage::Connection& c) {
      c.prepare("INSERT INTO messages (dialog_id, seq, author_kind, author_id, kind, body, "
                "created_at, file_id) VALUES (?, 1, 'visitor', 1, 'file', 'x', 1, ?)")
          .bind(1, dialog).bind(2, fileId).run();
      return 0;
    });
  }

  std::size_t storedFiles() {
    std::size_t n = 0;
    for (const auto& e : fs::directory_iterator(dir_.path() / "files")) n += e.is_regular_file();
    return n;
  }

  storage::testing::TempDir dir_;
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<storage::FileStore> store_;
  std::unique_ptr<storage::FileRepository> repo_;
  std::unique_ptr<FileService> service_;
};

TEST_F(FileServiceTest, StoresTheBytesUnderTheirSha256WithTheDetectedType) {
  const auto png = samples::png();
  auto f = upload(VisitorRef{1, "shop"}, "C:\\Users\\me\\shot.PNG", png);
  EXPECT_GT(f.id, 0);
  EXPECT_EQ(f.name, "shot.PNG");
  EXPECT_EQ(f.mime, "image/png");
  EXPECT_EQ(f.size, static_cast<std::int64_t>(png.size()));
  EXPECT_EQ(f.sha256.size(), 64u);
  std::ifstream in(service_->pathOf(f), std::ios::binary);
  std::string back((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(back, png);
  auto again = repo_->file(f.id);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->siteId, "shop");
  EXPECT_EQ(again->uploaderKind, dialogs::AuthorKind::Visitor);
  EXPECT_EQ(again->createdAt, 1000);
}

TEST_F(FileServiceTest, IdenticalContentIsStoredOnce) {
  auto a = upload(VisitorRef{1, "shop"}, "a.pdf", samples::pdf());
  auto b = upload(operatorOf(10, "shop"), "copy.pdf", samples::pdf());
  EXPECT_NE(a.id, b.id);
  EXPECT_EQ(a.sha256, b.sha256);
  upload(VisitorRef{1, "shop"}, "b.txt", samples::text());
  EXPECT_EQ(storedFiles(), 2u);
  EXPECT_TRUE(fs::is_empty(dir_.path() / "files" / "tmp"));  // no temp file left behind
}

TEST_F(FileServiceTest, TheSizeCapHoldsWhileReadingAndLeavesNothingBehind) {
  const std::string big = samples::text() + std::string(5000, 'a');
  EXPECT_EQ(codeOf([&] { upload(VisitorRef{1, "shop"}, "big.txt", big); }), ErrorCode::TooLarge);
  // A declared size over the cap fails before reading.
  EXPECT_EQ(codeOf([&] { upload(VisitorRef{1, "shop"}, "x.txt", "hi", 5000); }), ErrorCode::TooLarge);
  try {
    upload(VisitorRef{1, "shop"}, "big.txt", big);
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "the file is larger than the limit of 4 KiB");
  }
  EXPECT_EQ(storedFiles(), 0u);
  EXPECT_TRUE(fs::is_empty(dir_.path() / "files" / "tmp"));
  // Exactly at the cap is fine.
  EXPECT_NO_THROW(upload(VisitorRef{1, "shop"}, "edge.txt", std::string(4096, 'z')));
}

TEST_F(FileServiceTest, RefusesBadTypesNamesAndShortBodies) {
  EXPECT_EQ(codeOf([&] { upload(VisitorRef{1, "shop"}, "cat.png", samples::exe()); }), ErrorCode::Invalid);
  EXPECT_EQ(codeOf([&] { upload(VisitorRef{1, "shop"}, "", samples::png()); }), ErrorCode::Invalid);
  EXPECT_EQ(codeOf([&] { upload(VisitorRef{1, "shop"}, "a\nb.png", samples::png()); }), ErrorCode::Invalid);
  EXPECT_EQ(codeOf([&] { upload(VisitorRef{1, "shop"}, "a.png", samples::png(), 999); }), ErrorCode::Invalid);
  EXPECT_EQ(storedFiles(), 0u);
}

TEST_F(FileServiceTest, UploadsOnlyToSitesTheUploaderBelongsTo) {
  std::istringstream in(samples::png());
  EXPECT_EQ(codeOf([&] { service_->upload(operatorOf(10, "other"), "shop", "a.png", in, {}); }),
            ErrorCode::NotFound);
  EXPECT_EQ(codeOf([&] { service_->upload(VisitorRef{1, "other"}, "shop", "a.png", in, {}); }),
            ErrorCode::NotFound);
  EXPECT_EQ(codeOf([&] { upload(operatorOf(10, "shop", true), "a.png", samples::png()); }),
            ErrorCode::NotFound);
}

TEST_F(FileServiceTest, VisitorsDownloadTheirOwnAndTheirDialogsFilesOnly) {
  auto mine = upload(VisitorRef{1, "shop"}, "mine.png", samples::png());
  auto fromOperator = upload(operatorOf(10, "shop"), "price.pdf", samples::pdf());
  EXPECT_EQ(service_->forDownload(VisitorRef{1, "shop"}, mine.id).id, mine.id);
  // Another visitor of the same site sees neither.
  EXPECT_EQ(codeOf([&] { service_->forDownload(VisitorRef{2, "shop"}, mine.id); }), ErrorCode::NotFound);
  EXPECT_EQ(codeOf([&] { service_->forDownload(VisitorRef{1, "shop"}, fromOperator.id); }),
            ErrorCode::NotFound);
  postInDialog(1, fromOperator.id);  // the operator posted it in visitor 1's dialog
  EXPECT_EQ(service_->forDownload(VisitorRef{1, "shop"}, fromOperator.id).id, fromOperator.id);
  EXPECT_EQ(codeOf([&] { service_->forDownload(VisitorRef{2, "shop"}, fromOperator.id); }),
            ErrorCode::NotFound);
  EXPECT_EQ(codeOf([&] { service_->forDownload(VisitorRef{1, "shop"}, 9999); }), ErrorCode::NotFound);
}

TEST_F(FileServiceTest, OperatorsDownloadFilesOfTheirSitesOnly) {
  auto f = upload(VisitorRef{1, "shop"}, "mine.png", samples::png());
  EXPECT_EQ(service_->forDownload(operatorOf(10, "shop"), f.id).id, f.id);
  EXPECT_EQ(codeOf([&] { service_->forDownload(operatorOf(11, "other"), f.id); }), ErrorCode::NotFound);
  EXPECT_EQ(codeOf([&] { service_->forDownload(operatorOf(10, "shop", true), f.id); }),
            ErrorCode::NotFound);
  accounts::Principal admin;
  admin.system = true;
  EXPECT_EQ(service_->forDownload(admin, f.id).id, f.id);
}

TEST_F(FileServiceTest, OnlyTheUploaderAttachesAFileAndOnlyInItsSite) {
  auto f = upload(VisitorRef{1, "shop"}, "mine.png", samples::png());
  auto ref = service_->attachable(VisitorRef{1, "shop"}, f.id, "shop");
  EXPECT_EQ(ref.id, f.id);
  EXPECT_EQ(ref.name, "mine.png");
  EXPECT_EQ(ref.mime, "image/png");
  EXPECT_EQ(codeOf([&] { service_->attachable(VisitorRef{2, "shop"}, f.id, "shop"); }), ErrorCode::NotFound);
  EXPECT_EQ(codeOf([&] { service_->attachable(operatorOf(1, "shop"), f.id, "shop"); }), ErrorCode::NotFound);
  EXPECT_EQ(codeOf([&] { service_->attachable(VisitorRef{1, "shop"}, f.id, "other"); }), ErrorCode::NotFound);
}

TEST_F(FileServiceTest, AvatarsAreImagesUpToFiveMegabytesAndPublic) {
  service_ = std::make_unique<FileService>(*store_, *repo_, [] { return 1000; }, 50 * 1024 * 1024);
  auto op = operatorOf(10, "shop");
  std::istringstream pdf(samples::pdf());
  EXPECT_EQ(codeOf([&] { service_->setAvatar(op, "me.pdf", pdf, {}); }), ErrorCode::Invalid);
  std::istringstream huge(samples::png());
  EXPECT_EQ(codeOf([&] { service_->setAvatar(op, "me.png", huge, 6 * 1024 * 1024); }), ErrorCode::TooLarge);
  std::istringstream png(samples::png());
  auto f = service_->setAvatar(op, "me.png", png, {});
  EXPECT_EQ(service_->avatarOf(10), f.id);
  EXPECT_FALSE(f.siteId);
  EXPECT_EQ(service_->avatar(f.id).id, f.id);
  // A chat upload is not an avatar, so it is not public.
  auto chat = upload(VisitorRef{1, "shop"}, "x.png", samples::png());
  EXPECT_EQ(codeOf([&] { service_->avatar(chat.id); }), ErrorCode::NotFound);
  service_->removeAvatar(op);
  EXPECT_FALSE(service_->avatarOf(10));
  EXPECT_EQ(codeOf([&] { service_->avatar(f.id); }), ErrorCode::NotFound);
}

TEST(FormatBytes, ReadsLikeAPerson) {
  EXPECT_EQ(formatBytes(300), "300 bytes");
  EXPECT_EQ(formatBytes(25 * 1024 * 1024), "25 MiB");
  EXPECT_EQ(formatBytes(1536), "1.5 KiB");
}

}  // namespace
}  // namespace callpy::core::files
