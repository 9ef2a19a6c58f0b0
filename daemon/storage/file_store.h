#pragma once
// The bytes of uploads (DESIGN §5): <data_dir>/files/<sha256>, written to a temp file under
// <data_dir>/files/tmp/, fsynced, then renamed into place (and the directory fsynced), so a
// crash leaves either the whole file or none. Identical content is stored once.
#include <memory>
#include <string>

#include "core/ports/file_store.h"

namespace callpy::storage {

class FileStore : public core::ports::FileBlobs {
 public:
  // Creates <dataDir>/files and files/tmp when missing and removes temp files an earlier run
  // left behind. Throws StorageError when the directories cannot be made.
  explicit FileStore(const std::string& dataDir);
  std::unique_ptr<core::ports::BlobWriter> create() override;
  std::string pathOf(const std::string& sha256) const override;
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
  std::string tmp_;
};

}  // namespace callpy::storage
