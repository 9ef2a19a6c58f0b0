#include "run.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "fake_admin_server.h"

namespace callpy::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

struct Result {
  int code;
  std::string out;
  std::string err;
};

Result run(const std::vector<std::string>& args) {
  std::ostringstream out, err;
  int code = runCli(args, out, err);
  return {code, out.str(), err.str()};
}

TEST(RunCli, UnknownFlagIsAUsageError) {
  auto r = run({"--socket", "/nonexistent", "site", "list", "--bogus"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--bogus"));
}

TEST(RunCli, NoCommandIsAUsageError) {
  auto r = run({});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("subcommand"));
}

TEST(RunCli, NounWithoutVerbIsAUsageError) { EXPECT_EQ(run({"site"}).code, 2); }

TEST(RunCli, UnknownCommandIsAUsageError) {
  EXPECT_EQ(run({"frobnicate"}).code, 2);
  EXPECT_EQ(run({"site", "frobnicate"}).code, 2);
}

TEST(RunCli, MissingRequiredArgumentIsAUsageError) {
  auto r = run({"--socket", "/nonexistent", "site", "add", "--name", "Shop"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--url"));
}

TEST(RunCli, BadEnumValuesAreUsageErrors) {
  EXPECT_EQ(run({"--format", "xml", "status"}).code, 2);
  EXPECT_EQ(run({"operator", "invite", "--site", "s", "--email", "a@b.c", "--role", "god"}).code,
            2);
  EXPECT_EQ(run({"completion", "fish"}).code, 2);
}

TEST(RunCli, HelpSucceedsAndPrintsUsage) {
  auto r = run({"--help"});
  EXPECT_EQ(r.code, 0);
  EXPECT_THAT(r.out, HasSubstr("operator"));
  EXPECT_THAT(r.out, HasSubstr("--socket"));

  auto verbHelp = run({"hours", "set", "--help"});
  EXPECT_EQ(verbHelp.code, 0);
  EXPECT_THAT(verbHelp.out, HasSubstr("--weekly"));
}

TEST(RunCli, VersionSucceeds) {
  auto r = run({"--version"});
  EXPECT_EQ(r.code, 0);
  EXPECT_THAT(r.out, HasSubstr("callpyctl"));
}

TEST(RunCli, MissingSocketMeansDaemonUnreachable) {
  test::TempDir dir;
  std::string socket = dir.path() + "/no-such.sock";
  auto r = run({"--socket", socket, "status"});
  EXPECT_EQ(r.code, 69);
  EXPECT_THAT(r.err, HasSubstr("callpyctl: cannot reach callpyd at " + socket));
  EXPECT_THAT(r.err, HasSubstr("No such file or directory"));
  EXPECT_THAT(r.err, HasSubstr("(is the daemon running?)"));
}

TEST(RunCli, StaleSocketMeansDaemonUnreachable) {
  test::TempDir dir;
  std::string socket;
  {
    test::FakeAdminServer server(dir.path());
    socket = server.socketPath();
  }  // the socket file stays, nobody listens: what a crashed daemon leaves behind
  auto r = run({"--socket", socket, "site", "list"});
  EXPECT_EQ(r.code, 69);
  EXPECT_THAT(r.err, HasSubstr(socket));
}

TEST(RunCli, SocketComesFromTheConfigFile) {
  test::TempDir dir;
  std::string socket = dir.path() + "/from-config.sock";
  std::string config = dir.write("callpyd.yaml", "admin:\n  socket: " + socket + "\n");
  auto r = run({"--config", config, "status"});
  EXPECT_EQ(r.code, 69);
  EXPECT_THAT(r.err, HasSubstr(socket));
}

TEST(RunCli, ConfigCheckAcceptsAGoodFile) {
  test::TempDir dir;
  std::string file = dir.write("good.yaml",
                               "listen:\n  http: 127.0.0.1:8080\n"
                               "data_dir: " +
                                   dir.path() + "\n");
  auto r = run({"config", "check", file});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, file + ": ok\n");
}

TEST(RunCli, ConfigCheckPrintsEveryErrorWithItsPosition) {
  test::TempDir dir;
  std::string file = dir.write("bad.yaml",
                               "listen:\n  http: 127.0.0.1:8080\n"
                               "no_such_key: 1\n");
  auto r = run({"config", "check", file});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr(file + ":3:1: "));
  EXPECT_THAT(r.err, HasSubstr("no_such_key"));
  EXPECT_THAT(r.out, Not(HasSubstr(": ok")));
}

TEST(RunCli, ConfigCheckReportsBrokenYaml) {
  test::TempDir dir;
  std::string file = dir.write("broken.yaml", "listen: [\n");
  auto r = run({"config", "check", file});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr(file + ":"));
}

}  // namespace
}  // namespace callpy::cli
