#pragma once
// Self-signed certificates made in-process for the TLS tests: a P-256 key, a certificate for
// localhost/127.0.0.1, written as PEM into a fresh temp dir. Header-only (config tests use it too).
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "../storage/temp_dir.h"

namespace callpy::testsupport {

// A temp dir (file(), path(); removed afterwards) that also makes certificates.
class CertDir : public storage::testing::TempDir {
 public:
  CertDir() : TempDir("callpy-tls") {}

  // Writes <name>.crt and <name>.key; returns {cert path, key path}. `passphrase`: encrypt the key.
  std::pair<std::string, std::string> makePair(const std::string& name,
                                               const std::string& cn = "localhost",
                                               const char* passphrase = nullptr) const {
    EVP_PKEY* key = EVP_EC_gen("P-256");
    if (!key) throw std::runtime_error("EVP_EC_gen failed");
    X509* x = X509_new();
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), ++serial_);
    X509_gmtime_adj(X509_getm_notBefore(x), -60);
    X509_gmtime_adj(X509_getm_notAfter(x), 3600L * 24);
    X509_set_pubkey(x, key);
    X509_NAME* n = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
    X509_set_issuer_name(x, n);
    X509_sign(x, key, EVP_sha256());
    const std::string crt = file(name + ".crt");
    const std::string keyFile = file(name + ".key");
    FILE* f = std::fopen(crt.c_str(), "w");
    PEM_write_X509(f, x);
    std::fclose(f);
    f = std::fopen(keyFile.c_str(), "w");
    if (passphrase) {
      PEM_write_PrivateKey(f, key, EVP_aes_256_cbc(), nullptr, 0, nullptr,
                           const_cast<char*>(passphrase));
    } else {
      PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr);
    }
    std::fclose(f);
    X509_free(x);
    EVP_PKEY_free(key);
    return {crt, keyFile};
  }

  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(file(name), std::ios::binary) << text;
    return file(name);
  }

  static std::string read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }

 private:
  mutable long serial_ = 0;
};

}  // namespace callpy::testsupport
