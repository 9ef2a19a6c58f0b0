#include "rtc/dtls/dtls_transport.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/srtp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cctype>
#include <climits>
#include <cstring>
#include <stdexcept>

namespace callpy::rtc::dtls {

// The C callbacks OpenSSL calls back into; a friend so the transport's internals stay private.
struct DtlsTransportAccess {
  static DtlsTransport* fromBio(BIO* bio) { return static_cast<DtlsTransport*>(BIO_get_data(bio)); }
  static DtlsTransport* fromSsl(SSL* ssl) { return static_cast<DtlsTransport*>(SSL_get_app_data(ssl)); }

  static int bioWrite(BIO* bio, const char* data, int size) {
    BIO_clear_retry_flags(bio);
    DtlsTransport* self = fromBio(bio);
    return self == nullptr ? -1 : self->bioWrite(data, size);
  }

  static int bioRead(BIO* bio, char* out, int size) {
    BIO_clear_retry_flags(bio);
    DtlsTransport* self = fromBio(bio);
    const int n = self == nullptr ? -1 : self->bioRead(out, size);
    if (n < 0) BIO_set_retry_read(bio);
    return n;
  }

  static long bioCtrl(BIO*, int command, long, void*) {
    switch (command) {
      case BIO_CTRL_FLUSH:
        return 1;  // every write already left through the send callback
      case BIO_CTRL_PENDING:
      case BIO_CTRL_WPENDING:
        return 0;
      default:
        // Includes BIO_CTRL_DGRAM_GET_MTU_OVERHEAD (0: the MTU we set is the record budget)
        // and BIO_CTRL_DGRAM_QUERY_MTU (unused with SSL_OP_NO_QUERY_MTU).
        return 0;
    }
  }

