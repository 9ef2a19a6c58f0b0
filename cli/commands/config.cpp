// callpyctl config check FILE: local, through the daemon's own loader (same code path as start-up).
#include <memory>

#include "commands/common.h"
#include "config/loader.h"

namespace callpy::cli {

namespace {

// Every problem in the file, each formatted "FILE:LINE:COL: key.path: message".
std::vector<std::string> configErrors(const std::string& path) {
  config::ConfigResult result = config::loadConfigFile(path);
  std::vector<std::string> lines;
  for (const auto& error : result.errors) lines.push_back(error.format());
  if (!result.ok() && lines.empty()) lines.push_back(path + ": not loaded (no error reported)");
  return lines;
}

}  // namespace

void addConfigCommands(CLI::App& app, Context& ctx) {
  CLI::App* noun = addCommand(app, "config", "Configuration file: check");
  noun->require_subcommand(1);
  auto file = std::make_shared<std::string>();
  CLI::App* verb = addCommand(*noun, "check", "Validate a config file without the daemon");
  verb->add_option("FILE", *file, "Config file, e.g. /etc/callpyd/callpyd.yaml")->required();
  onRun(verb, ctx, [&ctx, file] {
    std::vector<std::string> errors = configErrors(*file);
    if (ctx.json()) {
      Poco::JSON::Object::Ptr answer = new Poco::JSON::Object;
      Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
      for (const auto& line : errors) list->add(line);
      answer->set("file", *file);
      answer->set("ok", errors.empty());
      answer->set("errors", list);
      ctx.emit(answer, [](std::ostream&) {});
    } else if (errors.empty()) {
      ctx.out() << *file << ": ok\n";
    } else {
      for (const auto& line : errors) ctx.err() << line << '\n';
    }
    return errors.empty() ? kExitOk : kExitError;
  });
}

}  // namespace callpy::cli
