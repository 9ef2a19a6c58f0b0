#pragma once
// The running daemon: everything built from a valid Config, in start order.
#include <memory>
#include <string>

#include "config/config.h"

namespace callpy::app {

// Runs until SIGTERM/SIGINT; returns the process exit code.
int serve(const config::Config& config, const std::string& configPath);

}  // namespace callpy::app
