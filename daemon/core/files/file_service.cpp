#include "core/files/file_service.h"

#include <algorithm>
#include <cstdio>

#include "core/common/error.h"
#include "core/dialogs/text.h"

namespace callpy::core::files {

using dialogs::Actor;
using dialogs::AuthorKind;

std::string formatBytes(std::int64_t bytes) {
  const char* units[] = {"KiB", "MiB", "GiB"};
  if (bytes < 1024) return std::to_string(bytes) + " bytes";
  double v = static_cast<double>(bytes);
  int unit = -1;
  while (v >= 1024 && unit < 2) {
    v /= 1024;
    ++unit;
  }
  char buf[32];
  if (v == static_cast<double>(static_cast<std::int64_t>(v))) {
    std::snprintf(buf, sizeof buf, "%lld %s", static_cast<long long>(v), units[unit]);
  } else {
    std::snprintf(buf, sizeof buf, "%.1f %s", v, units[unit]);
  }
  return buf;
}

std::string checkFileName(std::string_view name) {
  // Browsers send the bare name; other clients may send a path (both separators count).
  auto slash = name.find_last_of("/\\");
  if (slash != std::string_view::npos) name = name.substr(slash + 1);
  auto out = dialogs::checkLabel(name, kMaxFileNameCodePoints, "name");
  if (out.empty() || out == "." || out == "..") throw invalid("the file needs a name", "name");
  return out;
}

FileService::FileService(ports::FileBlobs& blobs, ports::FileRepository& repo, Clock clock,
                         std::int64_t maxUploadBytes)
    : blobs_(blobs), repo_(repo), clock_(std::move(clock)), maxUploadBytes_(maxUploadBytes) {}

FileRecord FileService::store(AuthorKind kind, std::int64_t uploaderId,
                              std::optional<std::string> siteId, std::string_view rawName,
                              std::istream& in, std::optional<std::int64_t> declaredSize,
                              std::int64_t cap, bool imagesOnly) {
  const auto name = checkFileName(rawName);
  const auto tooLarge = [cap] {
    return Error(ErrorCode::TooLarge, "the file is larger than the limit of " + formatBytes(cap),
                 "file");
  };
  if (declaredSize && *declaredSize > cap) throw tooLarge();
  // The extension is checked before any byte is read: a wrong type fails fast.
  const auto ext = fileExtension(name);
  const auto& allowed = allowedExtensions();
  if (std::find(allowed.begin(), allowed.end(), ext) == allowed.end()) {
    (void)checkUpload(name, StringSource("x"));  // throws the message listing allowed types
  }
  auto blob = blobs_.create();
  char buf[64 * 1024];
  std::int64_t total = 0;
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    total += in.gcount();
    if (total > cap) throw tooLarge();
    blob->write(std::string_view(buf, static_cast<std::size_t>(in.gcount())));
  }
  if (declaredSize && total != *declaredSize) {
    throw invalid("the upload ended early (" + std::to_string(total) + " of " +
                      std::to_string(*declaredSize) + " bytes)", "file");
  }
  const auto kindOf = checkUpload(name, *blob);
  if (imagesOnly && !isInlineImage(kindOf)) {
    throw invalid("an avatar must be a JPEG, PNG, GIF or BMP image", "file");
  }
  FileRecord f;
  f.sha256 = blob->commit();
  f.name = name;
  f.mime = mimeOf(kindOf);
  f.size = total;
  f.siteId = std::move(siteId);
  f.uploaderKind = kind;
  f.uploaderId = uploaderId;
  f.createdAt = clock_();
  f.id = repo_.insertFile(f);
  return f;
}

FileRecord FileService::upload(const Actor& who, const std::string& siteId, std::string_view name,
                               std::istream& in, std::optional<std::int64_t> declaredSize) {
  if (who.id() == 0) throw forbidden("only visitors and operators upload files");
  if (!who.canSeeSite(siteId)) throw notFound("no such site");
  return store(who.kind(), who.id(), siteId, name, in, declaredSize, maxUploadBytes_, false);
}

FileRecord FileService::forDownload(const Actor& a, std::int64_t fileId) {
  auto f = repo_.file(fileId);
  const auto missing = [] { return notFound("no such file"); };
  if (!f) throw missing();
  if (a.isVisitor()) {
    const bool own = f->uploaderKind == AuthorKind::Visitor && f->uploaderId == a.id();
    if (!own && !repo_.inVisitorDialogs(fileId, a.id())) throw missing();
    return *f;
  }
  if (a.system()) return *f;
  if (!f->siteId || !a.canSeeSite(*f->siteId)) throw missing();
  return *f;
}

FileRecord FileService::storeRecording(const Actor& who, const std::string& siteId,
                                       std::string_view name, std::istream& in) {
  constexpr std::int64_t kMaxRecordingBytes = 16LL << 30;  // ~20 h of 720p video
  return store(who.kind(), who.id(), siteId, name, in, std::nullopt, kMaxRecordingBytes, false);
}

dialogs::FileRef FileService::attachable(const Actor& a, std::int64_t fileId,
                                         const std::string& dialogSiteId) {
  auto f = repo_.file(fileId);
  if (!f || f->uploaderKind != a.kind() || f->uploaderId != a.id() || !f->siteId ||
      *f->siteId != dialogSiteId) {
    throw Error(ErrorCode::NotFound, "no such file (upload it first)", "file");
  }
  return f->ref();
}

FileRecord FileService::setAvatar(const accounts::Principal& p, std::string_view name,
                                  std::istream& in, std::optional<std::int64_t> declaredSize) {
  if (!p.user) throw forbidden("only operators have avatars");
  auto f = store(AuthorKind::Operator, p.user->id, std::nullopt, name, in, declaredSize,
                 std::min(kMaxAvatarBytes, maxUploadBytes_), true);
  avatars_.set(p.user->id, f.id);
  return f;
}

void FileService::removeAvatar(const accounts::Principal& p) {
  if (!p.user) throw forbidden("only operators have avatars");
  avatars_.set(p.user->id, std::nullopt);
}

FileRecord FileService::avatar(std::int64_t fileId) {
  auto f = repo_.file(fileId);
  if (!f || !repo_.isAvatar(fileId)) throw notFound("no such avatar");
  return *f;
}

}  // namespace callpy::core::files
