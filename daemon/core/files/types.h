#pragma once
// Uploaded files (F16) and avatars (F6) as the domain sees them.
#include <cstdint>
#include <optional>
#include <string>

#include "core/dialogs/types.h"

namespace callpy::core::files {

struct FileRecord {
  std::int64_t id = 0;
  std::string sha256;  // lower-case hex; the bytes live under <data_dir>/files/<sha256>
  std::string name;    // the uploader's file name, display only
  std::string mime;    // detected from the content
  std::int64_t size = 0;
  std::optional<std::string> siteId{};  // nullopt for avatars
  dialogs::AuthorKind uploaderKind = dialogs::AuthorKind::Visitor;
  std::int64_t uploaderId = 0;
  std::int64_t createdAt = 0;

  dialogs::FileRef ref() const { return {id, name, size, mime}; }
};

}  // namespace callpy::core::files
