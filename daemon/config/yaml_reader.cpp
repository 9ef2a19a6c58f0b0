#include "config/yaml_reader.h"

#include <algorithm>
#include <cctype>
#include <limits>

namespace callpy::config {

namespace {

std::size_t editDistance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

std::string describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
      return "nothing";
    case YAML::NodeType::Scalar:
      return "'" + node.Scalar() + "'";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a map";
    default:
      return "nothing";
  }
}

}  // namespace

void YamlReader::error(const YAML::Mark& at, const std::string& path, std::string message) {
  ConfigError e;
  e.file = file_;
  e.line = at.line >= 0 ? at.line + 1 : 1;
  e.col = at.column >= 0 ? at.column + 1 : 1;
  e.keyPath = path.empty() ? "(root)" : path;
  e.message = std::move(message);
  errors_.push_back(std::move(e));
}

YAML::Mark YamlReader::markOf(const YAML::Node& node, const YAML::Mark& fallback) {
  // yaml-cpp places an empty value at the start of the next token, often the next line.
  if (!node.IsDefined() || node.IsNull() || node.Mark().line < 0) return fallback;
  return node.Mark();
}

std::optional<Fields> YamlReader::map(const YAML::Node& node, const YAML::Mark& mark,
                                      const std::string& path,
                                      std::initializer_list<std::string_view> allowed) {
  if (onMap_) onMap_(path, allowed);
  if (!node.IsMap()) {
    error(mark, path, "expected a map of keys, got " + describe(node));
    return std::nullopt;
  }
  Fields fields;
  for (auto it = node.begin(); it != node.end(); ++it) {
    // Copies: yaml-cpp's iterator hands out a temporary pair, so references would dangle.
    YAML::Node keyNode = it->first;
    YAML::Node value = it->second;
    YAML::Mark keyMark = markOf(keyNode, mark);
    if (!keyNode.IsScalar()) {
      error(keyMark, path, "keys must be plain words, got " + describe(keyNode));
      continue;
    }
    const std::string& key = keyNode.Scalar();
    std::string keyPath = join(path, key);
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      std::string message = "unknown key";
      for (std::string_view candidate : allowed) {
        if (editDistance(key, candidate) <= 2) {
          message += " (did you mean '" + std::string(candidate) + "'?)";
          break;
        }
      }
      error(keyMark, keyPath, message);
      continue;
    }
    auto [existing, inserted] =
        fields.try_emplace(key, Field{key, keyPath, keyNode, value, keyMark});
    if (!inserted) {
      error(keyMark, keyPath,
            "duplicate key (first at line " +
                std::to_string(existing->second.keyNode.Mark().line + 1) + ")");
      continue;
    }
    existing->second.mark = markOf(value, keyMark);
  }
  return fields;
}

const Field* YamlReader::get(const Fields& fields, const std::string& key) {
  auto it = fields.find(key);
  if (it == fields.end() || it->second.value.IsNull()) return nullptr;
  return &it->second;
}

const Field* YamlReader::require(const Fields& fields, const std::string& key,
                                 const YAML::Mark& parentMark, const std::string& parentPath) {
  auto it = fields.find(key);
  if (it == fields.end()) {
    error(parentMark, join(parentPath, key), "is required");
    return nullptr;
  }
  if (it->second.value.IsNull()) {
    error(it->second.mark, it->second.path, "needs a value");
    return nullptr;
  }
  return &it->second;
}

std::optional<std::string> YamlReader::string(const YAML::Node& node, const YAML::Mark& mark,
                                              const std::string& path) {
  if (!node.IsScalar()) {
    error(mark, path, "expected a string, got " + describe(node));
    return std::nullopt;
  }
  if (node.Scalar().empty()) {
    error(mark, path, "must not be empty");
    return std::nullopt;
  }
  return node.Scalar();
}

std::optional<std::int64_t> YamlReader::number(const Field& f, std::string_view digits,
                                               std::int64_t scale, std::int64_t min,
                                               std::int64_t max) {
  bool negative = !digits.empty() && digits.front() == '-';
  if (negative) digits.remove_prefix(1);
  std::int64_t value = 0;
  bool ok = !digits.empty() && digits.size() <= 18;
  for (char c : digits) {
    if (c < '0' || c > '9') ok = false;
    if (ok) value = value * 10 + (c - '0');
  }
  if (!ok) {
    error(f, "expected a whole number, got " + describe(f.value));
    return std::nullopt;
  }
  if (value > std::numeric_limits<std::int64_t>::max() / scale) {
    error(f, "must be at most " + std::to_string(max));
    return std::nullopt;
  }
  value *= scale;
  if (negative) value = -value;
  if (value < min || value > max) {
    error(f, "must be between " + std::to_string(min) + " and " + std::to_string(max));
    return std::nullopt;
  }
  return value;
}

std::optional<std::int64_t> YamlReader::integer(const Field& f, std::int64_t min,
                                                std::int64_t max) {
  if (!f.value.IsScalar()) {
    error(f, "expected a whole number, got " + describe(f.value));
    return std::nullopt;
  }
  return number(f, f.value.Scalar(), 1, min, max);
}

std::optional<std::int64_t> YamlReader::byteSize(const Field& f, std::int64_t min,
                                                 std::int64_t max) {
  if (!f.value.IsScalar()) {
    error(f, "expected a size in bytes (e.g. 65536 or 64KiB), got " + describe(f.value));
    return std::nullopt;
  }
  std::string_view s = f.value.Scalar();
  std::int64_t scale = 1;
  static const std::pair<std::string_view, std::int64_t> kSuffixes[] = {
      {"KiB", 1024}, {"MiB", 1024 * 1024}, {"GiB", 1024 * 1024 * 1024}};
  for (const auto& [suffix, factor] : kSuffixes) {
    if (s.size() > suffix.size() && s.substr(s.size() - suffix.size()) == suffix) {
      s.remove_suffix(suffix.size());
      scale = factor;
      break;
    }
  }
  return number(f, s, scale, min, max);
}

std::optional<bool> YamlReader::boolean(const Field& f) {
  if (f.value.IsScalar()) {
    std::string s = f.value.Scalar();
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (s == "true") return true;
    if (s == "false") return false;
  }
  error(f, "expected true or false, got " + describe(f.value));
  return std::nullopt;
}

std::optional<std::vector<Field>> YamlReader::sequence(const Field& f) {
  if (!f.value.IsSequence()) {
    error(f, "expected a list, got " + describe(f.value));
    return std::nullopt;
  }
  std::vector<Field> items;
  std::size_t index = 0;
  for (const YAML::Node& item : f.value) {
    std::string path = f.path + "[" + std::to_string(index++) + "]";
    items.push_back(Field{"", path, YAML::Node(), item, markOf(item, f.mark)});
  }
  return items;
}

}  // namespace callpy::config
