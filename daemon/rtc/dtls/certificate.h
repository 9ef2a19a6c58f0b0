#pragma once
// The daemon's DTLS identity: a throw-away self-signed ECDSA P-256 certificate. Browsers do not
// check it against a CA; they pin it by the SHA-256 fingerprint we put in the SDP answer.
#include <memory>
#include <string>

struct x509_st;      // X509
struct evp_pkey_st;  // EVP_PKEY

namespace callpy::rtc::dtls {

class Certificate {
 public:
  // Self-signed, valid from one day ago (clock skew) for 30 days, random 64-bit serial,
  // CN "callpy", signed with SHA-256. Throws std::runtime_error with OpenSSL's reason.
  static std::shared_ptr<const Certificate> generateEcdsaP256();

  ~Certificate();
  Certificate(const Certificate&) = delete;
  Certificate& operator=(const Certificate&) = delete;

  // "AB:CD:..." (upper case, 32 colon-separated bytes), as in a=fingerprint:sha-256.
  const std::string& fingerprintSha256() const { return fingerprint_; }
  // Borrowed; valid as long as the Certificate. OpenSSL's API takes them non-const.
  x509_st* x509() const { return x509_; }
  evp_pkey_st* privateKey() const { return key_; }

 private:
  Certificate(x509_st* x509, evp_pkey_st* key);
  x509_st* x509_;
  evp_pkey_st* key_;
  std::string fingerprint_;
};

// The SHA-256 fingerprint of any certificate in the "AB:CD:..." form; empty on failure.
std::string fingerprintSha256(x509_st* certificate);

}  // namespace callpy::rtc::dtls
