// The ring of last error lines behind `callpyctl status`: keeps the newest N in order, counts
// all, and log() feeds it error lines only.
#include "observability/recent_errors.h"

#include <gtest/gtest.h>

#include "observability/log.h"

namespace callpy::observability {
namespace {

TEST(RecentErrorsTest, KeepsTheNewestInOrderAndCountsAll) {
  RecentErrors ring(3);
  for (int i = 1; i <= 5; ++i) ring.add(i, "e" + std::to_string(i));
  auto s = ring.snapshot();
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[0].line, "e3");
  EXPECT_EQ(s[2].line, "e5");
  EXPECT_EQ(s[2].at, 5);
  EXPECT_EQ(ring.total(), 5u);
}

TEST(RecentErrorsTest, CapsLongLines) {
  RecentErrors ring(2);
  ring.add(1, std::string(5000, 'x'));
  EXPECT_EQ(ring.snapshot()[0].line.size(), 1000u);
}

TEST(RecentErrorsTest, LogFeedsErrorLinesOnly) {
  auto& ring = RecentErrors::instance();
  const auto before = ring.total();
  logWarning("test.warning", {{"k", "v"}});
  EXPECT_EQ(ring.total(), before);
  logError("test.failed", {{"error", "disk full"}});
  EXPECT_EQ(ring.total(), before + 1);
  EXPECT_EQ(ring.snapshot().back().line, "test.failed error=\"disk full\"");
}

}  // namespace
}  // namespace callpy::observability
