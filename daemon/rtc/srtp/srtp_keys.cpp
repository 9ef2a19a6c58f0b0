#include "rtc/srtp/srtp_keys.h"

#include <algorithm>

namespace callpy::rtc::srtp {

std::string_view profileName(SrtpProfile profile) {
  switch (profile) {
    case SrtpProfile::AeadAes256Gcm:
      return "SRTP_AEAD_AES_256_GCM";
    case SrtpProfile::AeadAes128Gcm:
      return "SRTP_AEAD_AES_128_GCM";
    case SrtpProfile::Aes128CmHmacSha1_80:
      return "SRTP_AES128_CM_SHA1_80";
  }
  return "unknown";
}

std::optional<SrtpProfile> profileFromName(std::string_view name) {
  for (auto profile : {SrtpProfile::AeadAes256Gcm, SrtpProfile::AeadAes128Gcm,
                       SrtpProfile::Aes128CmHmacSha1_80}) {
    if (profileName(profile) == name) return profile;
  }
  return std::nullopt;
}

std::optional<SrtpKeys> splitKeyingMaterial(SrtpProfile profile,
                                            std::span<const std::uint8_t> material) {
  if (material.size() != keyingMaterialLength(profile)) return std::nullopt;
  const std::size_t keyLength = masterKeyLength(profile);
  const std::size_t saltLength = masterSaltLength(profile);
  SrtpKeys keys;
  keys.profile = profile;
  const std::uint8_t* p = material.data();
  std::copy_n(p, keyLength, keys.clientKey.begin());
  p += keyLength;
  std::copy_n(p, keyLength, keys.serverKey.begin());
  p += keyLength;
  std::copy_n(p, saltLength, keys.clientSalt.begin());
  p += saltLength;
  std::copy_n(p, saltLength, keys.serverSalt.begin());
  return keys;
}

}  // namespace callpy::rtc::srtp
