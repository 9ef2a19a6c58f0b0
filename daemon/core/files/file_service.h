#pragma once
// Uploads, downloads and avatars (F16, F6). An upload is streamed into a temp file with the size
// cap enforced while reading, its type is checked by content, then the bytes are committed under
// their SHA-256 and a `files` row is written.
//
// Authorisation: a visitor reads the files it uploaded and those posted in its own dialogs; an
// operator reads the files of the sites where it holds an enabled membership. Anything else is
// reported as not_found, so file ids cannot be probed. Avatars are public.
#include <cstdint>
#include <functional>
#include <istream>
#include <optional>
#include <string>

#include "core/accounts/types.h"
#include "core/files/avatar_directory.h"
#include "core/dialogs/types.h"
#include "core/files/content_type.h"
#include "core/files/types.h"
#include "core/ports/file_store.h"

namespace callpy::core::files {

inline constexpr std::int64_t kMaxAvatarBytes = 5 * 1024 * 1024;
inline constexpr std::size_t kMaxFileNameCodePoints = 200;

// "25 MiB", "1.5 KiB", "300 bytes": sizes in messages.
std::string formatBytes(std::int64_t bytes);
// The display name of an upload: the last path segment, checked like a label (valid UTF-8, no
// control characters, at most kMaxFileNameCodePoints). Throws Error(invalid, field "name").
std::string checkFileName(std::string_view name);

class FileService {
 public:
  using Clock = std::function<std::int64_t()>;  // Unix seconds

  FileService(ports::FileBlobs& blobs, ports::FileRepository& repo, Clock clock,
              std::int64_t maxUploadBytes);

  std::int64_t maxUploadBytes() const { return maxUploadBytes_; }

  // Reads `in` to its end and stores it as a file of `siteId` uploaded by `who` (a visitor or an
  // operator; the caller has checked that `who` may post on the site). `declaredSize` (the
  // Content-Length) lets an oversize upload fail before any byte is read. Throws too_large past
  // the cap, invalid for a bad name or type.
  FileRecord upload(const dialogs::Actor& who, const std::string& siteId, std::string_view name,
                    std::istream& in, std::optional<std::int64_t> declaredSize);
  // A call recording (Ogg Opus or WebM made by the daemon) as a file of `siteId` from operator
  // `who`, so it can be posted in the call's dialog. Not bound by the upload cap (a long video
  // call is larger); the content check still applies.
  FileRecord storeRecording(const dialogs::Actor& who, const std::string& siteId,
                            std::string_view name, std::istream& in);
  // The file for a download by `a`; not_found unless `a` may read it.
  FileRecord forDownload(const dialogs::Actor& a, std::int64_t fileId);
  // The file `a` uploaded, for posting in a dialog of `dialogSiteId`; not_found otherwise.
  dialogs::FileRef attachable(const dialogs::Actor& a, std::int64_t fileId,
                              const std::string& dialogSiteId);
  std::string pathOf(const FileRecord& f) const { return blobs_.pathOf(f.sha256); }

  // F6: an image (jpeg, png, gif, bmp) of at most kMaxAvatarBytes becomes the user's avatar.
  FileRecord setAvatar(const accounts::Principal& p, std::string_view name, std::istream& in,
                       std::optional<std::int64_t> declaredSize);
  void removeAvatar(const accounts::Principal& p);
  // Cached (avatar_directory.h): read for every operator message that goes out.
  std::optional<std::int64_t> avatarOf(std::int64_t userId) { return avatars_.avatarOf(userId); }
  // A public avatar by file id; not_found unless the file is someone's avatar.
  FileRecord avatar(std::int64_t fileId);

 private:
  FileRecord store(dialogs::AuthorKind kind, std::int64_t uploaderId,
                   std::optional<std::string> siteId, std::string_view name, std::istream& in,
                   std::optional<std::int64_t> declaredSize, std::int64_t cap, bool imagesOnly);

  ports::FileBlobs& blobs_;
  ports::FileRepository& repo_;
  Clock clock_;
  std::int64_t maxUploadBytes_;
  AvatarDirectory avatars_{repo_};
};

}  // namespace callpy::core::files
