#pragma once

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <CLI/CLI.hpp>
#include <functional>
#include <string>

#include "client/admin_client.h"
#include "context.h"
#include "output/table.h"

namespace callpy::cli {

// Creates a noun or verb with the settings all of them share (global flags accepted after it).
CLI::App* addCommand(CLI::App& parent, const std::string& name, const std::string& description);

// Registers what `verb` does when the parser chooses it.
void onRun(CLI::App* verb, Context& ctx, std::function<int()> action);

// "/sites/<encoded id>"
std::string sitePath(const std::string& site);

// Field access that tolerates missing keys (older or newer daemons add or drop fields).
std::string text(const Poco::JSON::Object::Ptr& obj, const std::string& key);
Poco::JSON::Object::Ptr child(const Poco::JSON::Object::Ptr& obj, const std::string& key);
Poco::JSON::Array::Ptr list(const Poco::JSON::Object::Ptr& obj, const std::string& key);
bool flag(const Poco::JSON::Object::Ptr& obj, const std::string& key);

// A user given on the command line: a numeric id stays a number in JSON bodies, anything else
// (an e-mail address) is sent as a string.
Poco::Dynamic::Var userValue(const std::string& user);

// The registration functions, one per noun (commands/<noun>.cpp).
void addStatusCommand(CLI::App& app, Context& ctx);
void addReloadCommand(CLI::App& app, Context& ctx);
void addSiteCommands(CLI::App& app, Context& ctx);
void addOperatorCommands(CLI::App& app, Context& ctx);
void addDepartmentCommands(CLI::App& app, Context& ctx);
void addHoursCommands(CLI::App& app, Context& ctx);
void addConfigCommands(CLI::App& app, Context& ctx);
void addCompletionCommand(CLI::App& app, Context& ctx);
void addBackupCommands(CLI::App& app, Context& ctx);  // backup and restore

}  // namespace callpy::cli
