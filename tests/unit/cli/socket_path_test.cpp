#include "socket_path.h"

#include <gtest/gtest.h>

#include "context.h"
#include "fake_admin_server.h"

namespace callpy::cli {
namespace {

TEST(ResolveSocketPath, FlagWins) {
  test::TempDir dir;
  std::string config = dir.write("c.yaml", "admin:\n  socket: /from/config.sock\n");
  EXPECT_EQ(resolveSocketPath("/flag.sock", config, config), "/flag.sock");
}

TEST(ResolveSocketPath, ExplicitConfigFile) {
  test::TempDir dir;
  std::string config = dir.write("c.yaml", "data_dir: /x\nadmin:\n  socket: /from/config.sock\n");
  EXPECT_EQ(resolveSocketPath("", config, ""), "/from/config.sock");
  std::string without = dir.write("d.yaml", "data_dir: /x\n");
  EXPECT_EQ(resolveSocketPath("", without, ""), kDefaultSocketPath);
}

TEST(ResolveSocketPath, UnreadableExplicitConfigIsAnError) {
  test::TempDir dir;
  EXPECT_THROW(resolveSocketPath("", dir.path() + "/missing.yaml", ""), CommandError);
  std::string broken = dir.write("b.yaml", "admin: [\n");
  EXPECT_THROW(resolveSocketPath("", broken, ""), CommandError);
}

TEST(ResolveSocketPath, DefaultConfigIsBestEffort) {
  test::TempDir dir;
  std::string config = dir.write("c.yaml", "admin:\n  socket: /default/config.sock\n");
  EXPECT_EQ(resolveSocketPath("", "", config), "/default/config.sock");
  EXPECT_EQ(resolveSocketPath("", "", dir.path() + "/missing.yaml"), kDefaultSocketPath);
  std::string broken = dir.write("b.yaml", "admin: [\n");
  EXPECT_EQ(resolveSocketPath("", "", broken), kDefaultSocketPath);
}

}  // namespace
}  // namespace callpy::cli
