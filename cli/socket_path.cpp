#include "socket_path.h"

#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>

#include "context.h"

namespace callpy::cli {

namespace {

// Reads only admin.socket with yaml-cpp instead of the strict config loader: callpyctl must still
// find the socket when some unrelated key is wrong (that is when it is needed most, to reload).
std::string socketFromConfig(const std::string& path) {
  YAML::Node root = YAML::LoadFile(path);
  if (!root.IsMap()) return {};
  YAML::Node admin = root["admin"];
  if (!admin || !admin.IsMap()) return {};
  YAML::Node socket = admin["socket"];
  if (!socket || !socket.IsScalar()) return {};
  std::string value = socket.as<std::string>();
  // Relative paths in the file are relative to the file, as the daemon's loader reads them.
  if (!value.empty() && value.front() != '/') {
    value = std::filesystem::absolute(std::filesystem::path(path).parent_path() / value)
                .lexically_normal()
                .string();
  }
  return value;
}

}  // namespace

std::string resolveSocketPath(const std::string& socketFlag, const std::string& configFlag,
                              const std::string& defaultConfig) {
  if (!socketFlag.empty()) return socketFlag;
  if (!configFlag.empty()) {
    if (::access(configFlag.c_str(), R_OK) != 0) {
      throw CommandError("cannot read config file " + configFlag);
    }
    try {
      std::string socket = socketFromConfig(configFlag);
      return socket.empty() ? kDefaultSocketPath : socket;
    } catch (const YAML::Exception& e) {
      throw CommandError(configFlag + ": " + e.what());
    }
  }
  if (!defaultConfig.empty() && ::access(defaultConfig.c_str(), R_OK) == 0) {
    try {
      std::string socket = socketFromConfig(defaultConfig);
      if (!socket.empty()) return socket;
    } catch (const YAML::Exception&) {
      // Best effort for the implicit file: fall back to the compiled-in default.
    }
  }
  return kDefaultSocketPath;
}

}  // namespace callpy::cli
