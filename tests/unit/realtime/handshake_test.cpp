#include "realtime/handshake.h"

#include <gtest/gtest.h>

namespace callpy::realtime {
namespace {

UpgradeRequest good() {
  UpgradeRequest r;
  r.method = "GET";
  r.upgrade = "websocket";
  r.connection = "Upgrade";
  r.version = "13";
  r.key = "dGhlIHNhbXBsZSBub25jZQ==";
  return r;
}

TEST(Handshake, ComputesTheRfcExampleAccept) {
  EXPECT_EQ(computeAccept("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  auto r = validateUpgrade(good(), {});
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.accept, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  const std::string head = buildSwitchingProtocols(r.accept);
  EXPECT_EQ(head.rfind("HTTP/1.1 101 Switching Protocols\r\n", 0), 0u);
  EXPECT_NE(head.find("\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"),
            std::string::npos);
  EXPECT_EQ(head.substr(head.size() - 4), "\r\n\r\n");
}

TEST(Handshake, AcceptsTokenListsInAnyCase) {
  auto r = good();
  r.connection = "keep-alive, UPGRADE";
  r.upgrade = "WebSocket";
  EXPECT_TRUE(validateUpgrade(r, {}).ok);
  EXPECT_TRUE(headerHasToken(" a ,b,  Upgrade ", "upgrade"));
  EXPECT_FALSE(headerHasToken("upgrades", "upgrade"));
}

TEST(Handshake, RejectsBadRequests) {
  auto r = good();
  r.method = "POST";
  EXPECT_EQ(validateUpgrade(r, {}).status, 405);
  r = good();
  r.upgrade = "h2c";
  EXPECT_EQ(validateUpgrade(r, {}).status, 400);
  r = good();
  r.connection = "keep-alive";
  EXPECT_EQ(validateUpgrade(r, {}).status, 400);
  r = good();
  r.version = "8";
  EXPECT_EQ(validateUpgrade(r, {}).status, 426);
  r = good();
  r.version = "";
  EXPECT_EQ(validateUpgrade(r, {}).status, 426);
  for (const char* key : {"", "short==", "dGhlIHNhbXBsZSBub25jZQ", "dGhlIHNhbXBsZSBub25jZ===",
                          "dGhlIHNhbXBsZSBub25j!Q==", "dGhlIHNhbXBsZSBub25jZR==",
                          "dGhlIHNhbXBsZSBub25jZQ==AAAA"}) {
    r = good();
    r.key = key;
    auto result = validateUpgrade(r, {});
    EXPECT_FALSE(result.ok) << key;
    EXPECT_EQ(result.status, 400) << key;
  }
}

TEST(Handshake, OriginIsDecidedByTheCaller) {
  auto r = good();
  r.origin = "https://shop.example";
  r.hasOrigin = true;
  std::string seen;
  auto allowShop = [&](std::string_view origin, bool has) {
    seen = std::string(origin);
    return has && origin == "https://shop.example";
  };
  EXPECT_TRUE(validateUpgrade(r, allowShop).ok);
  EXPECT_EQ(seen, "https://shop.example");
  r.origin = "https://evil.example";
  auto bad = validateUpgrade(r, allowShop);
  EXPECT_FALSE(bad.ok);
  EXPECT_EQ(bad.status, 403);
  r.hasOrigin = false;
  r.origin = "";
  EXPECT_EQ(validateUpgrade(r, allowShop).status, 403);
}

}  // namespace
}  // namespace callpy::realtime
