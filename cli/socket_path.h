#pragma once

#include <string>

namespace callpy::cli {

inline constexpr const char* kDefaultConfigPath = "/etc/callpyd/callpyd.yaml";
inline constexpr const char* kDefaultSocketPath = "/run/callpyd/admin.sock";

// The admin socket to use: --socket, else `admin.socket` from --config FILE (or from the default
// config file when it exists and is readable), else /run/callpyd/admin.sock. An explicit --config
// that cannot be read or parsed throws CommandError; the default file is best effort.
std::string resolveSocketPath(const std::string& socketFlag, const std::string& configFlag,
                              const std::string& defaultConfig = kDefaultConfigPath);

}  // namespace callpy::cli
