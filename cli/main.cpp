#include <iostream>

#include "run.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return callpy::cli::runCli(args, std::cout, std::cerr);
}
