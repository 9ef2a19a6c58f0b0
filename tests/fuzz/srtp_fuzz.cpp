// libFuzzer target for our AES-GCM SRTP engine (daemon/rtc/srtp/aead_gcm_srtp). The first byte
// picks the profile and RTP or SRTCP; the rest is one packet. Invariants: unprotecting arbitrary
// bytes never succeeds (they carry no valid tag) and never changes the length; protecting them as
// plaintext (when they parse) and unprotecting the result gives the same bytes back.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "rtc/srtp/aead_gcm_srtp.h"

using namespace callpy::rtc::srtp;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

struct Engines {
  explicit Engines(SrtpProfile profile) : keys(makeKeys(profile)), out(keys), in(keys), roundTrip(keys) {}
  static GcmSessionKeys makeKeys(SrtpProfile profile) {
    std::uint8_t key[32];
    std::uint8_t salt[12];
    for (int i = 0; i < 32; ++i) key[i] = static_cast<std::uint8_t>(i * 7 + 1);
    for (int i = 0; i < 12; ++i) salt[i] = static_cast<std::uint8_t>(i * 11 + 3);
    return deriveGcmSessionKeys(profile, key, salt);
  }
  GcmSessionKeys keys;
  GcmSrtpSender out;
  GcmSrtpReceiver in;
  GcmSrtpReceiver roundTrip;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1 || size > 1600) return 0;
  // Static so the replay windows and SSRC tables carry state across inputs, as on a real leg.
  static Engines gcm128(SrtpProfile::AeadAes128Gcm);
  static Engines gcm256(SrtpProfile::AeadAes256Gcm);
  Engines& e = (data[0] & 1) ? gcm256 : gcm128;
  const bool rtcp = (data[0] & 2) != 0;
  const std::size_t len0 = size - 1;

  std::vector<std::uint8_t> buf(data + 1, data + size);
  std::size_t len = len0;
  const SrtpStatus garbage = rtcp ? e.in.unprotectRtcp(buf.data(), len) : e.in.unprotectRtp(buf.data(), len);
  check(garbage != SrtpStatus::Ok);
  check(len == len0);

  std::vector<std::uint8_t> packet(data + 1, data + size);
  packet.resize(len0 + 20);
  len = len0;
  const SrtpStatus sealed = rtcp ? e.out.protectRtcp(packet.data(), len, packet.size())
                                 : e.out.protectRtp(packet.data(), len, packet.size());
  if (sealed != SrtpStatus::Ok) return 0;
  check(len == len0 + (rtcp ? 20 : 16));
  const SrtpStatus opened = rtcp ? e.roundTrip.unprotectRtcp(packet.data(), len)
                                 : e.roundTrip.unprotectRtp(packet.data(), len);
  // A repeated RTP sequence number is a replay for the receiver; anything else must open.
  if (opened == SrtpStatus::Replay) return 0;
  check(opened == SrtpStatus::Ok);
  check(len == len0 && std::memcmp(packet.data(), data + 1, len0) == 0);
  return 0;
}
