#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace callpy::cli {

// A bash completion script for every noun, verb and flag registered on `root`. Generated from
// the parser itself so that it cannot drift from the commands.
std::string bashCompletionScript(CLI::App& root);

}  // namespace callpy::cli