  static int verify(int, X509_STORE_CTX* store) {
    auto* ssl = static_cast<SSL*>(
        X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
    DtlsTransport* self = ssl == nullptr ? nullptr : fromSsl(ssl);
    if (self == nullptr) return 0;
    // No CA is involved: the peer's leaf certificate is pinned by its fingerprint from the SDP,
    // whatever chain errors (self-signed, unknown issuer) OpenSSL found.
    if (X509_STORE_CTX_get_error_depth(store) != 0) return 1;
    return self->fingerprintMatches(X509_STORE_CTX_get_current_cert(store)) ? 1 : 0;
  }

  static unsigned int timer(SSL* ssl, unsigned int previousUs) {
    DtlsTransport* self = fromSsl(ssl);
    const auto initial = static_cast<unsigned int>(
        std::chrono::microseconds(self->config_.initialRetransmit).count());
    const auto maximum = static_cast<unsigned int>(
        std::chrono::microseconds(self->config_.maxRetransmit).count());
    if (previousUs == 0) return initial;
    return std::min(previousUs >= UINT_MAX / 2 ? UINT_MAX : previousUs * 2, maximum);
  }
};

namespace {

BIO_METHOD* datagramBioMethod() {
  // One method table for the process. Each write is one datagram, which keeps DTLS record
  // boundaries (a memory BIO would glue a flight's records into one byte stream).
  static BIO_METHOD* method = [] {
    BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "callpy dtls datagram");
    if (m == nullptr) return m;
    BIO_meth_set_write(m, &DtlsTransportAccess::bioWrite);
    BIO_meth_set_read(m, &DtlsTransportAccess::bioRead);
    BIO_meth_set_ctrl(m, &DtlsTransportAccess::bioCtrl);
    return m;
  }();
  return method;
}

std::string opensslError(const char* fallback) {
  // The first queued error says what went wrong; later ones are follow-ups.
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return fallback;
  char text[256];
  ERR_error_string_n(code, text, sizeof text);
  return text;
}

std::string upper(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return text;
}

std::string profileList(const std::vector<srtp::SrtpProfile>& profiles) {
  std::string list;
  for (auto profile : profiles) {
    if (!list.empty()) list += ':';
    list += srtp::profileName(profile);
  }
  return list;
}

std::optional<srtp::SrtpProfile> profileFromId(unsigned long id) {
  switch (id) {
    case SRTP_AEAD_AES_256_GCM:
      return srtp::SrtpProfile::AeadAes256Gcm;
    case SRTP_AEAD_AES_128_GCM:
      return srtp::SrtpProfile::AeadAes128Gcm;
    case SRTP_AES128_CM_SHA1_80:
      return srtp::SrtpProfile::Aes128CmHmacSha1_80;
    default:
      return std::nullopt;
  }
}

void cleanse(void* data, std::size_t size) { OPENSSL_cleanse(data, size); }

}  // namespace

DtlsTransport::DtlsTransport(std::shared_ptr<const DtlsContext> context, Role role,
                             std::string remoteFingerprintSha256, DtlsCallbacks callbacks,
                             DtlsConfig config)
    : context_(std::move(context)),
      role_(role),
      remoteFingerprint_(upper(std::move(remoteFingerprintSha256))),
      callbacks_(std::move(callbacks)),
      config_(std::move(config)) {
  if (!context_) throw std::invalid_argument("DTLS transport: no context");
  if (config_.srtpProfiles.empty()) throw std::invalid_argument("DTLS transport: no SRTP profile");
  ERR_clear_error();
  BIO_METHOD* method = datagramBioMethod();
  ssl_ = method == nullptr ? nullptr : SSL_new(context_->native());
  BIO* bio = ssl_ == nullptr ? nullptr : BIO_new(method);
  if (bio == nullptr) {
    SSL_free(ssl_);
    ssl_ = nullptr;
    throw std::runtime_error("DTLS transport: " + opensslError("out of memory"));
  }
  BIO_set_data(bio, this);
  BIO_set_init(bio, 1);
  SSL_set_bio(ssl_, bio, bio);  // one reference, owned by the SSL from here on
  SSL_set_app_data(ssl_, this);
  SSL_set_verify(ssl_, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
                 &DtlsTransportAccess::verify);
  SSL_set_options(ssl_, SSL_OP_NO_QUERY_MTU);
  DTLS_set_link_mtu(ssl_, static_cast<long>(config_.mtu));
  DTLS_set_timer_cb(ssl_, &DtlsTransportAccess::timer);
  if (SSL_set_tlsext_use_srtp(ssl_, profileList(config_.srtpProfiles).c_str()) != 0) {
    SSL_free(ssl_);
    ssl_ = nullptr;
    throw std::runtime_error("DTLS transport: " + opensslError("use_srtp"));
  }
  if (role_ == Role::Server) {
    SSL_set_accept_state(ssl_);
  } else {
    SSL_set_connect_state(ssl_);
  }
}

DtlsTransport::~DtlsTransport() {
  if (ssl_ != nullptr) {
    // The BIO may be asked to write during teardown; nobody is listening any more.
    BIO_set_data(SSL_get_wbio(ssl_), nullptr);
    SSL_free(ssl_);
  }
}

std::chrono::steady_clock::time_point DtlsTransport::now() const {
  return config_.clock ? config_.clock() : std::chrono::steady_clock::now();
}

void DtlsTransport::armDeadline() {
  if (!deadline_) deadline_ = now() + config_.handshakeTimeout;
}

void DtlsTransport::start() {
  if (state_ != DtlsState::New) return;
  state_ = DtlsState::Connecting;
  if (role_ == Role::Server) return;  // the deadline starts with the ClientHello
  armDeadline();
  dispatch(driveHandshake());
}

void DtlsTransport::handleDatagram(const std::uint8_t* data, std::size_t size) {
  if (state_ == DtlsState::New && role_ == Role::Server) state_ = DtlsState::Connecting;
  if (state_ != DtlsState::Connecting && state_ != DtlsState::Connected) return;
  if (data == nullptr || size == 0) return;
  if (state_ == DtlsState::Connecting) armDeadline();
  input_ = data;
  inputSize_ = size;
  Outcome outcome = state_ == DtlsState::Connecting ? driveHandshake() : readAfterHandshake();
  input_ = nullptr;
  inputSize_ = 0;
  dispatch(std::move(outcome));
}

std::optional<std::chrono::milliseconds> DtlsTransport::nextTimeout() const {
  if (state_ != DtlsState::Connecting && state_ != DtlsState::Connected) return std::nullopt;
  std::optional<std::chrono::milliseconds> next;
  timeval tv{};
  if (DTLSv1_get_timeout(ssl_, &tv) == 1) {
    next = std::chrono::milliseconds(tv.tv_sec * 1000 + (tv.tv_usec + 999) / 1000);
  }
  if (state_ == DtlsState::Connecting && deadline_) {
    auto left = std::chrono::ceil<std::chrono::milliseconds>(*deadline_ - now());
    left = std::max(left, std::chrono::milliseconds(0));
    next = next ? std::min(*next, left) : left;
  }
  return next;
}

void DtlsTransport::handleTimeout() {
  if (state_ != DtlsState::Connecting && state_ != DtlsState::Connected) return;
  if (state_ == DtlsState::Connecting && deadline_ && now() >= *deadline_) {
    dispatch(failure("DTLS handshake timed out"));
    return;
  }
  ERR_clear_error();
  if (DTLSv1_handle_timeout(ssl_) < 0) {
    // Too many retransmissions without an answer (OpenSSL gives up after 12).
    dispatch(failure(opensslError("DTLS retransmission failed")));
  }
}

void DtlsTransport::close() {
  if (state_ == DtlsState::Connecting || state_ == DtlsState::Connected) {
    ERR_clear_error();
    // Sends close_notify; we do not wait for the peer's (RFC 5246 §7.2.1 allows that).
    if (SSL_is_init_finished(ssl_) == 1) SSL_shutdown(ssl_);
    ERR_clear_error();
  }
  if (state_ != DtlsState::Failed) state_ = DtlsState::Closed;
}

DtlsTransport::Outcome DtlsTransport::driveHandshake() {
  ERR_clear_error();
  const int result = SSL_do_handshake(ssl_);
  if (result == 1) return finishHandshake();
  return errorOutcome(SSL_get_error(ssl_, result), "DTLS handshake failed");
}

DtlsTransport::Outcome DtlsTransport::readAfterHandshake() {
  // No application data is expected (no data channels); reading processes alerts and answers
  // the peer's retransmitted final flight when our last one was lost.
  std::uint8_t scratch[2048];
  for (;;) {
    ERR_clear_error();
    const int result = SSL_read(ssl_, scratch, sizeof scratch);
    if (result > 0) continue;
    return errorOutcome(SSL_get_error(ssl_, result), "DTLS read failed");
  }
}

DtlsTransport::Outcome DtlsTransport::errorOutcome(int sslError, const char* during) {
  switch (sslError) {
    case SSL_ERROR_WANT_READ:
    case SSL_ERROR_WANT_WRITE:
      ERR_clear_error();
      return {};
    case SSL_ERROR_ZERO_RETURN:
      ERR_clear_error();
      state_ = DtlsState::Closed;
      return {Event::Closed, {}};
    default:
      if (fingerprintMismatch_) {
        ERR_clear_error();
        return failure("fingerprint mismatch");
      }
      return failure(opensslError(during));
  }
}

DtlsTransport::Outcome DtlsTransport::finishHandshake() {
  // The verify callback already checked the leaf; this also covers a peer whose chain was
  // never shown to it.
  if (!fingerprintMatches(SSL_get0_peer_certificate(ssl_))) return failure("fingerprint mismatch");

  const SRTP_PROTECTION_PROFILE* selected = SSL_get_selected_srtp_profile(ssl_);
  const auto profile = selected == nullptr ? std::nullopt : profileFromId(selected->id);
  if (!profile) return failure("no SRTP profile negotiated");

  // RFC 5764 §4.2: client key | server key | client salt | server salt.
  std::uint8_t material[2 * (srtp::kMaxMasterKeyLength + srtp::kMaxMasterSaltLength)];
  const std::size_t total = srtp::keyingMaterialLength(*profile);
  static constexpr char kLabel[] = "EXTRACTOR-dtls_srtp";
  ERR_clear_error();
  if (SSL_export_keying_material(ssl_, material, total, kLabel, sizeof kLabel - 1, nullptr, 0,
                                 0) != 1) {
    return failure(opensslError("SRTP key export failed"));
  }
  auto keys = srtp::splitKeyingMaterial(*profile, std::span<const std::uint8_t>(material, total));
  cleanse(material, sizeof material);
  if (!keys) return failure("SRTP key export failed");
  keys_ = keys;
  state_ = DtlsState::Connected;
  return {Event::Connected, {}};
}

DtlsTransport::Outcome DtlsTransport::failure(std::string reason) {
  state_ = DtlsState::Failed;
  ERR_clear_error();
  return {Event::Failed, std::move(reason)};
}

void DtlsTransport::dispatch(Outcome outcome) {
  // Copies first: the callback may destroy this transport, and with it callbacks_ and keys_.
  switch (outcome.event) {
    case Event::None:
      return;
    case Event::Connected:
      if (callbacks_.connected) {
        auto callback = callbacks_.connected;
        const srtp::SrtpKeys keys = *keys_;
        callback(keys);
      }
      return;
    case Event::Failed:
      if (callbacks_.failed) {
        auto callback = callbacks_.failed;
        callback(outcome.reason);
      }
      return;
    case Event::Closed:
      if (callbacks_.closed) {
        auto callback = callbacks_.closed;
        callback();
      }
      return;
  }
}

int DtlsTransport::bioWrite(const char* data, int size) {
  if (size <= 0) return 0;
  if (callbacks_.send) {
    try {
      callbacks_.send(reinterpret_cast<const std::uint8_t*>(data), static_cast<std::size_t>(size));
    } catch (...) {
      // A datagram that could not be sent is a lost datagram; retransmission covers it.
    }
  }
  return size;
}

int DtlsTransport::bioRead(char* out, int size) {
  if (input_ == nullptr || size <= 0) return -1;
  // DTLS reads whole datagrams; a shorter buffer gets a truncated one, which OpenSSL drops.
  const std::size_t n = std::min(inputSize_, static_cast<std::size_t>(size));
  std::memcpy(out, input_, n);
  input_ = nullptr;
  inputSize_ = 0;
  return static_cast<int>(n);
}

bool DtlsTransport::fingerprintMatches(x509_st* certificate) {
  const std::string actual = fingerprintSha256(certificate);
  const bool matches = !actual.empty() && actual == remoteFingerprint_;
  if (!matches) fingerprintMismatch_ = true;
  return matches;
}

}  // namespace callpy::rtc::dtls
