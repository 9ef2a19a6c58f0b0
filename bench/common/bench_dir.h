#pragma once
// Where a storage benchmark puts its database: the directory asked for, or a fresh temporary one
// that is removed afterwards. Warns on tmpfs, where fsync costs nothing and figures mislead.
#include <stdlib.h>
#include <sys/vfs.h>

#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <system_error>

namespace callpy::bench {

struct BenchDir {
  std::filesystem::path path;
  bool owned = false;  // made here, removed by cleanup()

  void cleanup() const {
    std::error_code ignored;
    if (owned) std::filesystem::remove_all(path, ignored);
  }
};

// nullopt (after printing why) when no directory could be made.
inline std::optional<BenchDir> prepareBenchDir(const std::string& requested, const char* prefix) {
  constexpr long kTmpfsMagic = 0x01021994;
  BenchDir d;
  if (requested.empty()) {
    std::string pattern =
        (std::filesystem::temp_directory_path() / (std::string(prefix) + "-XXXXXX")).string();
    if (mkdtemp(pattern.data()) == nullptr) {
      std::perror("mkdtemp");
      return std::nullopt;
    }
    d.path = pattern;
    d.owned = true;
  } else {
    d.path = requested;
    std::filesystem::create_directories(d.path);
  }
  struct statfs info {};
  if (statfs(d.path.c_str(), &info) == 0 && info.f_type == kTmpfsMagic) {
    std::fprintf(stderr, "warning: %s is tmpfs; fsync is free there and the figures mean little\n",
                 d.path.c_str());
  }
  return d;
}

}  // namespace callpy::bench
