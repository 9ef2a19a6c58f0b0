#include "security/openssl_crypto.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace callpy::security {
namespace {

// logN = 10 keeps each hash around a millisecond.
OpenSslCrypto cheap() { return OpenSslCrypto(ScryptParams{10, 8, 1}); }

std::vector<std::string> fields(const std::string& encoded) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    auto pos = encoded.find('$', start);
    out.push_back(encoded.substr(start, pos == std::string::npos ? pos : pos - start));
    if (pos == std::string::npos) return out;
    start = pos + 1;
  }
}

std::string join(const std::vector<std::string>& f) {
  std::string out;
  for (std::size_t i = 0; i < f.size(); ++i) out += (i ? "$" : "") + f[i];
  return out;
}

TEST(PasswordHash, RoundTrip) {
  auto c = cheap();
  auto h = c.hashPassword("correct horse battery staple");
  EXPECT_TRUE(c.verifyPassword("correct horse battery staple", h));
  EXPECT_FALSE(c.verifyPassword("correct horse battery stapl", h));
  EXPECT_FALSE(c.verifyPassword("", h));
  // Salted: the same password hashes differently each time.
  auto h2 = c.hashPassword("correct horse battery staple");
  EXPECT_NE(h, h2);
  EXPECT_TRUE(c.verifyPassword("correct horse battery staple", h2));
}

TEST(PasswordHash, EmptyAndBinaryPasswords) {
  auto c = cheap();
  EXPECT_TRUE(c.verifyPassword("", c.hashPassword("")));
  std::string binary("a\0b\xff", 4);
  auto h = c.hashPassword(binary);
  EXPECT_TRUE(c.verifyPassword(binary, h));
  EXPECT_FALSE(c.verifyPassword("a", h));
}

TEST(PasswordHash, FormatIsSelfDescribing) {
  auto f = fields(cheap().hashPassword("pw"));
  ASSERT_EQ(f.size(), 6u);
  EXPECT_EQ(f[0], "scrypt");
  EXPECT_EQ(f[1], "10");
  EXPECT_EQ(f[2], "8");
  EXPECT_EQ(f[3], "1");
  EXPECT_EQ(f[4].size(), 22u);  // 16 bytes
  EXPECT_EQ(f[5].size(), 43u);  // 32 bytes
}

TEST(PasswordHash, VerifyReadsParametersFromTheHash) {
  auto h = OpenSslCrypto(ScryptParams{11, 4, 2}).hashPassword("pw");
  EXPECT_EQ(fields(h)[1], "11");
  // A verifier configured with other parameters still accepts it.
  EXPECT_TRUE(cheap().verifyPassword("pw", h));
  // Changing the stored parameters changes the result.
  auto f = fields(h);
  f[1] = "10";
  EXPECT_FALSE(cheap().verifyPassword("pw", join(f)));
}

TEST(PasswordHash, TamperedHashFails) {
  auto c = cheap();
  auto h = c.hashPassword("pw");
  auto f = fields(h);
  for (std::size_t field : {4u, 5u}) {
    auto g = f;
    g[field][3] = g[field][3] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(c.verifyPassword("pw", join(g))) << field;
  }
}

// Only one text may encode a given digest: spare bits in the last character must be zero,
// or a changed stored hash would still verify.
TEST(PasswordHash, NonCanonicalEncodingIsRejected) {
  auto c = cheap();
  auto f = fields(c.hashPassword("pw"));
  auto last = f[5].back();
  const std::string alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  auto index = alphabet.find(last);
  ASSERT_EQ(index % 4, 0u) << "43 chars carry 256 bits: the last one has 2 spare zero bits";
  f[5].back() = alphabet[index + 1];
  EXPECT_FALSE(c.verifyPassword("pw", join(f)));
}

