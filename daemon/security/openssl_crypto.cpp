#include "security/openssl_crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <array>
#include <stdexcept>
#include <vector>

namespace callpy::security {

namespace {
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr std::size_t kSaltBytes = 16;
constexpr std::size_t kHashBytes = 32;

std::vector<unsigned char> randomBytes(std::size_t n) {
  std::vector<unsigned char> out(n);
  if (RAND_bytes(out.data(), static_cast<int>(n)) != 1) {
    throw std::runtime_error("the system random generator failed");
  }
  return out;
}

bool scrypt(const std::string& password, const std::string& salt, int logN, int r, int p,
            unsigned char* out, std::size_t outLen) {
  std::uint64_t n = std::uint64_t{1} << logN;
  // maxmem must cover 128 * N * r * p plus slack, or OpenSSL refuses.
  std::uint64_t maxmem = 128ull * n * static_cast<std::uint64_t>(r) * static_cast<std::uint64_t>(p) + (1u << 20);
  return EVP_PBE_scrypt(password.data(), password.size(),
                        reinterpret_cast<const unsigned char*>(salt.data()), salt.size(), n,
                        static_cast<std::uint64_t>(r), static_cast<std::uint64_t>(p), maxmem, out,
                        outLen) == 1;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (;;) {
    auto pos = s.find(sep, start);
    parts.push_back(s.substr(start, pos == std::string::npos ? std::string::npos : pos - start));
    if (pos == std::string::npos) break;
    start = pos + 1;
  }
  return parts;
}
}  // namespace

std::string base64UrlEncode(const unsigned char* data, std::size_t size) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (std::size_t i = 0; i < size; ++i) {
    buffer = (buffer << 8) | data[i];
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kAlphabet[(buffer >> bits) & 0x3f];
    }
  }
  if (bits > 0) out += kAlphabet[(buffer << (6 - bits)) & 0x3f];
  return out;
}

bool base64UrlDecode(const std::string& text, std::string& out) {
  out.clear();
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    const char* pos = std::char_traits<char>::find(kAlphabet, 64, c);
    if (!pos) return false;
    buffer = (buffer << 6) | static_cast<std::uint32_t>(pos - kAlphabet);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xff);
    }
  }
  // Leftover bits must be the zero padding of a whole last byte (2 or 4 bits): anything else
  // means a truncated text or a second spelling of the same bytes.
  return bits < 6 && (buffer & ((1u << bits) - 1)) == 0;
}

std::string OpenSslCrypto::hashPassword(const std::string& password) {
  auto saltBytes = randomBytes(kSaltBytes);
  std::string salt(saltBytes.begin(), saltBytes.end());
  std::array<unsigned char, kHashBytes> hash{};
  if (!scrypt(password, salt, params_.logN, params_.r, params_.p, hash.data(), hash.size())) {
    throw std::runtime_error("scrypt failed");
  }
  return "scrypt$" + std::to_string(params_.logN) + "$" + std::to_string(params_.r) + "$" +
         std::to_string(params_.p) + "$" + base64UrlEncode(saltBytes.data(), saltBytes.size()) +
         "$" + base64UrlEncode(hash.data(), hash.size());
}

bool OpenSslCrypto::verifyPassword(const std::string& password, const std::string& encoded) {
  auto parts = split(encoded, '$');
  if (parts.size() != 6 || parts[0] != "scrypt") return false;
  int logN = 0, r = 0, p = 0;
  try {
    logN = std::stoi(parts[1]);
    r = std::stoi(parts[2]);
    p = std::stoi(parts[3]);
  } catch (const std::exception&) {
    return false;
  }
  if (logN < 1 || logN > 22 || r < 1 || r > 32 || p < 1 || p > 16) return false;
  std::string salt, expected;
  if (!base64UrlDecode(parts[4], salt) || !base64UrlDecode(parts[5], expected) ||
      expected.size() != kHashBytes) {
    return false;
  }
  std::array<unsigned char, kHashBytes> hash{};
  if (!scrypt(password, salt, logN, r, p, hash.data(), hash.size())) return false;
  return CRYPTO_memcmp(hash.data(), expected.data(), kHashBytes) == 0;
}

std::string OpenSslCrypto::randomToken() {
  auto bytes = randomBytes(32);
  return base64UrlEncode(bytes.data(), bytes.size());
}

std::string OpenSslCrypto::sha256Hex(const std::string& data) { return security::sha256Hex(data); }

std::string hexEncode(const unsigned char* data, std::size_t size) {
  static const char* hex = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    out += hex[data[i] >> 4];
    out += hex[data[i] & 0xf];
  }
  return out;
}

std::string sha256Hex(const std::string& data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  return hexEncode(digest, sizeof digest);
}

std::string randomHex(std::size_t bytes) {
  auto random = randomBytes(bytes);
  return hexEncode(random.data(), random.size());
}

}  // namespace callpy::security
