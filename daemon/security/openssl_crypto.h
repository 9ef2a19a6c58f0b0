#pragma once
// core::ports::Crypto on OpenSSL: scrypt password hashes, CSPRNG tokens, SHA-256.
#include "core/ports/crypto.h"

namespace callpy::security {

struct ScryptParams {
  // N = 2^15, r = 8, p = 1: 32 MiB and ~0.1 s per hash on this machine's class of CPU.
  int logN = 15;
  int r = 8;
  int p = 1;
};

class OpenSslCrypto : public core::ports::Crypto {
 public:
  explicit OpenSslCrypto(ScryptParams params = {}) : params_(params) {}
  // Format: "scrypt$<logN>$<r>$<p>$<salt b64>$<hash b64>". Verification reads the parameters
  // from the stored hash, so raising the cost later keeps old hashes valid.
  std::string hashPassword(const std::string& password) override;
  bool verifyPassword(const std::string& password, const std::string& encoded) override;
  std::string randomToken() override;
  std::string sha256Hex(const std::string& data) override;

 private:
  ScryptParams params_;
};

std::string base64UrlEncode(const unsigned char* data, std::size_t size);
std::string hexEncode(const unsigned char* data, std::size_t size);  // lower case
std::string sha256Hex(const std::string& data);
// `bytes` random bytes from the CSPRNG as lower-case hex (ids and one-time tokens).
std::string randomHex(std::size_t bytes);
bool base64UrlDecode(const std::string& text, std::string& out);

}  // namespace callpy::security
