#pragma once
// callpyd's application: parses the command line, validates the config, then wires storage,
// services, listeners and the outbox, runs until SIGTERM/SIGINT, reloads on SIGHUP.
#include <Poco/Util/ServerApplication.h>

#include <string>

namespace callpy::app {

// Exit codes (sysexits.h): the unit's RestartPreventExitStatus=78 relies on EX_CONFIG.
inline constexpr int kExitOk = 0;
inline constexpr int kExitUsage = 64;
inline constexpr int kExitDataError = 65;  // corrupt database, schema newer than this binary
inline constexpr int kExitOsError = 71;    // cannot bind a listener, create the data dir
inline constexpr int kExitIoError = 74;
inline constexpr int kExitConfig = 78;

struct DaemonOptions {
  std::string configPath;
  bool checkOnly = false;
};

class App : public Poco::Util::ServerApplication {
 public:
  explicit App(DaemonOptions options) : options_(std::move(options)) {}

 protected:
  int main(const std::vector<std::string>& args) override;

 private:
  DaemonOptions options_;
};

// Entry point used by main.cpp: argument parsing (CLI11), --version, --help, then App.
int runDaemon(int argc, char** argv);

}  // namespace callpy::app
