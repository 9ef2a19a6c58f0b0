#include "rtc/srtp/aead_gcm_srtp.h"

#include <openssl/evp.h>

#include <algorithm>
#include <climits>
#include <stdexcept>

namespace callpy::rtc::srtp {
namespace {

constexpr std::size_t kSrtcpIndexLength = 4;
constexpr std::size_t kRtcpHeaderLength = 8;  // V/P/RC, PT, length, sender SSRC
constexpr std::uint32_t kMaxSrtcpIndex = 0x7FFFFFFF;

// RFC 3711 §4.3.3 key derivation labels (key_derivation_rate 0, so r = 0).
constexpr std::uint8_t kLabelRtpKey = 0x00;
constexpr std::uint8_t kLabelRtpSalt = 0x02;
constexpr std::uint8_t kLabelRtcpKey = 0x03;
constexpr std::uint8_t kLabelRtcpSalt = 0x05;

std::uint16_t be16(const std::uint8_t* p) {
  return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}
std::uint32_t be32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         p[3];
}
void putBe32(std::uint8_t* p, std::uint32_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 24);
  p[1] = static_cast<std::uint8_t>(v >> 16);
  p[2] = static_cast<std::uint8_t>(v >> 8);
  p[3] = static_cast<std::uint8_t>(v);
}

void wipe(void* data, std::size_t size) {
  volatile std::uint8_t* p = static_cast<volatile std::uint8_t*>(data);
  while (size-- > 0) *p++ = 0;
}

// RFC 3711 §4.3.1/§4.3.3: x = (label << 48) XOR master salt (112 bits), the AES-CM keystream
// from IV x * 2^16 under the master key is the derived key.
void deriveOne(EVP_CIPHER_CTX* ctx, const EVP_CIPHER* cipher, const std::uint8_t* masterKey,
               const std::uint8_t (&salt14)[14], std::uint8_t label, std::uint8_t* out,
               std::size_t outLength) {
  std::uint8_t iv[16] = {};
  std::copy_n(salt14, 14, iv);
  iv[7] ^= label;
  std::uint8_t zeros[32] = {};
  int produced = 0;
  if (EVP_EncryptInit_ex(ctx, cipher, nullptr, masterKey, iv) != 1 ||
      EVP_EncryptUpdate(ctx, out, &produced, zeros, static_cast<int>(outLength)) != 1 ||
      produced != static_cast<int>(outLength)) {
    throw std::runtime_error("SRTP key derivation failed in OpenSSL");
  }
}

const EVP_CIPHER* gcmCipher(std::size_t keyLength) {
  return keyLength == 32 ? EVP_aes_256_gcm() : EVP_aes_128_gcm();
}

// IV = session salt XOR (0x0000 || SSRC || ROC || SEQ) for SRTP (RFC 7714 §8.1), and
// salt XOR (0x0000 || SSRC || 0x0000 || 0 || SRTCP index) for SRTCP (§9.1); both have the same
// shape once the 48-bit RTP index or the 31-bit SRTCP index fills the last six bytes.
void makeIv(const std::array<std::uint8_t, kGcmSaltLength>& salt, std::uint32_t ssrc,
            std::uint64_t index, std::uint8_t* iv) {
  iv[0] = salt[0];
  iv[1] = salt[1];
  for (int i = 0; i < 4; ++i) iv[2 + i] = salt[2 + i] ^ static_cast<std::uint8_t>(ssrc >> (24 - 8 * i));
  for (int i = 0; i < 6; ++i) iv[6 + i] = salt[6 + i] ^ static_cast<std::uint8_t>(index >> (40 - 8 * i));
}

}  // namespace