TEST(PasswordHash, MalformedEncodingsFail) {
  auto c = cheap();
  auto f = fields(c.hashPassword("pw"));
  std::vector<std::string> bad = {
      "", "scrypt", "plain", "scrypt$$$$$", "argon2$10$8$1$" + f[4] + "$" + f[5],
      join({f[0], "x", f[2], f[3], f[4], f[5]}), join({f[0], f[1], "0", f[3], f[4], f[5]}),
      join({f[0], "0", f[2], f[3], f[4], f[5]}), join({f[0], "99", f[2], f[3], f[4], f[5]}),
      join({f[0], f[1], f[2], "-1", f[4], f[5]}), join({f[0], f[1], f[2], f[3], "!!", f[5]}),
      join({f[0], f[1], f[2], f[3], f[4], f[5] + "AAAA"}),
      join({f[0], f[1], f[2], f[3], f[4], f[5].substr(0, 40)}),
      join({f[0], f[1], f[2], f[3], f[4], f[5], "extra"}),
      join({f[0], "99999999999999999999", f[2], f[3], f[4], f[5]})};
  for (const auto& e : bad) EXPECT_FALSE(c.verifyPassword("pw", e)) << e;
}

TEST(RandomToken, LengthAlphabetUniqueness) {
  auto c = cheap();
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    auto t = c.randomToken();
    ASSERT_EQ(t.size(), 43u);
    EXPECT_EQ(t.find_first_not_of(
                  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
              std::string::npos)
        << t;
    std::string raw;
    ASSERT_TRUE(base64UrlDecode(t, raw));
    EXPECT_EQ(raw.size(), 32u);
    seen.insert(t);
  }
  EXPECT_EQ(seen.size(), 200u);
}

TEST(Sha256Hex, KnownVectors) {
  auto c = cheap();
  EXPECT_EQ(c.sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(c.sha256Hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Base64Url, KnownVectorsWithoutPadding) {
  auto enc = [](const std::string& s) {
    return base64UrlEncode(reinterpret_cast<const unsigned char*>(s.data()), s.size());
  };
  EXPECT_EQ(enc(""), "");
  EXPECT_EQ(enc("f"), "Zg");
  EXPECT_EQ(enc("fo"), "Zm8");
  EXPECT_EQ(enc("foo"), "Zm9v");
  EXPECT_EQ(enc("foob"), "Zm9vYg");
  EXPECT_EQ(enc(std::string("\xfb\xff\xfe", 3)), "-__-");
}

TEST(Base64Url, RoundTripAllLengths) {
  std::string data;
  for (int i = 0; i < 70; ++i) {
    auto text = base64UrlEncode(reinterpret_cast<const unsigned char*>(data.data()), data.size());
    std::string back;
    ASSERT_TRUE(base64UrlDecode(text, back)) << i;
    EXPECT_EQ(back, data) << i;
    data += static_cast<char>(i * 37 + 11);
  }
}

TEST(Base64Url, RejectsBadInput) {
  std::string out;
  EXPECT_FALSE(base64UrlDecode("Zm9v=", out));  // padding is not part of this encoding
  EXPECT_FALSE(base64UrlDecode("Zm+v", out));   // standard alphabet
  EXPECT_FALSE(base64UrlDecode("Zm/v", out));
  EXPECT_FALSE(base64UrlDecode("Zm9 ", out));
  EXPECT_FALSE(base64UrlDecode(std::string("Zm\0v", 4), out));
  EXPECT_FALSE(base64UrlDecode("Z", out));      // 6 bits cannot end a byte string
  EXPECT_FALSE(base64UrlDecode("Zm9vY", out));
  EXPECT_FALSE(base64UrlDecode("Zh", out));     // non-zero spare bits ("Zg" is canonical)
  EXPECT_TRUE(base64UrlDecode("Zg", out));
  EXPECT_EQ(out, "f");
}

}  // namespace
}  // namespace callpy::security

namespace callpy::security {
namespace {

TEST(HexHelpers, EncodeHashAndRandomIds) {
  const unsigned char bytes[] = {0x00, 0x0f, 0xa5, 0xff};
  EXPECT_EQ(hexEncode(bytes, sizeof bytes), "000fa5ff");
  EXPECT_EQ(sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const auto a = randomHex(16);
  EXPECT_EQ(a.size(), 32u);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(a, randomHex(16));
}

}  // namespace
}  // namespace callpy::security
