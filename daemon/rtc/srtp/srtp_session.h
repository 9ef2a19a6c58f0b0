#pragma once
// SRTP/SRTCP for one call leg: one engine for what we send (our DTLS role's keys, any outbound
// SSRC) and one for what we receive (the peer's keys, any inbound SSRC). The AES-GCM profiles
// (what browsers pick) run on our own RFC 7714 code over OpenSSL (aead_gcm_srtp.h);
// AES128_CM_SHA1_80 (aiortc offers only that) runs on libsrtp2's generic API. Packets are
// transformed in place; the GCM path never allocates per packet, libsrtp does when it meets a
// new SSRC. Use a session from one thread at a time (the leg's media thread).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "rtc/srtp/srtp_keys.h"
#include "rtc/srtp/srtp_status.h"

struct srtp_ctx_t_;  // libsrtp's session, kept out of this header

namespace callpy::rtc::srtp {

class GcmSrtpSender;
class GcmSrtpReceiver;

// Room protect needs after the packet: the auth tag (10 or 16 bytes) plus, for SRTCP, the
// 4-byte E/index word. We never use MKI, so libsrtp writes no more than this (checked in .cpp).
inline constexpr std::size_t kMaxTrailerLength = 20;

struct SrtpCounters {
  std::uint64_t protectFailures = 0;
  std::uint64_t replayDrops = 0;
  std::uint64_t authFailures = 0;
  std::uint64_t otherFailures = 0;  // unprotect failures that are neither replay nor auth
};

class SrtpSession {
 public:
  // isDtlsServer: true when we were the DTLS server (the daemon, a=setup:passive), so we send
  // with the server keys and receive with the client keys. Throws std::runtime_error when
  // libsrtp or OpenSSL refuses the keys (does not happen for the three supported profiles).
  SrtpSession(const SrtpKeys& keys, bool isDtlsServer);
  ~SrtpSession();
  SrtpSession(const SrtpSession&) = delete;
  SrtpSession& operator=(const SrtpSession&) = delete;

  // In place. len is the packet length on entry and the result length on exit; capacity is
  // the buffer size (protect needs len + up to kMaxTrailerLength). On failure len is unchanged
  // and the packet must be dropped.
  SrtpStatus protectRtp(std::uint8_t* buf, std::size_t& len, std::size_t capacity);
  SrtpStatus unprotectRtp(std::uint8_t* buf, std::size_t& len);
  SrtpStatus protectRtcp(std::uint8_t* buf, std::size_t& len, std::size_t capacity);
  SrtpStatus unprotectRtcp(std::uint8_t* buf, std::size_t& len);

  const SrtpCounters& counters() const { return counters_; }
  SrtpProfile profile() const { return profile_; }

 private:
  SrtpStatus countUnprotect(int libsrtpStatus);

  SrtpStatus countProtect(SrtpStatus status);
  SrtpStatus countUnprotectStatus(SrtpStatus status);

  // Exactly one pair is set: ours for the GCM profiles, libsrtp's for AES-CM.
  std::unique_ptr<GcmSrtpSender> gcmOut_;
  std::unique_ptr<GcmSrtpReceiver> gcmIn_;
  srtp_ctx_t_* outbound_ = nullptr;
  srtp_ctx_t_* inbound_ = nullptr;
  SrtpProfile profile_;
  SrtpCounters counters_;
};

// Process-wide srtp_init(), done once; SrtpSession calls it. Throws if libsrtp cannot start.
void ensureSrtpInitialised();

}  // namespace callpy::rtc::srtp
