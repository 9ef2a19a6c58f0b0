#pragma once
// The SRTP keying material a DTLS-SRTP handshake produces (RFC 5764 §4.2). It lives in srtp/ so
// that dtls/ depends on srtp/'s header and srtp/ stays free of OpenSSL.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace callpy::rtc::srtp {

// The DTLS-SRTP protection profiles we negotiate (IANA names in comments).
enum class SrtpProfile : std::uint8_t {
  AeadAes256Gcm,       // SRTP_AEAD_AES_256_GCM  (0x0008)
  AeadAes128Gcm,       // SRTP_AEAD_AES_128_GCM  (0x0007)
  Aes128CmHmacSha1_80  // SRTP_AES128_CM_SHA1_80 (0x0001)
};

inline constexpr std::size_t kMaxMasterKeyLength = 32;
inline constexpr std::size_t kMaxMasterSaltLength = 14;

constexpr std::size_t masterKeyLength(SrtpProfile profile) {
  return profile == SrtpProfile::AeadAes256Gcm ? 32 : 16;
}
constexpr std::size_t masterSaltLength(SrtpProfile profile) {
  return profile == SrtpProfile::Aes128CmHmacSha1_80 ? 14 : 12;
}

// The name OpenSSL and RFC 5764 use ("SRTP_AEAD_AES_256_GCM", ...).
std::string_view profileName(SrtpProfile profile);
std::optional<SrtpProfile> profileFromName(std::string_view name);

// Both directions' master keys. Only the first masterKeyLength(profile) /
// masterSaltLength(profile) bytes of each array are meaningful; the rest stays zero so that two
// key sets compare equal exactly when the keys do.
struct SrtpKeys {
  SrtpProfile profile = SrtpProfile::Aes128CmHmacSha1_80;
  std::array<std::uint8_t, kMaxMasterKeyLength> clientKey{};
  std::array<std::uint8_t, kMaxMasterSaltLength> clientSalt{};
  std::array<std::uint8_t, kMaxMasterKeyLength> serverKey{};
  std::array<std::uint8_t, kMaxMasterSaltLength> serverSalt{};

  bool operator==(const SrtpKeys&) const = default;
};

// RFC 5764 §4.2: the exporter output ("EXTRACTOR-dtls_srtp") is client key | server key |
// client salt | server salt. keyingMaterialLength(profile) bytes; nullopt if the size differs.
constexpr std::size_t keyingMaterialLength(SrtpProfile profile) {
  return 2 * (masterKeyLength(profile) + masterSaltLength(profile));
}
std::optional<SrtpKeys> splitKeyingMaterial(SrtpProfile profile,
                                            std::span<const std::uint8_t> material);

}  // namespace callpy::rtc::srtp