GcmSessionKeys deriveGcmSessionKeys(SrtpProfile profile, const std::uint8_t* masterKey,
                                    const std::uint8_t* masterSalt) {
  if (profile != SrtpProfile::AeadAes128Gcm && profile != SrtpProfile::AeadAes256Gcm) {
    throw std::invalid_argument("deriveGcmSessionKeys: not an AES-GCM profile");
  }
  GcmSessionKeys keys;
  keys.keyLength = masterKeyLength(profile);
  std::uint8_t salt14[14] = {};  // the 96-bit master salt, padded on the right
  std::copy_n(masterSalt, masterSaltLength(profile), salt14);
  const EVP_CIPHER* ctr = keys.keyLength == 32 ? EVP_aes_256_ctr() : EVP_aes_128_ctr();
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  if (ctx == nullptr) throw std::runtime_error("EVP_CIPHER_CTX_new failed");
  try {
    deriveOne(ctx, ctr, masterKey, salt14, kLabelRtpKey, keys.rtpKey.data(), keys.keyLength);
    deriveOne(ctx, ctr, masterKey, salt14, kLabelRtpSalt, keys.rtpSalt.data(), kGcmSaltLength);
    deriveOne(ctx, ctr, masterKey, salt14, kLabelRtcpKey, keys.rtcpKey.data(), keys.keyLength);
    deriveOne(ctx, ctr, masterKey, salt14, kLabelRtcpSalt, keys.rtcpSalt.data(), kGcmSaltLength);
  } catch (...) {
    EVP_CIPHER_CTX_free(ctx);
    wipe(salt14, sizeof salt14);
    throw;
  }
  EVP_CIPHER_CTX_free(ctx);  // also cleans the key schedule
  wipe(salt14, sizeof salt14);
  return keys;
}

// ---- GcmCipher -----------------------------------------------------------------------------

GcmCipher::GcmCipher(bool encrypt, const std::uint8_t* key, std::size_t keyLength)
    : encrypt_(encrypt) {
  if (keyLength != 16 && keyLength != 32) throw std::invalid_argument("GCM key must be 16 or 32 bytes");
  ctx_ = EVP_CIPHER_CTX_new();
  if (ctx_ == nullptr) throw std::runtime_error("EVP_CIPHER_CTX_new failed");
  // The key schedule is computed once here; per packet only the IV is set.
  if (EVP_CipherInit_ex(ctx_, gcmCipher(keyLength), nullptr, nullptr, nullptr, encrypt ? 1 : 0) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx_, EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(kGcmSaltLength), nullptr) != 1 ||
      EVP_CipherInit_ex(ctx_, nullptr, nullptr, key, nullptr, encrypt ? 1 : 0) != 1) {
    EVP_CIPHER_CTX_free(ctx_);
    throw std::runtime_error("AES-GCM context setup failed in OpenSSL");
  }
}

GcmCipher::~GcmCipher() { EVP_CIPHER_CTX_free(ctx_); }

bool GcmCipher::start(const std::uint8_t* iv, const std::uint8_t* aad1, std::size_t aad1Length,
                      const std::uint8_t* aad2, std::size_t aad2Length) {
  int outLength = 0;
  if (EVP_CipherInit_ex(ctx_, nullptr, nullptr, nullptr, iv, encrypt_ ? 1 : 0) != 1) return false;
  if (aad1Length > 0 &&
      EVP_CipherUpdate(ctx_, nullptr, &outLength, aad1, static_cast<int>(aad1Length)) != 1) {
    return false;
  }
  if (aad2Length > 0 &&
      EVP_CipherUpdate(ctx_, nullptr, &outLength, aad2, static_cast<int>(aad2Length)) != 1) {
    return false;
  }
  return true;
}

bool GcmCipher::seal(const std::uint8_t* iv, const std::uint8_t* aad1, std::size_t aad1Length,
                     const std::uint8_t* aad2, std::size_t aad2Length, std::uint8_t* data,
                     std::size_t length, std::uint8_t* tagOut) {
  if (!encrypt_ || length > INT_MAX || !start(iv, aad1, aad1Length, aad2, aad2Length)) return false;
  int outLength = 0;
  if (length > 0 && (EVP_EncryptUpdate(ctx_, data, &outLength, data, static_cast<int>(length)) != 1 ||
                     outLength != static_cast<int>(length))) {
    return false;
  }
  std::uint8_t none[16];
  return EVP_EncryptFinal_ex(ctx_, none, &outLength) == 1 &&
         EVP_CIPHER_CTX_ctrl(ctx_, EVP_CTRL_GCM_GET_TAG, static_cast<int>(kGcmTagLength), tagOut) == 1;
}

