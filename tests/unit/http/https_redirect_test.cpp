// Where plain HTTP sends a browser when HTTPS runs too.
#include "http/https_redirect.h"

#include <gtest/gtest.h>

namespace callpy::http {
namespace {

TEST(HttpsRedirect, UsesPublicUrlOriginWhenItIsHttps) {
  HttpsRedirect r{"https://chat.example.com", 443};
  EXPECT_EQ(httpsLocation(r, "10.0.0.5:80", "/app/?x=1"), "https://chat.example.com/app/?x=1");
  EXPECT_EQ(httpsLocation(r, "", "/"), "https://chat.example.com/");
}

TEST(HttpsRedirect, OtherwiseTheRequestHostOnTheHttpsPort) {
  HttpsRedirect r{"", 8443};
  EXPECT_EQ(httpsLocation(r, "127.0.0.1:8080", "/widget/loader.js"), "https://127.0.0.1:8443/widget/loader.js");
  EXPECT_EQ(httpsLocation(r, "Chat.Example.com", "/a"), "https://Chat.Example.com:8443/a");
  EXPECT_EQ(httpsLocation(r, "[::1]:8080", "/a"), "https://[::1]:8443/a");
  EXPECT_EQ(httpsLocation(HttpsRedirect{"", 443}, "example.com:80", "/"), "https://example.com/");
}

TEST(HttpsRedirect, RefusesHostsThatCouldInjectOrRedirectElsewhere) {
  HttpsRedirect r{"", 443};
  EXPECT_FALSE(httpsLocation(r, "", "/"));
  EXPECT_FALSE(httpsLocation(r, "evil.com/x", "/"));
  EXPECT_FALSE(httpsLocation(r, "a b", "/"));
  EXPECT_FALSE(httpsLocation(r, "a\r\nSet-Cookie: x", "/"));
  EXPECT_FALSE(httpsLocation(r, "[::1", "/"));
  EXPECT_FALSE(httpsLocation(r, "example.com:80x", "/"));
  EXPECT_FALSE(httpsLocation(r, "user@evil.com", "/"));
}

TEST(HttpsRedirect, KeepsOnlyAnOriginFormPath) {
  HttpsRedirect r{"https://c.example", 443};
  EXPECT_EQ(httpsLocation(r, "", "//evil.com/x"), "https://c.example/");  // not protocol-relative
  EXPECT_EQ(httpsLocation(r, "", "http://other/x"), "https://c.example/");
  EXPECT_EQ(httpsLocation(r, "", "*"), "https://c.example/");
}

TEST(HttpsRedirect, PermanentRedirectKeepsTheMethodOfWrites) {
  EXPECT_EQ(redirectStatus("GET"), 301);
  EXPECT_EQ(redirectStatus("HEAD"), 301);
  EXPECT_EQ(redirectStatus("POST"), 308);
  EXPECT_EQ(redirectStatus("DELETE"), 308);
}

}  // namespace
}  // namespace callpy::http
