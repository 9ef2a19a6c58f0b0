#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace callpy::cli {

// Runs callpyctl with `args` (without the program name) and returns the exit code:
// 0 ok, 1 error, 2 usage, 69 daemon unreachable. In-process, so tests drive it directly.
int runCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace callpy::cli
