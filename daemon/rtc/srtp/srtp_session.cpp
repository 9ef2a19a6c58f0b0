#include "rtc/srtp/srtp_session.h"

#include <srtp2/srtp.h>

#include "rtc/srtp/aead_gcm_srtp.h"

#include <algorithm>
#include <climits>
#include <mutex>
#include <stdexcept>

namespace callpy::rtc::srtp {
namespace {

// What protect appends without MKI: the auth tag, plus the 4-byte E/index word for SRTCP.
constexpr std::size_t kMaxTagLength = 16;
constexpr std::size_t kSrtcpIndexLength = 4;
static_assert(kMaxTrailerLength == kMaxTagLength + kSrtcpIndexLength);
static_assert(kMaxTrailerLength <= SRTP_MAX_TRAILER_LEN + kSrtcpIndexLength);

std::size_t tagLength(SrtpProfile profile) {
  return profile == SrtpProfile::Aes128CmHmacSha1_80 ? 10 : 16;
}

void setCryptoPolicy(SrtpProfile profile, srtp_policy_t& policy) {
  switch (profile) {
    case SrtpProfile::AeadAes256Gcm:
      srtp_crypto_policy_set_aes_gcm_256_16_auth(&policy.rtp);
      srtp_crypto_policy_set_aes_gcm_256_16_auth(&policy.rtcp);
      return;
    case SrtpProfile::AeadAes128Gcm:
      srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtp);
      srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtcp);
      return;
    case SrtpProfile::Aes128CmHmacSha1_80:
      srtp_crypto_policy_set_rtp_default(&policy.rtp);
      srtp_crypto_policy_set_rtcp_default(&policy.rtcp);
      return;
  }
}

// Keys must not linger on the stack after libsrtp has copied them.
void wipe(std::uint8_t* data, std::size_t size) {
  volatile std::uint8_t* p = data;
  while (size-- > 0) *p++ = 0;
}

srtp_ctx_t* createSession(SrtpProfile profile, srtp_ssrc_type_t direction,
                          const std::uint8_t* key, const std::uint8_t* salt) {
  // libsrtp wants the master key immediately followed by the master salt.
  std::uint8_t keyAndSalt[kMaxMasterKeyLength + kMaxMasterSaltLength];
  const std::size_t keyLength = masterKeyLength(profile);
  const std::size_t saltLength = masterSaltLength(profile);
  std::copy_n(key, keyLength, keyAndSalt);
  std::copy_n(salt, saltLength, keyAndSalt + keyLength);

  srtp_policy_t policy{};
  setCryptoPolicy(profile, policy);
  policy.ssrc.type = direction;
  policy.ssrc.value = 0;
  policy.key = keyAndSalt;
  // Browsers reorder within a few hundred packets at high rates; 1024 keeps late packets.
  policy.window_size = 1024;
  // NACK answers resend the stored packet with its original sequence number.
  policy.allow_repeat_tx = 1;
  policy.next = nullptr;

  srtp_ctx_t* session = nullptr;
  const srtp_err_status_t status = srtp_create(&session, &policy);
  wipe(keyAndSalt, sizeof keyAndSalt);
  if (status != srtp_err_status_ok) {
    throw std::runtime_error("srtp_create failed with status " +
                             std::to_string(static_cast<int>(status)));
  }
  return session;
}

}  // namespace

void ensureSrtpInitialised() {
  static std::once_flag once;
  static srtp_err_status_t status = srtp_err_status_ok;
  std::call_once(once, [] { status = srtp_init(); });
  if (status != srtp_err_status_ok) {
    throw std::runtime_error("srtp_init failed with status " +
                             std::to_string(static_cast<int>(status)));
  }
}

SrtpSession::SrtpSession(const SrtpKeys& keys, bool isDtlsServer) : profile_(keys.profile) {
  const auto& sendKey = isDtlsServer ? keys.serverKey : keys.clientKey;
  const auto& sendSalt = isDtlsServer ? keys.serverSalt : keys.clientSalt;
  const auto& receiveKey = isDtlsServer ? keys.clientKey : keys.serverKey;
  const auto& receiveSalt = isDtlsServer ? keys.clientSalt : keys.serverSalt;
  if (profile_ != SrtpProfile::Aes128CmHmacSha1_80) {
    GcmSessionKeys send = deriveGcmSessionKeys(profile_, sendKey.data(), sendSalt.data());
    GcmSessionKeys receive = deriveGcmSessionKeys(profile_, receiveKey.data(), receiveSalt.data());
    gcmOut_ = std::make_unique<GcmSrtpSender>(send);
    gcmIn_ = std::make_unique<GcmSrtpReceiver>(receive);
    wipe(reinterpret_cast<std::uint8_t*>(&send), sizeof send);
    wipe(reinterpret_cast<std::uint8_t*>(&receive), sizeof receive);
    return;
  }
  ensureSrtpInitialised();
  outbound_ = createSession(profile_, ssrc_any_outbound, sendKey.data(), sendSalt.data());
  try {
    inbound_ = createSession(profile_, ssrc_any_inbound, receiveKey.data(), receiveSalt.data());
  } catch (...) {
    srtp_dealloc(outbound_);
    throw;
  }
}

