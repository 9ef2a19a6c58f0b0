#include "run.h"

#include <CLI/CLI.hpp>
#include <algorithm>

#include "commands/common.h"
#include "context.h"
#include "version.h"

namespace callpy::cli {

int runCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  Context ctx(out, err);
  CLI::App app("Administer callpyd through its admin socket", "callpyctl");
  app.require_subcommand(1);
  app.failure_message([](const CLI::App* failed, const CLI::Error& e) {
    return "callpyctl: " + CLI::FailureMessage::simple(failed, e);
  });
  app.set_version_flag("--version", std::string("callpyctl ") + kVersion);
  app.add_option(
      "--socket", ctx.options().socket,
      "Admin socket (default: admin.socket from the config, else /run/callpyd/admin.sock)");
  app.add_option("--config", ctx.options().config,
                 "Config file to read admin.socket from (default /etc/callpyd/callpyd.yaml)");
  app.add_option("--format", ctx.options().format, "Output format")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();

  addStatusCommand(app, ctx);
  addSiteCommands(app, ctx);
  addOperatorCommands(app, ctx);
  addDepartmentCommands(app, ctx);
  addHoursCommands(app, ctx);
  addConfigCommands(app, ctx);
  addReloadCommand(app, ctx);
  addBackupCommands(app, ctx);
  addCompletionCommand(app, ctx);

  try {
    // CLI11 takes the arguments last-first.
    std::vector<std::string> reversed(args.rbegin(), args.rend());
    app.parse(reversed);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e, out, err);
    // --help and --version are successes; every other CLI11 error is a usage error, whatever
    // exit code CLI11 itself would pick.
    return code == 0 ? kExitOk : kExitUsage;
  }

  if (!ctx.action()) {
    err << "callpyctl: no command given\n";
    return kExitUsage;
  }
  try {
    return ctx.action()();
  } catch (const UsageError& e) {
    err << "callpyctl: " << e.what() << "\nRun with --help for more information.\n";
    return kExitUsage;
  } catch (const Unreachable& e) {
    err << "callpyctl: " << e.what() << '\n';
    return kExitUnreachable;
  } catch (const ApiError& e) {
    err << "callpyctl: " << e.what();
    if (!e.field().empty()) err << " (field: " << e.field() << ')';
    err << '\n';
    return kExitError;
  } catch (const std::exception& e) {
    err << "callpyctl: " << e.what() << '\n';
    return kExitError;
  }
}

}  // namespace callpy::cli
