#include "realtime/session_support.h"

#include <gtest/gtest.h>

#include "core/common/error.h"

namespace callpy::realtime {
namespace {

TEST(ParseClientFrame, NeedsAnObjectWithAStringType) {
  std::string error;
  EXPECT_TRUE(parseClientFrame(R"({"t":"msg","cid":"a"})", error).has_value());
  EXPECT_FALSE(parseClientFrame("{not json", error).has_value());
  EXPECT_NE(error.find("JSON"), std::string::npos);
  EXPECT_FALSE(parseClientFrame("[1]", error).has_value());
  EXPECT_FALSE(parseClientFrame(R"({"t":5})", error).has_value());
  EXPECT_FALSE(parseClientFrame(std::string(100, '[') + std::string(100, ']'), error).has_value());
}

TEST(ErrorFrame, KeepsDomainCodesAndHidesInternals) {
  auto f = errorFrame(std::make_exception_ptr(core::invalid("bad cid", "cid")), "c1");
  EXPECT_EQ(f->getValue<std::string>("code"), "invalid");
  EXPECT_EQ(f->getValue<std::string>("cid"), "c1");
  f = errorFrame(std::make_exception_ptr(std::runtime_error("sqlite said something")));
  EXPECT_EQ(f->getValue<std::string>("code"), "internal");
  EXPECT_EQ(f->getValue<std::string>("message"), "internal error");
}

TEST(Throttle, AllowsAtMostNPerSecond) {
  Throttle t(3);
  EXPECT_TRUE(t.allow());
  EXPECT_TRUE(t.allow());
  EXPECT_TRUE(t.allow());
  EXPECT_FALSE(t.allow());
}

TEST(Cid, PrintableAsciiUpTo64) {
  EXPECT_TRUE(isValidCid("c-1_ABC"));
  EXPECT_FALSE(isValidCid(""));
  EXPECT_FALSE(isValidCid(std::string(65, 'a')));
  EXPECT_FALSE(isValidCid("with space"));
  EXPECT_FALSE(isValidCid("тест"));
}

}  // namespace
}  // namespace callpy::realtime
