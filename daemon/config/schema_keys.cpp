#include "config/schema_keys.h"

#include <yaml-cpp/yaml.h>

#include <cctype>
#include <vector>

#include "config/loader.h"

namespace callpy::config {

namespace {

// One step of a key path: "sites[]" is {"sites", true}.
struct Segment {
  std::string key;
  bool list = false;
};

std::vector<Segment> split(const std::string& path) {
  std::vector<Segment> out;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t dot = path.find('.', start);
    std::string part = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    Segment s;
    if (part.size() >= 2 && part.compare(part.size() - 2, 2, "[]") == 0) {
      s.list = true;
      part.resize(part.size() - 2);
    }
    s.key = part;
    out.push_back(s);
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return out;
}

// The value at path[i..]: maps down to `leaf`, with one-item lists where the path says so.
// (Built recursively: yaml-cpp's Node::operator= writes through to the node, it does not rebind.)
YAML::Node probeValue(const std::vector<Segment>& path, std::size_t i, const YAML::Node& leaf) {
  YAML::Node map(YAML::NodeType::Map);
  if (i + 1 == path.size()) {
    map[path[i].key] = leaf;
  } else if (path[i].list) {
    YAML::Node seq(YAML::NodeType::Sequence);
    seq.push_back(probeValue(path, i + 1, leaf));
    map[path[i].key] = seq;
  } else {
    map[path[i].key] = probeValue(path, i + 1, leaf);
  }
  return map;
}

// A document with `leaf` at `path`.
std::string probeDocument(const std::vector<Segment>& path, const YAML::Node& leaf) {
  YAML::Emitter out;
  out << YAML::Flow << probeValue(path, 0, leaf);
  return out.c_str();
}

}  // namespace

std::string normalizeKeyPath(const std::string& path) {
  std::string out;
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '[') {
      std::size_t j = i + 1;
      while (j < path.size() && std::isdigit(static_cast<unsigned char>(path[j]))) ++j;
      if (j < path.size() && path[j] == ']') {
        out += "[]";
        i = j;
        continue;
      }
    }
    out += path[i];
  }
  return out;
}

// The loader reports each map it reads with the keys allowed there. Loading the document with
// every known key given an empty map, then a one-item list of one, reaches every nested map the
// loader has, whatever the example file happens to contain. Errors (missing required keys,
// wrong types) are expected and ignored: only the reported key sets matter.
std::set<std::string> knownKeyPaths() {
  std::set<std::string> keys;
  std::set<std::string> mapPaths;  // normalised paths already reported as maps
  LoadOptions options;
  options.onMap = [&](const std::string& path, std::initializer_list<std::string_view> allowed) {
    std::string base = normalizeKeyPath(path);
    mapPaths.insert(base);
    for (std::string_view key : allowed) {
      keys.insert(base.empty() ? std::string(key) : base + "." + std::string(key));
    }
  };
  loadConfigString("{}", "schema-probe.yaml", options);

  std::set<std::string> probed;
  for (bool grew = true; grew;) {
    grew = false;
    std::set<std::string> snapshot = keys;
    for (const std::string& key : snapshot) {
      if (!probed.insert(key).second) continue;
      grew = true;
      if (mapPaths.count(key) || mapPaths.count(key + "[]")) continue;
      // Reported paths already say which parents are lists ("sites[].id").
      std::vector<Segment> path = split(key);
      loadConfigString(probeDocument(path, YAML::Node(YAML::NodeType::Map)), "schema-probe.yaml",
                       options);
      YAML::Node list(YAML::NodeType::Sequence);
      list.push_back(YAML::Node(YAML::NodeType::Map));
      loadConfigString(probeDocument(path, list), "schema-probe.yaml", options);
    }
  }
  return keys;
}

}  // namespace callpy::config
