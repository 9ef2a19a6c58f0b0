#include "rtc/dtls/dtls_context.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <stdexcept>

namespace callpy::rtc::dtls {
namespace {

// ECDHE only (forward secrecy); ECDSA first because that is our certificate, RSA for peers
// that bring an RSA one (we are the client only in the benchmark).
constexpr const char* kCiphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-CHACHA20-POLY1305";
constexpr const char* kGroups = "X25519:P-256:P-384";

[[noreturn]] void fail(SSL_CTX* context, const char* what) {
  char reason[256] = "unknown error";
  if (unsigned long code = ERR_get_error(); code != 0) ERR_error_string_n(code, reason, sizeof reason);
  ERR_clear_error();
  SSL_CTX_free(context);
  throw std::runtime_error(std::string("DTLS context: ") + what + ": " + reason);
}

}  // namespace

std::shared_ptr<const DtlsContext> DtlsContext::create(
    std::shared_ptr<const Certificate> certificate) {
  if (!certificate) throw std::invalid_argument("DTLS context: no certificate");
  ERR_clear_error();
  SSL_CTX* context = SSL_CTX_new(DTLS_method());
  if (context == nullptr) fail(nullptr, "SSL_CTX_new");
  if (SSL_CTX_set_min_proto_version(context, DTLS1_2_VERSION) != 1 ||
      SSL_CTX_set_max_proto_version(context, DTLS1_2_VERSION) != 1) {
    fail(context, "protocol version");
  }
  if (SSL_CTX_use_certificate(context, certificate->x509()) != 1 ||
      SSL_CTX_use_PrivateKey(context, certificate->privateKey()) != 1 ||
      SSL_CTX_check_private_key(context) != 1) {
    fail(context, "certificate");
  }
  // The TLS 1.3 suites cannot apply to DTLS 1.2; clearing them keeps the list honest.
  if (SSL_CTX_set_cipher_list(context, kCiphers) != 1 ||
      SSL_CTX_set_ciphersuites(context, "") != 1) {
    fail(context, "cipher list");
  }
  if (SSL_CTX_set1_groups_list(context, kGroups) != 1) fail(context, "groups");
  // Returns 0 on success (sic).
  if (SSL_CTX_set_tlsext_use_srtp(
          context, "SRTP_AEAD_AES_256_GCM:SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80") != 0) {
    fail(context, "use_srtp");
  }
  SSL_CTX_set_options(context, SSL_OP_NO_TICKET | SSL_OP_NO_RENEGOTIATION |
                                   SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_QUERY_MTU);
  SSL_CTX_set_session_cache_mode(context, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_read_ahead(context, 1);
  return std::shared_ptr<const DtlsContext>(new DtlsContext(std::move(certificate), context));
}

DtlsContext::DtlsContext(std::shared_ptr<const Certificate> certificate, SSL_CTX* context)
    : certificate_(std::move(certificate)), context_(context) {}

DtlsContext::~DtlsContext() { SSL_CTX_free(context_); }

}  // namespace callpy::rtc::dtls
