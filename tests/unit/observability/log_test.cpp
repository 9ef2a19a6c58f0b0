#include "observability/log.h"

#include <gtest/gtest.h>

namespace callpy::observability {
namespace {

TEST(QuoteLogValue, PlainValuesStayBare) {
  EXPECT_EQ(quoteLogValue("abc"), "abc");
  EXPECT_EQ(quoteLogValue("/api/panel/me?x=1"), "\"/api/panel/me?x=1\"");  // '=' is quoted
  EXPECT_EQ(quoteLogValue("127.0.0.1:8080"), "127.0.0.1:8080");
  EXPECT_EQ(quoteLogValue("back\\slash"), "back\\slash");
  EXPECT_EQ(quoteLogValue("юникод"), "юникод");
}

TEST(QuoteLogValue, QuotesAndEscapes) {
  EXPECT_EQ(quoteLogValue(""), "\"\"");
  EXPECT_EQ(quoteLogValue("two words"), "\"two words\"");
  EXPECT_EQ(quoteLogValue("say \"hi\""), "\"say \\\"hi\\\"\"");
  EXPECT_EQ(quoteLogValue("a b\\c"), "\"a b\\\\c\"");
  EXPECT_EQ(quoteLogValue("k=v"), "\"k=v\"");
}

TEST(QuoteLogValue, ControlCharactersCannotForgeLines) {
  auto v = quoteLogValue("x\n<3>forged event=1");
  EXPECT_EQ(v.find('\n'), std::string::npos) << v;
  EXPECT_EQ(v, "\"x\\n<3>forged event=1\"");
  auto w = quoteLogValue(std::string("a\rb\x01", 4));
  EXPECT_EQ(w, "\"a?b?\"");
}

TEST(Priority, ParsesKnownNames) {
  Priority p = Priority::Info;
  EXPECT_TRUE(parsePriority("debug", p));
  EXPECT_EQ(p, Priority::Debug);
  EXPECT_TRUE(parsePriority("error", p));
  EXPECT_EQ(p, Priority::Error);
  EXPECT_TRUE(parsePriority("warning", p));
  EXPECT_EQ(p, Priority::Warning);
  EXPECT_TRUE(parsePriority("notice", p));
  EXPECT_EQ(p, Priority::Notice);
  EXPECT_TRUE(parsePriority("info", p));
  EXPECT_EQ(p, Priority::Info);
  for (const char* bad : {"", "INFO", "warn", "trace", "info "}) {
    p = Priority::Notice;
    EXPECT_FALSE(parsePriority(bad, p)) << bad;
    EXPECT_EQ(p, Priority::Notice) << "untouched on failure";
  }
}

TEST(Log, WritesOneLineWithPriorityPrefixAndRespectsTheLevel) {
  setLogLevel(Priority::Info);
  ::testing::internal::CaptureStderr();
  logInfo("http.started", {{"listen", "127.0.0.1:8080"}, {"note", "two words"}});
  logDebug("hidden.event");
  logError("db.failed", {{"error", "disk\nfull"}});
  auto out = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(out,
            "<6>http.started listen=127.0.0.1:8080 note=\"two words\"\n"
            "<3>db.failed error=\"disk\\nfull\"\n");

  setLogLevel(Priority::Debug);
  EXPECT_TRUE(logEnabled(Priority::Debug));
  setLogLevel(Priority::Warning);
  EXPECT_FALSE(logEnabled(Priority::Notice));
  EXPECT_TRUE(logEnabled(Priority::Error));
  setLogLevel(Priority::Info);
}

}  // namespace
}  // namespace callpy::observability