SrtpSession::~SrtpSession() {
  if (inbound_ != nullptr) srtp_dealloc(inbound_);
  if (outbound_ != nullptr) srtp_dealloc(outbound_);
}

SrtpStatus SrtpSession::countProtect(SrtpStatus status) {
  if (status != SrtpStatus::Ok) ++counters_.protectFailures;
  return status;
}

SrtpStatus SrtpSession::countUnprotectStatus(SrtpStatus status) {
  switch (status) {
    case SrtpStatus::Ok:
      break;
    case SrtpStatus::Replay:
      ++counters_.replayDrops;
      break;
    case SrtpStatus::AuthFailure:
      ++counters_.authFailures;
      break;
    case SrtpStatus::Other:
      ++counters_.otherFailures;
      break;
  }
  return status;
}

SrtpStatus SrtpSession::protectRtp(std::uint8_t* buf, std::size_t& len, std::size_t capacity) {
  if (gcmOut_) return countProtect(gcmOut_->protectRtp(buf, len, capacity));
  if (capacity > INT_MAX || len > capacity || capacity - len < tagLength(profile_)) {
    ++counters_.protectFailures;
    return SrtpStatus::Other;
  }
  int length = static_cast<int>(len);
  const srtp_err_status_t status = srtp_protect(outbound_, buf, &length);
  if (status != srtp_err_status_ok) {
    ++counters_.protectFailures;
    return status == srtp_err_status_replay_fail || status == srtp_err_status_replay_old
               ? SrtpStatus::Replay
               : SrtpStatus::Other;
  }
  len = static_cast<std::size_t>(length);
  return SrtpStatus::Ok;
}

SrtpStatus SrtpSession::protectRtcp(std::uint8_t* buf, std::size_t& len, std::size_t capacity) {
  if (gcmOut_) return countProtect(gcmOut_->protectRtcp(buf, len, capacity));
  if (capacity > INT_MAX || len > capacity ||
      capacity - len < tagLength(profile_) + kSrtcpIndexLength) {
    ++counters_.protectFailures;
    return SrtpStatus::Other;
  }
  int length = static_cast<int>(len);
  const srtp_err_status_t status = srtp_protect_rtcp(outbound_, buf, &length);
  if (status != srtp_err_status_ok) {
    ++counters_.protectFailures;
    return SrtpStatus::Other;
  }
  len = static_cast<std::size_t>(length);
  return SrtpStatus::Ok;
}

SrtpStatus SrtpSession::unprotectRtp(std::uint8_t* buf, std::size_t& len) {
  if (gcmIn_) return countUnprotectStatus(gcmIn_->unprotectRtp(buf, len));
  if (len > INT_MAX) return countUnprotect(srtp_err_status_bad_param);
  int length = static_cast<int>(len);
  const srtp_err_status_t status = srtp_unprotect(inbound_, buf, &length);
  if (status == srtp_err_status_ok) len = static_cast<std::size_t>(length);
  return countUnprotect(status);
}

SrtpStatus SrtpSession::unprotectRtcp(std::uint8_t* buf, std::size_t& len) {
  if (gcmIn_) return countUnprotectStatus(gcmIn_->unprotectRtcp(buf, len));
  if (len > INT_MAX) return countUnprotect(srtp_err_status_bad_param);
  int length = static_cast<int>(len);
  const srtp_err_status_t status = srtp_unprotect_rtcp(inbound_, buf, &length);
  if (status == srtp_err_status_ok) len = static_cast<std::size_t>(length);
  return countUnprotect(status);
}

SrtpStatus SrtpSession::countUnprotect(int libsrtpStatus) {
  switch (static_cast<srtp_err_status_t>(libsrtpStatus)) {
    case srtp_err_status_ok:
      return SrtpStatus::Ok;
    case srtp_err_status_replay_fail:
    case srtp_err_status_replay_old:
      ++counters_.replayDrops;
      return SrtpStatus::Replay;
    case srtp_err_status_auth_fail:
      ++counters_.authFailures;
      return SrtpStatus::AuthFailure;
    default:
      ++counters_.otherFailures;
      return SrtpStatus::Other;
  }
}

}  // namespace callpy::rtc::srtp
