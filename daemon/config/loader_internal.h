#pragma once
// Pieces of the loader shared between loader.cpp (daemon settings) and sites_loader.cpp
// (declarative sites). Internal to daemon/config.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "config/yaml_reader.h"

namespace callpy::config {

struct LoadContext {
  YamlReader& reader;
  std::filesystem::path baseDir;  // absolute
  std::string zoneInfoRoot;
};

// A path from the file, resolved against the config file's directory.
std::optional<std::string> readPath(LoadContext& ctx, const Field& f);
// A secret kept in its own file (≤ 4 KiB, one trailing newline dropped); errors at `f`.
std::optional<std::string> readSecretFile(YamlReader& r, const Field& f, const std::string& path);
std::optional<HostPort> readHostPort(YamlReader& r, const Field& f);

// listen.https and the tls section: each needs the other, and the files must load (tls_loader.cpp).
void readTls(LoadContext& ctx, const Field* https, const Field* tls, Config& c);

// rtc: media path addresses, ports and threads (rtc_loader.cpp).
void readRtc(LoadContext& ctx, const Field& f, Config& c);

void readSites(LoadContext& ctx, const Field& sites, std::vector<SiteDecl>& out);

}  // namespace callpy::config
