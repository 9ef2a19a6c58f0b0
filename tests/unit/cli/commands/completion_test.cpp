#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <sstream>

#include "fake_admin_server.h"
#include "run.h"

namespace callpy::cli {
namespace {

using ::testing::HasSubstr;

std::string script() {
  std::ostringstream out, err;
  EXPECT_EQ(runCli({"completion", "bash"}, out, err), 0) << err.str();
  return out.str();
}

// Asks bash itself what the script completes for `line` (the cursor at its end).
std::string complete(const std::string& scriptFile, const std::string& line) {
  test::TempDir dir;
  std::string driver =
      dir.write("driver.sh", "source '" + scriptFile +
                                 "'\n"
                                 "COMP_LINE='" +
                                 line +
                                 "'\n"
                                 "read -ra COMP_WORDS <<< \"$COMP_LINE\"\n"
                                 "[[ \"$COMP_LINE\" == *' ' ]] && COMP_WORDS+=('')\n"
                                 "COMP_CWORD=$((${#COMP_WORDS[@]} - 1))\n"
                                 "_callpyctl\n"
                                 "printf '%s\\n' \"${COMPREPLY[@]}\" | sort | tr '\\n' ' '\n");
  std::string command = "bash --norc --noprofile '" + driver + "' 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  std::string output;
  std::array<char, 4096> buffer{};
  while (size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe))
    output.append(buffer.data(), n);
  ::pclose(pipe);
  return output;
}

TEST(Completion, ScriptNamesEveryNounVerbAndFlag) {
  std::string text = script();
  for (const char* word : {"status", "site", "operator", "department", "hours", "config", "reload",
                           "completion", "snippet", "invite", "assign", "--print-link",
                           "--closed-on", "--exception", "--variant", "--socket", "--format"}) {
    EXPECT_THAT(text, HasSubstr(word)) << word;
  }
  EXPECT_THAT(text, HasSubstr("complete -F _callpyctl callpyctl"));
}

TEST(Completion, BashCompletesNounsVerbsFlagsAndValues) {
  test::TempDir dir;
  std::string file = dir.write("callpyctl.bash", script());
  EXPECT_EQ(complete(file, "callpyctl s"), "site status ");
  EXPECT_EQ(complete(file, "callpyctl operator "), "disable enable invite list role ");
  EXPECT_EQ(complete(file, "callpyctl --socket /x.sock hours "), "set show ");
  EXPECT_EQ(complete(file, "callpyctl --help hours "), "set show ");  // a flag takes no value
  EXPECT_EQ(complete(file, "callpyctl operator invite --r"), "--role ");
  EXPECT_EQ(complete(file, "callpyctl operator invite --role "), "admin operator owner ");
  EXPECT_EQ(complete(file, "callpyctl --format "), "json table ");
  EXPECT_EQ(complete(file, "callpyctl site snippet x --variant a"), "anywhere ");
  EXPECT_EQ(complete(file, "callpyctl completion "), "bash ");
}

}  // namespace
}  // namespace callpy::cli
