#pragma once
// SRTP/SRTCP with AEAD_AES_128_GCM and AEAD_AES_256_GCM (RFC 7714) on OpenSSL EVP. It replaces
// libsrtp2 for the GCM profiles because Debian's libsrtp2 does AES through NSS, which cost a
// third to a half of the relay's CPU (bench/media_relay). One sender and one receiver per leg;
// each keeps one preallocated EVP_CIPHER_CTX per key (RTP, SRTCP) and re-sets only the IV per
// packet, and its per-SSRC state lives in a fixed table: nothing is allocated per packet.
// Not thread-safe: a leg uses it from its media thread only.
#include <array>
#include <cstddef>
#include <cstdint>

#include "rtc/srtp/replay_window.h"
#include "rtc/srtp/srtp_keys.h"
#include "rtc/srtp/srtp_status.h"

struct evp_cipher_ctx_st;  // OpenSSL's EVP_CIPHER_CTX, kept out of this header

namespace callpy::rtc::srtp {

inline constexpr std::size_t kGcmTagLength = 16;
inline constexpr std::size_t kGcmSaltLength = 12;
inline constexpr std::size_t kSsrcTableCapacity = 16;

// The session keys of one direction (RFC 3711 §4.3 labels 0x00/0x02 for SRTP, 0x03/0x05 for
// SRTCP; RFC 7714 §11 keeps that KDF, with the 12-byte master salt padded by two zero bytes).
struct GcmSessionKeys {
  std::size_t keyLength = 16;  // 16 (AES-128) or 32 (AES-256)
  std::array<std::uint8_t, 32> rtpKey{};
  std::array<std::uint8_t, kGcmSaltLength> rtpSalt{};
  std::array<std::uint8_t, 32> rtcpKey{};
  std::array<std::uint8_t, kGcmSaltLength> rtcpSalt{};
};

// Throws std::invalid_argument for a non-GCM profile, std::runtime_error if OpenSSL fails.
GcmSessionKeys deriveGcmSessionKeys(SrtpProfile profile, const std::uint8_t* masterKey,
                                    const std::uint8_t* masterSalt);

// AES-GCM with one key and a reusable context; data is transformed in place.
class GcmCipher {
 public:
  GcmCipher(bool encrypt, const std::uint8_t* key, std::size_t keyLength);
  ~GcmCipher();
  GcmCipher(const GcmCipher&) = delete;
  GcmCipher& operator=(const GcmCipher&) = delete;

  // The AAD is aad1 followed by aad2 (SRTCP's index word is not next to its header).
  bool seal(const std::uint8_t* iv, const std::uint8_t* aad1, std::size_t aad1Length,
            const std::uint8_t* aad2, std::size_t aad2Length, std::uint8_t* data,
            std::size_t length, std::uint8_t* tagOut);
  bool open(const std::uint8_t* iv, const std::uint8_t* aad1, std::size_t aad1Length,
            const std::uint8_t* aad2, std::size_t aad2Length, std::uint8_t* data,
            std::size_t length, const std::uint8_t* tag);

 private:
  bool start(const std::uint8_t* iv, const std::uint8_t* aad1, std::size_t aad1Length,
             const std::uint8_t* aad2, std::size_t aad2Length);
  evp_cipher_ctx_st* ctx_ = nullptr;
  bool encrypt_;
};

// What we send: protect in place; packets may be protected again with the same sequence number
// (NACK answers), so there is no replay check on this side.
class GcmSrtpSender {
 public:
  explicit GcmSrtpSender(const GcmSessionKeys& keys);
  // len + kGcmTagLength (RTP) or + kGcmTagLength + 4 (SRTCP) must fit in capacity.
  SrtpStatus protectRtp(std::uint8_t* buf, std::size_t& len, std::size_t capacity);
  SrtpStatus protectRtcp(std::uint8_t* buf, std::size_t& len, std::size_t capacity);

 private:
  struct Stream {
    std::uint64_t highestIndex = 0;  // RTP
    std::uint32_t rtcpIndex = 0;     // last SRTCP index used (the first packet gets 1)
  };
  GcmCipher rtp_;
  GcmCipher rtcp_;
  std::array<std::uint8_t, kGcmSaltLength> rtpSalt_;
  std::array<std::uint8_t, kGcmSaltLength> rtcpSalt_;
  SsrcTable<Stream, kSsrcTableCapacity> streams_;
};

// What we receive: unprotect in place, replay-checked per SSRC for RTP and SRTCP. State only
// changes for packets that authenticated. On failure the packet must be dropped (its payload
// may already be decrypted garbage) and len is unchanged.
class GcmSrtpReceiver {
 public:
  explicit GcmSrtpReceiver(const GcmSessionKeys& keys);
  SrtpStatus unprotectRtp(std::uint8_t* buf, std::size_t& len);
  SrtpStatus unprotectRtcp(std::uint8_t* buf, std::size_t& len);

 private:
  struct Stream {
    ReplayWindow rtp;
    ReplayWindow rtcp;
  };
  GcmCipher rtp_;
  GcmCipher rtcp_;
  std::array<std::uint8_t, kGcmSaltLength> rtpSalt_;
  std::array<std::uint8_t, kGcmSaltLength> rtcpSalt_;
  SsrcTable<Stream, kSsrcTableCapacity> streams_;
};

// The RTP header length (fixed part, CSRCs, header extension) or 0 if the packet is not a
// well-formed RTP header within len bytes. The whole header is the AEAD's associated data.
std::size_t rtpHeaderLength(const std::uint8_t* buf, std::size_t len);

}  // namespace callpy::rtc::srtp
