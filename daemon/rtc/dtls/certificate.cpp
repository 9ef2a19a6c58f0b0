#include "rtc/dtls/certificate.h"

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <stdexcept>

namespace callpy::rtc::dtls {
namespace {

[[noreturn]] void fail(const char* what) {
  char reason[256] = "unknown error";
  if (unsigned long code = ERR_get_error(); code != 0) ERR_error_string_n(code, reason, sizeof reason);
  ERR_clear_error();
  throw std::runtime_error(std::string("certificate: ") + what + ": " + reason);
}

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct BnFree {
  void operator()(BIGNUM* b) const { BN_free(b); }
};

}  // namespace

std::string fingerprintSha256(X509* certificate) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (certificate == nullptr || X509_digest(certificate, EVP_sha256(), digest, &length) != 1) {
    return {};
  }
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(length * 3);
  for (unsigned int i = 0; i < length; ++i) {
    if (i > 0) out += ':';
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0x0F];
  }
  return out;
}

std::shared_ptr<const Certificate> Certificate::generateEcdsaP256() {
  std::unique_ptr<EVP_PKEY, PkeyFree> key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (!key) fail("P-256 key generation");

  std::unique_ptr<X509, X509Free> x509(X509_new());
  if (!x509) fail("X509_new");
  if (X509_set_version(x509.get(), X509_VERSION_3) != 1) fail("version");

  // A random serial: browsers cache nothing by it, but equal serials from one issuer name
  // upset some stacks when a certificate is regenerated.
  std::unique_ptr<BIGNUM, BnFree> serial(BN_new());
  if (!serial || BN_rand(serial.get(), 63, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
      BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(x509.get())) == nullptr) {
    fail("serial");
  }
  if (X509_gmtime_adj(X509_getm_notBefore(x509.get()), -24L * 3600) == nullptr ||
      X509_gmtime_adj(X509_getm_notAfter(x509.get()), 30L * 24 * 3600) == nullptr) {
    fail("validity");
  }
  X509_NAME* name = X509_get_subject_name(x509.get());
  if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                 reinterpret_cast<const unsigned char*>("callpy"), -1, -1,
                                 0) != 1 ||
      X509_set_issuer_name(x509.get(), name) != 1) {
    fail("subject");
  }
  if (X509_set_pubkey(x509.get(), key.get()) != 1) fail("public key");
  if (X509_sign(x509.get(), key.get(), EVP_sha256()) <= 0) fail("signature");

  return std::shared_ptr<const Certificate>(new Certificate(x509.release(), key.release()));
}

Certificate::Certificate(X509* x509, EVP_PKEY* key)
    : x509_(x509), key_(key), fingerprint_(dtls::fingerprintSha256(x509)) {}

Certificate::~Certificate() {
  X509_free(x509_);
  EVP_PKEY_free(key_);
}

}  // namespace callpy::rtc::dtls
