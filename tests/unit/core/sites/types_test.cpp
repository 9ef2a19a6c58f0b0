#include "core/sites/types.h"

#include <gtest/gtest.h>

namespace callpy::core::sites {
namespace {

TEST(OriginOf, KeepsSchemeHostAndPort) {
  EXPECT_EQ(originOf("https://Shop.Example.com/path?q=1#x"), "https://shop.example.com");
  EXPECT_EQ(originOf("http://example.com:8080/"), "http://example.com:8080");
  EXPECT_EQ(originOf("HTTPS://example.com"), "https://example.com");
  EXPECT_EQ(originOf("  example.com/shop  "), "https://example.com");
  EXPECT_EQ(originOf("http://localhost:3000"), "http://localhost:3000");
  EXPECT_EQ(originOf("https://example.com?x"), "https://example.com");
  EXPECT_EQ(originOf("https://[::1]:8443/"), "https://[::1]:8443");
}

// Browsers send Origin without the scheme's default port, so a stored origin must not keep it
// or CORS checks would never match.
TEST(OriginOf, DropsDefaultPorts) {
  EXPECT_EQ(originOf("https://example.com:443/a"), "https://example.com");
  EXPECT_EQ(originOf("http://example.com:80"), "http://example.com");
  EXPECT_EQ(originOf("http://example.com:443"), "http://example.com:443");
  EXPECT_EQ(originOf("https://example.com:80"), "https://example.com:80");
}

TEST(OriginOf, IPv6WithoutPort) { EXPECT_EQ(originOf("http://[::1]/x"), "http://[::1]"); }

TEST(OriginOf, RejectsWhatIsNotAWebAddress) {
  for (const char* bad : {"", "   ", "ftp://example.com", "javascript:alert(1)",
                          "mailto:a@example.com", "https://", "https:///path",
                          "https://user@example.com", "https://example.com:", "https://example.com:0",
                          "https://example.com:65536", "https://example.com:123456",
                          "https://exa mple.com", "https://exam_ple.com", "https://пример.рф",
                          "https://example.com:80a", "file:///etc/passwd", "//example.com"}) {
    EXPECT_FALSE(originOf(bad)) << "'" << bad << "' gave " << originOf(bad).value_or("");
  }
}

TEST(Slugify, MakesUrlSafeIds) {
  EXPECT_EQ(slugify("My Shop"), "my-shop");
  EXPECT_EQ(slugify("  Hello,   World!! "), "hello-world");
  EXPECT_EQ(slugify("Shop 24/7"), "shop-24-7");
  EXPECT_EQ(slugify("---"), "");
  EXPECT_EQ(slugify(""), "");
}

TEST(Slugify, NonAsciiLettersAreDropped) {
  EXPECT_EQ(slugify("Магазин"), "");
  EXPECT_EQ(slugify("Магазин Shop"), "shop");
  EXPECT_EQ(slugify("Shop Магазин 2"), "shop-2");
}

TEST(Slugify, LimitedTo32AndNoTrailingDash) {
  auto s = slugify(std::string(40, 'a'));
  EXPECT_EQ(s, std::string(32, 'a'));
  auto t = slugify(std::string(31, 'b') + " c");
  EXPECT_LE(t.size(), 32u);
  EXPECT_NE(t.back(), '-');
  EXPECT_TRUE(isValidSlug(t));
}

TEST(IsValidSlug, Cases) {
  for (const char* good : {"a", "shop", "my-shop-2", "0"}) EXPECT_TRUE(isValidSlug(good)) << good;
  for (const char* bad : {"", "Shop", "my shop", "my_shop", "a/b", "..", "магазин", "a.b"}) {
    EXPECT_FALSE(isValidSlug(bad)) << bad;
  }
  EXPECT_TRUE(isValidSlug(std::string(32, 'x')));
  EXPECT_FALSE(isValidSlug(std::string(33, 'x')));
}

}  // namespace
}  // namespace callpy::core::sites

namespace callpy::core::sites {
namespace {

TEST(IsValidSlug, StartsAndEndsWithALetterOrDigit) {
  EXPECT_TRUE(isValidSlug("a"));
  EXPECT_TRUE(isValidSlug("shop-2"));
  EXPECT_FALSE(isValidSlug("-"));
  EXPECT_FALSE(isValidSlug("-shop"));
  EXPECT_FALSE(isValidSlug("shop-"));
}

}  // namespace
}  // namespace callpy::core::sites
