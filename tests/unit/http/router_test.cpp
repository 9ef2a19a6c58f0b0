#include "http/router.h"

#include <gtest/gtest.h>

namespace callpy::http {
namespace {

Router sample() {
  Router r;
  r.add("GET", "/api/panel/sites", Access::Session, [](Exchange&) {});
  r.add("POST", "/api/panel/sites", Access::Session, [](Exchange&) {});
  r.add("GET", "/api/panel/sites/{site}", Access::Session, [](Exchange&) {});
  r.add("POST", "/api/panel/sites/{site}/operators/{user}/disable", Access::Session,
        [](Exchange&) {});
  r.add("POST", "/api/panel/auth/login", Access::Public, [](Exchange&) {});
  return r;
}

TEST(SplitPath, SegmentsAndDecoding) {
  std::vector<std::string> s;
  ASSERT_TRUE(splitPath("/a/b/c", s));
  EXPECT_EQ(s, (std::vector<std::string>{"a", "b", "c"}));
  ASSERT_TRUE(splitPath("/", s));
  EXPECT_TRUE(s.empty());
  ASSERT_TRUE(splitPath("/a/b/", s));
  EXPECT_EQ(s, (std::vector<std::string>{"a", "b"}));
  ASSERT_TRUE(splitPath("//a", s));
  EXPECT_EQ(s, (std::vector<std::string>{"", "a"}));
  ASSERT_TRUE(splitPath("/a%20b/x%2Fy/%2e%2e", s));
  EXPECT_EQ(s, (std::vector<std::string>{"a b", "x/y", ".."}));
  EXPECT_FALSE(splitPath("", s));
  EXPECT_FALSE(splitPath("a/b", s));
  EXPECT_FALSE(splitPath("/a%zz", s));
  EXPECT_FALSE(splitPath("/a%2", s));
}

TEST(Router, MatchesLiteralsAndCapturesParams) {
  auto r = sample();
  auto m = r.match("GET", "/api/panel/sites");
  ASSERT_TRUE(m.route);
  EXPECT_EQ(m.route->method, "GET");
  EXPECT_EQ(m.route->access, Access::Session);
  EXPECT_TRUE(m.params.empty());

  m = r.match("POST", "/api/panel/sites/shop/operators/a%40b.com/disable");
  ASSERT_TRUE(m.route);
  EXPECT_EQ(m.params.at("site"), "shop");
  EXPECT_EQ(m.params.at("user"), "a@b.com");

  m = r.match("POST", "/api/panel/auth/login");
  ASSERT_TRUE(m.route);
  EXPECT_EQ(m.route->access, Access::Public);
}

TEST(Router, ParamsAreDecodedOnce) {
  auto m = sample().match("GET", "/api/panel/sites/a%252Fb");
  ASSERT_TRUE(m.route);
  EXPECT_EQ(m.params.at("site"), "a%2Fb");
}

TEST(Router, SameMethodDifferentRoutes) {
  auto r = sample();
  EXPECT_EQ(r.match("POST", "/api/panel/sites").route->segments.size(), 3u);
  EXPECT_EQ(r.match("GET", "/api/panel/sites/x").route->segments.size(), 4u);
}

TEST(Router, EmptyCaptureDoesNotMatch) {
  auto m = sample().match("POST", "/api/panel/sites//operators/u/disable");
  EXPECT_FALSE(m.route);
  EXPECT_FALSE(m.pathMatchedOtherMethod);
}

TEST(Router, OtherMethodIsReported) {
  auto r = sample();
  auto m = r.match("DELETE", "/api/panel/sites");
  EXPECT_FALSE(m.route);
  EXPECT_TRUE(m.pathMatchedOtherMethod);
  m = r.match("GET", "/api/panel/auth/login");
  EXPECT_FALSE(m.route);
  EXPECT_TRUE(m.pathMatchedOtherMethod);
  m = r.match("GET", "/api/panel/nothing");
  EXPECT_FALSE(m.route);
  EXPECT_FALSE(m.pathMatchedOtherMethod);
}

TEST(Router, HeadFallsBackToGet) {
  auto r = sample();
  auto m = r.match("HEAD", "/api/panel/sites/x");
  ASSERT_TRUE(m.route);
  EXPECT_EQ(m.route->method, "GET");
  m = r.match("HEAD", "/api/panel/auth/login");  // POST only
  EXPECT_FALSE(m.route);
  EXPECT_TRUE(m.pathMatchedOtherMethod);
}

TEST(Router, MalformedPathMatchesNothing) {
  auto m = sample().match("GET", "/api/panel/sites/%zz");
  EXPECT_FALSE(m.route);
  EXPECT_FALSE(m.pathMatchedOtherMethod);
  EXPECT_FALSE(sample().match("GET", "api/panel/sites").route);
}

}  // namespace
}  // namespace callpy::http

namespace callpy::http {
namespace {

// Paths carry secrets (invitation tokens): logs get them redacted.
TEST(PathForLog, RedactsLongSegments) {
  EXPECT_EQ(pathForLog("/api/panel/sites/shop"), "/api/panel/sites/shop");
  EXPECT_EQ(pathForLog("/api/panel/invites/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcde"),
            "/api/panel/invites/[redacted]");
  EXPECT_EQ(pathForLog("/app/reset?token=secretsecretsecret"), "/app/reset");
}

}  // namespace
}  // namespace callpy::http
