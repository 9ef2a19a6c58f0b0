#pragma once
// What every DTLS-SRTP transport of the process shares: the certificate and one SSL_CTX set up
// for WebRTC (DTLS 1.2 only, ECDHE with AES-GCM / ChaCha20 suites, no tickets, no
// renegotiation, use_srtp). Create it once and hand the shared_ptr to every DtlsTransport;
// OpenSSL allows SSL_new on one SSL_CTX from several threads.
#include <memory>
#include <string>

#include "rtc/dtls/certificate.h"

struct ssl_ctx_st;  // SSL_CTX

namespace callpy::rtc::dtls {

class DtlsContext {
 public:
  // Throws std::runtime_error with OpenSSL's reason if the context cannot be built.
  static std::shared_ptr<const DtlsContext> create(std::shared_ptr<const Certificate> certificate);

  ~DtlsContext();
  DtlsContext(const DtlsContext&) = delete;
  DtlsContext& operator=(const DtlsContext&) = delete;

  const Certificate& certificate() const { return *certificate_; }
  // Our a=fingerprint:sha-256 value.
  const std::string& fingerprintSha256() const { return certificate_->fingerprintSha256(); }
  ssl_ctx_st* native() const { return context_; }

 private:
  DtlsContext(std::shared_ptr<const Certificate> certificate, ssl_ctx_st* context);
  std::shared_ptr<const Certificate> certificate_;
  ssl_ctx_st* context_;
};

}  // namespace callpy::rtc::dtls
