#include "config/validators.h"

#include <gtest/gtest.h>

#include "core/sites/types.h"

namespace callpy::config {
namespace {

TEST(HostPort, Parses) {
  auto hp = parseHostPort("127.0.0.1:8080");
  ASSERT_TRUE(hp);
  EXPECT_EQ(hp->host, "127.0.0.1");
  EXPECT_EQ(hp->port, 8080);
  EXPECT_EQ(hp->toString(), "127.0.0.1:8080");
  auto v6 = parseHostPort("[::1]:9464");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->toString(), "[::1]:9464");
  EXPECT_TRUE(parseHostPort("localhost:1"));
  EXPECT_TRUE(parseHostPort("0.0.0.0:65535"));
  std::string error;
  for (const char* bad :
       {"", "8080", ":8080", "localhost", "localhost:", "localhost:0", "localhost:65536",
        "::1:8080", "[::1]8080", "[zz]:80", "bad host:80", "-x.example:80", "host:80x"}) {
    EXPECT_FALSE(parseHostPort(bad, &error)) << bad;
    EXPECT_FALSE(error.empty());
  }
}

TEST(Origin, NormalisesLikeBrowsers) {
  EXPECT_EQ(normalizeOrigin("https://shop.example.com"), "https://shop.example.com");
  EXPECT_EQ(normalizeOrigin("HTTPS://Shop.Example.COM:443/"), "https://shop.example.com");
  EXPECT_EQ(normalizeOrigin("http://localhost:80"), "http://localhost");
  EXPECT_EQ(normalizeOrigin("http://127.0.0.1:8080"), "http://127.0.0.1:8080");
  EXPECT_EQ(normalizeOrigin("https://[::1]:8443"), "https://[::1]:8443");
  std::string error;
  for (const char* bad :
       {"shop.example.com", "ftp://x.example", "https://", "https://x.example/a",
        "https://x.example?q", "https://x.example#f", "https://u@x.example", "https://x.example:0",
        "https://x.example:99999", "https://x_y.example"}) {
    EXPECT_FALSE(normalizeOrigin(bad, &error)) << bad;
  }
}

TEST(PublicUrl, KeepsPathDropsTrailingSlash) {
  EXPECT_EQ(normalizePublicUrl("https://Chat.Example.com/"), "https://chat.example.com");
  EXPECT_EQ(normalizePublicUrl("https://example.com/callpy/"), "https://example.com/callpy");
  EXPECT_EQ(normalizePublicUrl("http://127.0.0.1:8080"), "http://127.0.0.1:8080");
  EXPECT_FALSE(normalizePublicUrl("https://example.com/?x=1"));
  EXPECT_FALSE(normalizePublicUrl("example.com"));
}

TEST(Email, PlainAddressesOnly) {
  EXPECT_TRUE(isValidEmail("anna@example.com"));
  EXPECT_TRUE(isValidEmail("first.last+tag@sub.example.co"));
  EXPECT_TRUE(isValidEmail("root@localhost"));
  for (const char* bad :
       {"", "anna", "@example.com", "anna@", "anna@@example.com", "an na@example.com",
        "anna@exa mple.com", "anna@-example.com", ".anna@example.com", "an..na@example.com",
        "<anna@example.com>", "anna@example.com."}) {
    EXPECT_FALSE(isValidEmail(bad)) << bad;
  }
  EXPECT_TRUE(isValidMailbox("Callpy <noreply@example.com>"));
  EXPECT_TRUE(isValidMailbox("noreply@example.com"));
  EXPECT_FALSE(isValidMailbox("Callpy <noreply@example.com"));
  EXPECT_FALSE(isValidMailbox("Callpy <not an address>"));
}

// The loader checks ids with core's rule (config re-exports it rather than keeping its own copy).
TEST(Slug, Charset) {
  EXPECT_TRUE(core::sites::isValidSlug("demo"));
  EXPECT_TRUE(core::sites::isValidSlug("a-1"));
  EXPECT_TRUE(core::sites::isValidSlug(std::string(32, 'a')));
  EXPECT_FALSE(core::sites::isValidSlug(std::string(33, 'a')));
  EXPECT_FALSE(core::sites::isValidSlug(""));
  EXPECT_FALSE(core::sites::isValidSlug("Demo"));
  EXPECT_FALSE(core::sites::isValidSlug("a_b"));
  EXPECT_FALSE(core::sites::isValidSlug("a b"));
  EXPECT_FALSE(core::sites::isValidSlug("caf\xc3\xa9"));
}

}  // namespace
}  // namespace callpy::config
