#pragma once
// Cryptographic primitives the domain needs, implemented by an adapter (OpenSSL).
#include <string>

namespace callpy::core::ports {

class Crypto {
 public:
  virtual ~Crypto() = default;
  // A self-describing password hash (algorithm, parameters, salt, digest).
  virtual std::string hashPassword(const std::string& password) = 0;
  virtual bool verifyPassword(const std::string& password, const std::string& encoded) = 0;
  // 256 random bits, URL-safe text.
  virtual std::string randomToken() = 0;
  // Hex SHA-256: how tokens are stored.
  virtual std::string sha256Hex(const std::string& data) = 0;
};

}  // namespace callpy::core::ports