bool GcmCipher::open(const std::uint8_t* iv, const std::uint8_t* aad1, std::size_t aad1Length,
                     const std::uint8_t* aad2, std::size_t aad2Length, std::uint8_t* data,
                     std::size_t length, const std::uint8_t* tag) {
  if (encrypt_ || length > INT_MAX || !start(iv, aad1, aad1Length, aad2, aad2Length)) return false;
  int outLength = 0;
  if (length > 0 && (EVP_DecryptUpdate(ctx_, data, &outLength, data, static_cast<int>(length)) != 1 ||
                     outLength != static_cast<int>(length))) {
    return false;
  }
  // OpenSSL only reads the tag; the ctrl signature is not const.
  if (EVP_CIPHER_CTX_ctrl(ctx_, EVP_CTRL_GCM_SET_TAG, static_cast<int>(kGcmTagLength),
                          const_cast<std::uint8_t*>(tag)) != 1) {
    return false;
  }
  std::uint8_t none[16];
  return EVP_DecryptFinal_ex(ctx_, none, &outLength) == 1;
}

// ---- RTP header ----------------------------------------------------------------------------

std::size_t rtpHeaderLength(const std::uint8_t* buf, std::size_t len) {
  if (len < 12 || (buf[0] >> 6) != 2) return 0;
  std::size_t header = 12 + 4 * static_cast<std::size_t>(buf[0] & 0x0F);
  if (buf[0] & 0x10) {  // header extension: 16-bit profile, 16-bit length in words
    if (header + 4 > len) return 0;
    header += 4 + 4 * static_cast<std::size_t>(be16(buf + header + 2));
  }
  return header <= len ? header : 0;
}

// ---- GcmSrtpSender -------------------------------------------------------------------------

GcmSrtpSender::GcmSrtpSender(const GcmSessionKeys& keys)
    : rtp_(true, keys.rtpKey.data(), keys.keyLength),
      rtcp_(true, keys.rtcpKey.data(), keys.keyLength),
      rtpSalt_(keys.rtpSalt),
      rtcpSalt_(keys.rtcpSalt) {}

SrtpStatus GcmSrtpSender::protectRtp(std::uint8_t* buf, std::size_t& len, std::size_t capacity) {
  if (len > capacity || capacity - len < kGcmTagLength) return SrtpStatus::Other;
  const std::size_t header = rtpHeaderLength(buf, len);
  if (header == 0) return SrtpStatus::Other;
  const std::uint32_t ssrc = be32(buf + 8);
  Stream& stream = streams_.findOrInsert(ssrc);
  const auto index = estimateRtpIndex(stream.highestIndex, be16(buf + 2));
  if (!index) return SrtpStatus::Other;
  std::uint8_t iv[kGcmSaltLength];
  makeIv(rtpSalt_, ssrc, *index, iv);
  if (!rtp_.seal(iv, buf, header, nullptr, 0, buf + header, len - header, buf + len)) {
    return SrtpStatus::Other;
  }
  stream.highestIndex = std::max(stream.highestIndex, *index);
  len += kGcmTagLength;
  return SrtpStatus::Ok;
}

SrtpStatus GcmSrtpSender::protectRtcp(std::uint8_t* buf, std::size_t& len, std::size_t capacity) {
  if (len > capacity || capacity - len < kGcmTagLength + kSrtcpIndexLength ||
      len < kRtcpHeaderLength) {
    return SrtpStatus::Other;
  }
  const std::uint32_t ssrc = be32(buf + 4);
  Stream& stream = streams_.findOrInsert(ssrc);
  if (stream.rtcpIndex >= kMaxSrtcpIndex) return SrtpStatus::Other;  // would need a rekey
  const std::uint32_t index = stream.rtcpIndex + 1;
  std::uint8_t word[kSrtcpIndexLength];
  putBe32(word, 0x80000000u | index);  // E = 1: the payload is encrypted
  std::uint8_t iv[kGcmSaltLength];
  makeIv(rtcpSalt_, ssrc, index, iv);
  if (!rtcp_.seal(iv, buf, kRtcpHeaderLength, word, sizeof word, buf + kRtcpHeaderLength,
                  len - kRtcpHeaderLength, buf + len)) {
    return SrtpStatus::Other;
  }
  std::copy_n(word, sizeof word, buf + len + kGcmTagLength);
  stream.rtcpIndex = index;
  len += kGcmTagLength + kSrtcpIndexLength;
  return SrtpStatus::Ok;
}

