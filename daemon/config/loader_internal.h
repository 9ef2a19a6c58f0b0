#pragma once
// Pieces of the loader shared between loader.cpp (daemon settings) and sites_loader.cpp
// (declarative sites). Internal to daemon/config.
#include <filesystem>
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

void readSites(LoadContext& ctx, const Field& sites, std::vector<SiteDecl>& out);

}  // namespace callpy::config
