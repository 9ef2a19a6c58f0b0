#pragma once
// Typed, error-collecting access to a yaml-cpp tree: every getter reports a problem with the
// node's file:line:col and key path instead of throwing, so one pass finds every problem.
// Internal to the config loader.
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/loader.h"

namespace callpy::config {

struct Field {
  std::string key;
  std::string path;  // full key path of the value
  YAML::Node keyNode;
  YAML::Node value;
  YAML::Mark mark;  // of the value, or of the key when the value has no useful position
};

using Fields = std::map<std::string, Field>;

class YamlReader {
 public:
  explicit YamlReader(std::string file) : file_(std::move(file)) {}
  // Told about every map() call (see LoadOptions::onMap).
  void setMapObserver(MapObserver observer) { onMap_ = std::move(observer); }

  void error(const YAML::Mark& at, const std::string& path, std::string message);
  void error(const Field& at, std::string message) { error(at.mark, at.path, std::move(message)); }
  std::vector<ConfigError> takeErrors() { return std::move(errors_); }
  bool hasErrors() const { return !errors_.empty(); }

  // Reads a map, reporting a non-map, unknown keys (with a suggestion) and duplicate keys. Keys
  // whose value is null are left out: writing `key:` means the same as not writing it.
  std::optional<Fields> map(const YAML::Node& node, const YAML::Mark& mark, const std::string& path,
                            std::initializer_list<std::string_view> allowed);
  std::optional<Fields> map(const Field& f, std::initializer_list<std::string_view> allowed) {
    return map(f.value, f.mark, f.path, allowed);
  }
  // Reports "is required" at `parentMark` when the key is missing.
  const Field* require(const Fields& fields, const std::string& key, const YAML::Mark& parentMark,
                       const std::string& parentPath);
  static const Field* get(const Fields& fields, const std::string& key);

  // A non-empty scalar.
  std::optional<std::string> string(const YAML::Node& node, const YAML::Mark& mark,
                                    const std::string& path);
  std::optional<std::string> string(const Field& f) { return string(f.value, f.mark, f.path); }
  std::optional<std::int64_t> integer(const Field& f, std::int64_t min, std::int64_t max);
  // An integer with an optional KiB/MiB/GiB suffix.
  std::optional<std::int64_t> byteSize(const Field& f, std::int64_t min, std::int64_t max);
  std::optional<bool> boolean(const Field& f);
  // The items of a sequence as Fields ("path[i]"); nullopt (reported) when not a sequence.
  std::optional<std::vector<Field>> sequence(const Field& f);

  static std::string join(const std::string& path, const std::string& key) {
    return path.empty() ? key : path + "." + key;
  }
  static YAML::Mark markOf(const YAML::Node& node, const YAML::Mark& fallback);

 private:
  std::optional<std::int64_t> number(const Field& f, std::string_view digits, std::int64_t scale,
                                     std::int64_t min, std::int64_t max);
  std::string file_;
  std::vector<ConfigError> errors_;
  MapObserver onMap_;
};

}  // namespace callpy::config