// ---- GcmSrtpReceiver -----------------------------------------------------------------------

GcmSrtpReceiver::GcmSrtpReceiver(const GcmSessionKeys& keys)
    : rtp_(false, keys.rtpKey.data(), keys.keyLength),
      rtcp_(false, keys.rtcpKey.data(), keys.keyLength),
      rtpSalt_(keys.rtpSalt),
      rtcpSalt_(keys.rtcpSalt) {}

SrtpStatus GcmSrtpReceiver::unprotectRtp(std::uint8_t* buf, std::size_t& len) {
  const std::size_t header = rtpHeaderLength(buf, len);
  if (header == 0 || len - header < kGcmTagLength) return SrtpStatus::Other;
  const std::uint32_t ssrc = be32(buf + 8);
  Stream* stream = streams_.find(ssrc);
  const auto index =
      estimateRtpIndex(stream != nullptr ? stream->rtp.highest() : 0, be16(buf + 2));
  if (!index) return SrtpStatus::Other;
  if (stream != nullptr && stream->rtp.check(*index) != ReplayWindow::Verdict::Fresh) {
    return SrtpStatus::Replay;
  }
  std::uint8_t iv[kGcmSaltLength];
  makeIv(rtpSalt_, ssrc, *index, iv);
  const std::size_t cipherLength = len - header - kGcmTagLength;
  if (!rtp_.open(iv, buf, header, nullptr, 0, buf + header, cipherLength,
                 buf + header + cipherLength)) {
    return SrtpStatus::AuthFailure;
  }
  if (stream == nullptr) stream = &streams_.insert(ssrc);
  stream->rtp.add(*index);
  len -= kGcmTagLength;
  return SrtpStatus::Ok;
}

SrtpStatus GcmSrtpReceiver::unprotectRtcp(std::uint8_t* buf, std::size_t& len) {
  if (len < kRtcpHeaderLength + kGcmTagLength + kSrtcpIndexLength) return SrtpStatus::Other;
  const std::uint8_t* word = buf + len - kSrtcpIndexLength;
  const std::uint32_t wordValue = be32(word);
  const bool encrypted = (wordValue & 0x80000000u) != 0;
  const std::uint32_t index = wordValue & kMaxSrtcpIndex;
  const std::uint32_t ssrc = be32(buf + 4);
  Stream* stream = streams_.find(ssrc);
  if (stream != nullptr && stream->rtcp.check(index) != ReplayWindow::Verdict::Fresh) {
    return SrtpStatus::Replay;
  }
  std::uint8_t iv[kGcmSaltLength];
  makeIv(rtcpSalt_, ssrc, index, iv);
  const std::size_t body = len - kGcmTagLength - kSrtcpIndexLength;  // header + payload
  const std::uint8_t* tag = buf + body;
  const bool ok =
      encrypted ? rtcp_.open(iv, buf, kRtcpHeaderLength, word, kSrtcpIndexLength,
                             buf + kRtcpHeaderLength, body - kRtcpHeaderLength, tag)
                // E = 0 (RFC 7714 §9.2): authenticated only, the whole packet is the AAD.
                : rtcp_.open(iv, buf, body, word, kSrtcpIndexLength, nullptr, 0, tag);
  if (!ok) return SrtpStatus::AuthFailure;
  if (stream == nullptr) stream = &streams_.insert(ssrc);
  stream->rtcp.add(index);
  len = body;
  return SrtpStatus::Ok;
}

}  // namespace callpy::rtc::srtp
