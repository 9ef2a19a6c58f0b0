#pragma once
// Loads and validates callpyd.yaml. The same code path serves start-up, SIGHUP reloads,
// `callpyd --check-config` and `callpyctl config check`.
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"

namespace callpy::config {

struct ConfigError {
  std::string file;
  int line = 1;  // 1-based
  int col = 1;   // 1-based
  // Where in the document, e.g. "sites[0].hours.weekly.mon[1]"; "(yaml)" for syntax errors and
  // "(file)" when the file itself cannot be read.
  std::string keyPath;
  std::string message;
  // Exactly "FILE:LINE:COL: key.path: message".
  std::string format() const;
};

struct ConfigResult {
  std::optional<Config> config;     // set only when there are no errors
  std::vector<ConfigError> errors;  // every problem found, in document order
  bool ok() const { return config.has_value(); }
  // All errors formatted, one per line (each line ends with '\n').
  std::string formatErrors() const;
};

// (path of a map, e.g. "" or "sites[0].hours"; the keys the loader accepts in it)
using MapObserver =
    std::function<void(const std::string& path, std::initializer_list<std::string_view> allowed)>;

struct LoadOptions {
  // Relative paths in the file are resolved against this directory. Empty: the directory of the
  // file (loadConfigFile) or of displayName, made absolute against the working directory.
  std::string baseDir;
  std::string zoneInfoRoot = "/usr/share/zoneinfo";
  // Called for every map the loader reads, with its key path and the keys accepted there. Empty
  // in the daemon; schema_keys.cpp uses it to list the schema for the documentation tests.
  MapObserver onMap = {};
};

ConfigResult loadConfigFile(const std::string& path, const LoadOptions& options = {});
// `displayName` is what messages call the file.
ConfigResult loadConfigString(const std::string& text, const std::string& displayName,
                              const LoadOptions& options = {});

}  // namespace callpy::config
