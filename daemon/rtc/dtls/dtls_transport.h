#pragma once
// DTLS-SRTP key agreement for one call leg (RFC 5763/5764) over datagrams the caller carries
// (ICE). No sockets and no threads here: the caller feeds received DTLS datagrams in, sends
// what the send callback hands out, and runs a timer from nextTimeout(). Everything happens on
// the caller's thread (the leg's media thread); one transport is not thread-safe.
//
// Callbacks:
//  - send(data, size) runs inside start/handleDatagram/handleTimeout/close, once per datagram
//    (one DTLS record, at most Config::mtu bytes). It must not call back into the transport.
//  - connected / failed / closed run as the last step of the call that caused them, at most one
//    of them once; the transport may be closed or destroyed from inside them.
// Nothing throws out of a callback path: OpenSSL problems arrive as failed(reason).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "rtc/dtls/dtls_context.h"
#include "rtc/srtp/srtp_keys.h"

struct ssl_st;  // SSL

namespace callpy::rtc::dtls {

enum class Role : std::uint8_t {
  Server,  // a=setup:passive, what the daemon answers to a browser
  Client   // a=setup:active (the benchmark client)
};

enum class DtlsState : std::uint8_t { New, Connecting, Connected, Closed, Failed };

struct DtlsCallbacks {
  std::function<void(const std::uint8_t* data, std::size_t size)> send;
  std::function<void(const srtp::SrtpKeys& keys)> connected;
  std::function<void(const std::string& reason)> failed;
  std::function<void()> closed;  // the peer sent close_notify (optional)
};

struct DtlsConfig {
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  // The handshake fails if it has not finished this long after start() (client) or after the
  // first datagram (server: the browser's ClientHello may come long after the answer).
  std::chrono::milliseconds handshakeTimeout{10000};
  // First retransmission after this, doubling up to maxRetransmit (RFC 6347 §4.2.4.1 suggests
  // 1 s; WebRTC stacks start lower because ICE has just proven the path).
  std::chrono::milliseconds initialRetransmit{400};
  std::chrono::milliseconds maxRetransmit{3200};
  // DTLS datagram size limit (records only; IP/UDP headers come on top).
  std::size_t mtu = 1200;
  // What we offer (client) or accept (server), in preference order.
  std::vector<srtp::SrtpProfile> srtpProfiles = {srtp::SrtpProfile::AeadAes256Gcm,
                                                 srtp::SrtpProfile::AeadAes128Gcm,
                                                 srtp::SrtpProfile::Aes128CmHmacSha1_80};
  // Time source for the handshake deadline (tests move it); empty = steady_clock::now.
  // OpenSSL's retransmission timer always runs on real time.
  Clock clock;
};

class DtlsTransport {
 public:
  // remoteFingerprintSha256: the peer's a=fingerprint:sha-256 value ("AB:CD:..", any case).
  // Throws std::runtime_error only if OpenSSL cannot allocate the connection, and
  // std::invalid_argument for a null context or an empty profile list.
  DtlsTransport(std::shared_ptr<const DtlsContext> context, Role role,
                std::string remoteFingerprintSha256, DtlsCallbacks callbacks,
                DtlsConfig config = {});
  ~DtlsTransport();
  DtlsTransport(const DtlsTransport&) = delete;
  DtlsTransport& operator=(const DtlsTransport&) = delete;

  // Client: sends the ClientHello. Server: waits for it. Only the first call does anything.
  void start();
  // A datagram the demux classified as DTLS (first byte 20..63). A server that was not
  // started yet starts on its first datagram; anything after closed/failed is ignored.
  void handleDatagram(const std::uint8_t* data, std::size_t size);
  // How long until handleTimeout() should run; nullopt when no timer is needed.
  std::optional<std::chrono::milliseconds> nextTimeout() const;
  // Retransmits a flight if OpenSSL's timer expired and enforces the handshake deadline.
  void handleTimeout();
  // Sends close_notify (if a handshake was under way or done) and stops. No callback.
  void close();

  DtlsState state() const { return state_; }
  Role role() const { return role_; }
  // The negotiated keys once connected.
  const std::optional<srtp::SrtpKeys>& keys() const { return keys_; }

 private:
  friend struct DtlsTransportAccess;  // OpenSSL's C callbacks (BIO, verify, timer)
  enum class Event : std::uint8_t { None, Connected, Failed, Closed };
  struct Outcome {
    Event event = Event::None;
    std::string reason;
  };

  std::chrono::steady_clock::time_point now() const;
  void armDeadline();
  Outcome driveHandshake();
  Outcome readAfterHandshake();
  Outcome finishHandshake();
  Outcome failure(std::string reason);
  Outcome errorOutcome(int sslError, const char* during);
  void dispatch(Outcome outcome);

  // BIO side.
  int bioWrite(const char* data, int size);
  int bioRead(char* out, int size);
  // Verify side: accepts self-signed, pins the leaf's SHA-256 fingerprint.
  bool fingerprintMatches(x509_st* certificate);

  std::shared_ptr<const DtlsContext> context_;
  Role role_;
  std::string remoteFingerprint_;  // upper case
  DtlsCallbacks callbacks_;
  DtlsConfig config_;
  ssl_st* ssl_ = nullptr;
  DtlsState state_ = DtlsState::New;
  std::optional<std::chrono::steady_clock::time_point> deadline_;
  std::optional<srtp::SrtpKeys> keys_;
  bool fingerprintMismatch_ = false;
  // The datagram OpenSSL is reading right now (set only during an SSL call).
  const std::uint8_t* input_ = nullptr;
  std::size_t inputSize_ = 0;
};

}  // namespace callpy::rtc::dtls
