#include "app/app.h"

#include <CLI/CLI.hpp>

#include <iostream>

#include "app/daemon.h"
#include "config/loader.h"
#include "version.h"

namespace callpy::app {

int App::main(const std::vector<std::string>&) {
  auto result = config::loadConfigFile(options_.configPath);
  if (!result.errors.empty()) {
    for (const auto& e : result.errors) std::cerr << e.format() << "\n";
    std::cerr << "callpyd: " << result.errors.size() << " problem(s) in " << options_.configPath
              << "\n";
    return kExitConfig;
  }
  if (options_.checkOnly) {
    std::cout << options_.configPath << ": ok\n";
    return kExitOk;
  }
  return serve(*result.config, options_.configPath);
}

int runDaemon(int argc, char** argv) {
  CLI::App cli{"callpyd: the Callpy live-chat and call daemon", "callpyd"};
  DaemonOptions options;
  bool version = false;
  cli.add_option("--config,-c", options.configPath, "Configuration file (YAML)");
  cli.add_flag("--check-config", options.checkOnly,
               "Validate the configuration, print every problem as FILE:LINE:COL and exit "
               "(0 valid, 78 invalid)");
  cli.add_flag("--version", version, "Print the version and exit");
  try {
    cli.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return cli.exit(e);
  } catch (const CLI::ParseError& e) {
    cli.exit(e);
    return kExitUsage;
  }
  if (version) {
    std::cout << "callpyd " << kVersion << "\n";
    return kExitOk;
  }
  if (options.configPath.empty()) {
    std::cerr << "callpyd: --config FILE is required (try --help)\n";
    return kExitUsage;
  }
  App app(options);
  // Our flags are parsed above; POCO gets only the program name so it adds none of its own.
  char* programOnly[] = {argv[0], nullptr};
  return app.run(1, programOnly);
}

}  // namespace callpy::app
