// Our RFC 7714 AES-GCM SRTP against the RFC's own vectors and against real libsrtp2: every packet
// one implementation protects, the other must unprotect byte for byte.
#include "rtc/srtp/aead_gcm_srtp.h"

#include <gtest/gtest.h>
#include <srtp2/srtp.h>

#include <cstring>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "rtc/srtp/srtp_session.h"

namespace callpy::rtc::srtp {
namespace {

using Bytes = std::vector<std::uint8_t>;
constexpr std::size_t kCapacity = 1500;

Bytes hex(std::string_view text) {
  Bytes out;
  for (std::size_t i = 0; i + 1 < text.size(); i += 2) {
    out.push_back(static_cast<std::uint8_t>(std::stoi(std::string(text.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

struct Master {
  SrtpProfile profile;
  Bytes key;
  Bytes salt;
};

Master randomMaster(SrtpProfile profile, unsigned seed) {
  std::mt19937 rng(seed);
  Master m{profile, Bytes(masterKeyLength(profile)), Bytes(masterSaltLength(profile))};
  for (auto& b : m.key) b = static_cast<std::uint8_t>(rng());
  for (auto& b : m.salt) b = static_cast<std::uint8_t>(rng());
  return m;
}

// libsrtp2 with one master key (the reference implementation the browsers also run).
class Libsrtp {
 public:
  Libsrtp(const Master& m, bool outbound) {
    ensureSrtpInitialised();
    std::uint8_t keyAndSalt[64] = {};
    std::memcpy(keyAndSalt, m.key.data(), m.key.size());
    std::memcpy(keyAndSalt + m.key.size(), m.salt.data(), m.salt.size());
    srtp_policy_t policy{};
    if (m.profile == SrtpProfile::AeadAes256Gcm) {
      srtp_crypto_policy_set_aes_gcm_256_16_auth(&policy.rtp);
      srtp_crypto_policy_set_aes_gcm_256_16_auth(&policy.rtcp);
    } else {
      srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtp);
      srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtcp);
    }
    policy.ssrc.type = outbound ? ssrc_any_outbound : ssrc_any_inbound;
    policy.key = keyAndSalt;
    policy.window_size = 1024;
    policy.allow_repeat_tx = 1;
    if (srtp_create(&session_, &policy) != srtp_err_status_ok) throw std::runtime_error("srtp_create");
  }
  ~Libsrtp() { srtp_dealloc(session_); }
  srtp_err_status_t protect(Bytes& p) { return run(p, srtp_protect); }
  srtp_err_status_t protectRtcp(Bytes& p) { return run(p, srtp_protect_rtcp); }
  srtp_err_status_t unprotect(Bytes& p) { return run(p, srtp_unprotect); }
  srtp_err_status_t unprotectRtcp(Bytes& p) { return run(p, srtp_unprotect_rtcp); }

 private:
  template <typename Fn>
  srtp_err_status_t run(Bytes& p, Fn fn) {
    int len = static_cast<int>(p.size());
    p.resize(p.size() + 64);
    const auto status = fn(session_, p.data(), &len);
    p.resize(status == srtp_err_status_ok ? static_cast<std::size_t>(len) : p.size() - 64);
    return status;
  }
  srtp_t session_ = nullptr;
};

GcmSessionKeys derive(const Master& m) {
  return deriveGcmSessionKeys(m.profile, m.key.data(), m.salt.data());
}

SrtpStatus protect(GcmSrtpSender& s, Bytes& p, bool rtcp = false) {
  std::size_t len = p.size();
  p.resize(kCapacity);
  const auto status = rtcp ? s.protectRtcp(p.data(), len, p.size()) : s.protectRtp(p.data(), len, p.size());
  p.resize(len);
  return status;
}
SrtpStatus unprotect(GcmSrtpReceiver& r, Bytes& p, bool rtcp = false) {
  std::size_t len = p.size();
  const auto status = rtcp ? r.unprotectRtcp(p.data(), len) : r.unprotectRtp(p.data(), len);
  p.resize(len);
  return status;
}

// RTP with 2 CSRCs and a one-byte header extension (2 words), so the AAD is 12 + 8 + 12 bytes.
Bytes rtpPacket(std::uint16_t seq, std::uint32_t ssrc = 0x11223344, std::size_t payload = 120) {
  Bytes p = {0x92, 0x60, static_cast<std::uint8_t>(seq >> 8), static_cast<std::uint8_t>(seq),
             0, 0, 0x12, 0x34};
  for (int i = 0; i < 4; ++i) p.push_back(static_cast<std::uint8_t>(ssrc >> (24 - 8 * i)));
  for (std::uint8_t c : {0xC1, 0xC2, 0xC3, 0xC4, 0xD1, 0xD2, 0xD3, 0xD4}) p.push_back(c);
  for (std::uint8_t e : {0xBE, 0xDE, 0x00, 0x02, 0x10, 0x07, 0x22, 0xAA, 0xBB, 0x00, 0x00, 0x00}) {
    p.push_back(e);
  }
  for (std::size_t i = 0; i < payload; ++i) p.push_back(static_cast<std::uint8_t>(i * 13 + seq));
  return p;
}

// SR (no report blocks) + SDES CNAME: a compound packet like the browsers send.
Bytes rtcpPacket(std::uint32_t ssrc, std::uint32_t n) {
  Bytes p = {0x80, 200, 0, 6};
  for (int i = 0; i < 4; ++i) p.push_back(static_cast<std::uint8_t>(ssrc >> (24 - 8 * i)));
  for (int i = 0; i < 16; ++i) p.push_back(static_cast<std::uint8_t>(n + i));
  p.insert(p.end(), {0x81, 202, 0, 3});
  for (int i = 0; i < 4; ++i) p.push_back(static_cast<std::uint8_t>(ssrc >> (24 - 8 * i)));
  p.insert(p.end(), {1, 4, 'a', 'b', 'c', 'd', 0, 0});
  return p;
}

class GcmInterop : public ::testing::TestWithParam<SrtpProfile> {};

TEST_P(GcmInterop, OursProtectsLibsrtpUnprotects) {
  const Master m = randomMaster(GetParam(), 1);
  GcmSrtpSender ours(derive(m));
  Libsrtp theirs(m, false);
  for (std::uint16_t seq = 100; seq < 110; ++seq) {
    Bytes p = rtpPacket(seq);
    const Bytes plain = p;
    ASSERT_EQ(protect(ours, p), SrtpStatus::Ok);
    EXPECT_EQ(p.size(), plain.size() + kGcmTagLength);
    EXPECT_EQ(std::memcmp(p.data(), plain.data(), 32), 0) << "header stays clear";
    EXPECT_NE(std::memcmp(p.data() + 32, plain.data() + 32, 16), 0) << "payload is encrypted";
    ASSERT_EQ(theirs.unprotect(p), srtp_err_status_ok) << seq;
    EXPECT_EQ(p, plain);

    Bytes r = rtcpPacket(0xA1B2C3D4, seq);
    const Bytes plainR = r;
    ASSERT_EQ(protect(ours, r, true), SrtpStatus::Ok);
    EXPECT_EQ(r.size(), plainR.size() + kGcmTagLength + 4);
    ASSERT_EQ(theirs.unprotectRtcp(r), srtp_err_status_ok) << seq;
    EXPECT_EQ(r, plainR);
  }
}

TEST_P(GcmInterop, LibsrtpProtectsOursUnprotects) {
  const Master m = randomMaster(GetParam(), 2);
  Libsrtp theirs(m, true);
  GcmSrtpReceiver ours(derive(m));
  for (std::uint16_t seq = 5; seq < 15; ++seq) {
    Bytes p = rtpPacket(seq, 0x55667788, seq * 10u);  // payload 50..140, including odd sizes
    const Bytes plain = p;
    ASSERT_EQ(theirs.protect(p), srtp_err_status_ok);
    ASSERT_EQ(unprotect(ours, p), SrtpStatus::Ok) << seq;
    EXPECT_EQ(p, plain);

    Bytes r = rtcpPacket(0x55667788, seq);
    const Bytes plainR = r;
    ASSERT_EQ(theirs.protectRtcp(r), srtp_err_status_ok);
    ASSERT_EQ(unprotect(ours, r, true), SrtpStatus::Ok) << seq;
    EXPECT_EQ(r, plainR);
  }
}

TEST_P(GcmInterop, SequenceWrapIncrementsTheRolloverCounterOnBothSides) {
  const Master m = randomMaster(GetParam(), 3);
  GcmSrtpSender oursOut(derive(m));
  GcmSrtpReceiver oursIn(derive(m));
  Libsrtp theirsIn(m, false);
  Libsrtp theirsOut(m, true);
  // 65000 .. 65535 then ROC 1 from 0 .. 1463: a wrong ROC on either side fails authentication.
  std::uint16_t seq = 65000;
  for (int i = 0; i < 2000; ++i, ++seq) {
    Bytes a = rtpPacket(seq, 0x01010101, 40);
    const Bytes plainA = a;
    ASSERT_EQ(protect(oursOut, a), SrtpStatus::Ok);
    ASSERT_EQ(theirsIn.unprotect(a), srtp_err_status_ok) << "ours -> libsrtp, packet " << i;
    ASSERT_EQ(a, plainA);

    Bytes b = rtpPacket(seq, 0x02020202, 40);
    const Bytes plainB = b;
    ASSERT_EQ(theirsOut.protect(b), srtp_err_status_ok);
    ASSERT_EQ(unprotect(oursIn, b), SrtpStatus::Ok) << "libsrtp -> ours, packet " << i;
    ASSERT_EQ(b, plainB);
  }
}

TEST_P(GcmInterop, ReorderingAcrossTheWrapKeepsTheRightRolloverCounter) {
  const Master m = randomMaster(GetParam(), 4);
  Libsrtp theirs(m, true);
  GcmSrtpReceiver ours(derive(m));
  std::vector<Bytes> sent;
  for (std::uint16_t seq : {65530, 65531, 65532, 65533, 65534, 65535, 0, 1, 2}) {
    Bytes p = rtpPacket(seq);
    ASSERT_EQ(theirs.protect(p), srtp_err_status_ok);
    sent.push_back(p);
  }
  // 65530..65533 in order (past 2^15, so the RFC estimate applies), then 0 and 1 (ROC 1) before
  // the late 65534/65535 (ROC 0), then 2.
  for (int i : {0, 1, 2, 3, 6, 7, 4, 5, 8}) {
    Bytes p = sent[i];
    EXPECT_EQ(unprotect(ours, p), SrtpStatus::Ok) << "packet " << i;
  }
}

INSTANTIATE_TEST_SUITE_P(BothGcm, GcmInterop,
                         ::testing::Values(SrtpProfile::AeadAes256Gcm, SrtpProfile::AeadAes128Gcm),
                         [](const auto& info) { return std::string(profileName(info.param)); });

TEST(GcmSrtp, ReplaysAreRejectedPerSsrcForRtpAndRtcp) {
  const Master m = randomMaster(SrtpProfile::AeadAes128Gcm, 5);
  GcmSrtpSender out(derive(m));
  GcmSrtpReceiver in(derive(m));
  Bytes first = rtpPacket(7, 1);
  Bytes other = rtpPacket(7, 2);  // same seq, other SSRC: not a replay
  ASSERT_EQ(protect(out, first), SrtpStatus::Ok);
  ASSERT_EQ(protect(out, other), SrtpStatus::Ok);
  Bytes copy = first;
  ASSERT_EQ(unprotect(in, first), SrtpStatus::Ok);
  EXPECT_EQ(unprotect(in, other), SrtpStatus::Ok);
  EXPECT_EQ(unprotect(in, copy), SrtpStatus::Replay);

  Bytes r = rtcpPacket(1, 1);
  ASSERT_EQ(protect(out, r, true), SrtpStatus::Ok);
  Bytes rcopy = r;
  ASSERT_EQ(unprotect(in, r, true), SrtpStatus::Ok);
  EXPECT_EQ(unprotect(in, rcopy, true), SrtpStatus::Replay);
}

TEST(GcmSrtp, PacketsBehindTheWindowAreTooOldButLateOnesInsideItPass) {
  const Master m = randomMaster(SrtpProfile::AeadAes256Gcm, 6);
  GcmSrtpSender out(derive(m));
  GcmSrtpReceiver in(derive(m));
  Bytes old = rtpPacket(1);
  Bytes late = rtpPacket(200);
  ASSERT_EQ(protect(out, old), SrtpStatus::Ok);
  ASSERT_EQ(protect(out, late), SrtpStatus::Ok);
  for (std::uint16_t seq = 2; seq < 1100; ++seq) {
    if (seq == 200) continue;
    Bytes p = rtpPacket(seq, 0x11223344, 8);
    ASSERT_EQ(protect(out, p), SrtpStatus::Ok);
    ASSERT_EQ(unprotect(in, p), SrtpStatus::Ok) << seq;
  }
  EXPECT_EQ(unprotect(in, old), SrtpStatus::Replay) << "1098 behind, window is 1024";
  EXPECT_EQ(unprotect(in, late), SrtpStatus::Ok) << "899 behind, never seen";
}

TEST(GcmSrtp, TamperingAnywhereFailsAuthenticationAndDoesNotMoveTheWindow) {
  const Master m = randomMaster(SrtpProfile::AeadAes256Gcm, 7);
  GcmSrtpSender out(derive(m));
  GcmSrtpReceiver in(derive(m));
  for (std::size_t at : {1u, 13u, 25u, 40u, 151u}) {  // header, CSRC, extension, payload, tag
    Bytes p = rtpPacket(50);
    ASSERT_EQ(protect(out, p), SrtpStatus::Ok);
    ASSERT_LT(at, p.size());
    p[at] ^= 0x04;
    EXPECT_EQ(unprotect(in, p), SrtpStatus::AuthFailure) << at;
  }
  Bytes genuine = rtpPacket(50);
  ASSERT_EQ(protect(out, genuine), SrtpStatus::Ok);
  EXPECT_EQ(unprotect(in, genuine), SrtpStatus::Ok);

  for (std::size_t fromEnd : {1u, 3u, 10u, 30u}) {  // index word (keeps E), tag, payload
    Bytes r = rtcpPacket(9, 9);
    ASSERT_EQ(protect(out, r, true), SrtpStatus::Ok);
    r[r.size() - fromEnd] ^= 0x01;
    EXPECT_EQ(unprotect(in, r, true), SrtpStatus::AuthFailure) << fromEnd;
  }
}

TEST(GcmSrtp, GarbageNeverPassesAndLengthStaysPut) {
  const Master m = randomMaster(SrtpProfile::AeadAes128Gcm, 8);
  GcmSrtpReceiver in(derive(m));
  std::mt19937 rng(8);
  Bytes buf(300);
  for (int round = 0; round < 2000; ++round) {
    const std::size_t size = rng() % buf.size();
    for (auto& b : buf) b = static_cast<std::uint8_t>(rng());
    if (round % 2 == 0) buf[0] = static_cast<std::uint8_t>(0x80 | (buf[0] & 0x3F));
    std::size_t len = size;
    EXPECT_NE(in.unprotectRtp(buf.data(), len), SrtpStatus::Ok);
    EXPECT_EQ(len, size);
    EXPECT_NE(in.unprotectRtcp(buf.data(), len), SrtpStatus::Ok);
    EXPECT_EQ(len, size);
  }
  // Extension length pointing past the end; CSRC count past the end.
  Bytes ext = {0x90, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xBE, 0xDE, 0xFF, 0xFF};
  ext.resize(40);
  EXPECT_EQ(rtpHeaderLength(ext.data(), ext.size()), 0u);
  Bytes csrc = {0x8F, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1};
  csrc.resize(40);
  EXPECT_EQ(rtpHeaderLength(csrc.data(), csrc.size()), 0u);
}

TEST(GcmSrtp, ProtectRefusesWithoutRoomForTheTrailer) {
  const Master m = randomMaster(SrtpProfile::AeadAes128Gcm, 9);
  GcmSrtpSender out(derive(m));
  Bytes p = rtpPacket(1);
  std::size_t len = p.size();
  p.resize(len + 15);
  EXPECT_EQ(out.protectRtp(p.data(), len, p.size()), SrtpStatus::Other);
  p.resize(len + 19);
  EXPECT_EQ(out.protectRtcp(p.data(), len, p.size()), SrtpStatus::Other);
  EXPECT_EQ(len, p.size() - 19);
}

TEST(GcmSrtp, MoreSsrcsThanTableSlotsStillWork) {
  const Master m = randomMaster(SrtpProfile::AeadAes256Gcm, 10);
  GcmSrtpSender out(derive(m));
  Libsrtp theirs(m, false);
  for (int round = 0; round < 3; ++round) {
    for (std::uint32_t ssrc = 1; ssrc <= 3 * kSsrcTableCapacity; ++ssrc) {
      Bytes p = rtpPacket(static_cast<std::uint16_t>(round), ssrc, 20);
      ASSERT_EQ(protect(out, p), SrtpStatus::Ok);
      ASSERT_EQ(theirs.unprotect(p), srtp_err_status_ok) << ssrc;
    }
  }
}

// RFC 7714 §16 and §17: session key and salt are given directly (no KDF).
GcmSessionKeys rfcKeys(std::string_view key) {
  GcmSessionKeys keys;
  const Bytes k = hex(key);
  const Bytes salt = hex("517569642070726f2071756f");  // "Quid pro quo"
  keys.keyLength = k.size();
  std::copy(k.begin(), k.end(), keys.rtpKey.begin());
  std::copy(k.begin(), k.end(), keys.rtcpKey.begin());
  std::copy(salt.begin(), salt.end(), keys.rtpSalt.begin());
  std::copy(salt.begin(), salt.end(), keys.rtcpSalt.begin());
  return keys;
}

constexpr std::string_view kKey128 = "000102030405060708090a0b0c0d0e0f";
constexpr std::string_view kKey256 =
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
constexpr std::string_view kRfcRtp =  // "Gallia est omnis divisa in partes tres"
    "8040f17b8041f8d35501a0b247616c6c696120657374206f6d6e69732064697669736120696e207061727465732074726573";
constexpr std::string_view kRfcRtcp =
    "81c8000d4d6172734e5450314e545032525450200000042a0000e9304c756e61deadbeefdeadbeefdeadbeefdeadbeefdeadbeef";

TEST(GcmSrtpRfc7714, Section16RtpVectors) {
  const std::pair<std::string_view, std::string_view> vectors[] = {
      {kKey128,  // §16.1.1
       "8040f17b8041f8d35501a0b2f24de3a3fb34de6cacba861c9d7e4bcabe633bd50d294e6f42a5f47a51c7d19b"
       "36de3adf8833899d7f27beb16a9152cf765ee4390cce"},
      {kKey256,  // §16.2.1
       "8040f17b8041f8d35501a0b232b1de78a822fe12ef9f78fa332e33aab18012389a58e2f3b50b2a0276ffae0f"
       "1ba63799b87b7aa3db36dfffd6b0f9bb7878d7a76c13"}};
  for (const auto& [key, expected] : vectors) {
    GcmSrtpSender out(rfcKeys(key));
    Bytes p = hex(kRfcRtp);
    ASSERT_EQ(protect(out, p), SrtpStatus::Ok);
    EXPECT_EQ(p, hex(expected)) << key;

    GcmSrtpReceiver in(rfcKeys(key));
    Bytes c = hex(expected);
    ASSERT_EQ(unprotect(in, c), SrtpStatus::Ok);
    EXPECT_EQ(c, hex(kRfcRtp));
  }
}

TEST(GcmSrtpRfc7714, Section17RtcpVectors) {
  const std::pair<std::string_view, std::string_view> vectors[] = {
      {kKey128,  // §17.1
       "81c8000d4d61727363e94885dcdab67ca727d7662f6b7e997ff5c0f76c06f32dc676a5f1730d6fda4ce09b46"
       "86303ded0bb9275bc84aa45896cf4d2fc5abf87245d9eade800005d4"},
      {kKey256,  // §17.2
       "81c8000d4d617273d50ae4d1f5ce5d304ba297e47d470c282c3ece5dbffe0a50a2eaa5c1110555be8415f658"
       "c61de0476f1b6fad1d1eb30c4446839f57ff6f6cb26ac3be800005d4"}};
  for (const auto& [key, expected] : vectors) {
    GcmSrtpReceiver in(rfcKeys(key));
    Bytes c = hex(expected);
    ASSERT_EQ(unprotect(in, c, true), SrtpStatus::Ok) << key;
    EXPECT_EQ(c, hex(kRfcRtcp));

    // The sender counts from index 1; the vectors use 0x5d4.
    GcmSrtpSender out(rfcKeys(key));
    Bytes p;
    for (int i = 0; i < 0x5d4; ++i) {
      p = hex(kRfcRtcp);
      ASSERT_EQ(protect(out, p, true), SrtpStatus::Ok);
    }
    EXPECT_EQ(p, hex(expected)) << key;
  }
  // §17.3: E = 0, authenticated but not encrypted.
  GcmSrtpReceiver in(rfcKeys(kKey128));
  Bytes tagged = hex(std::string(kRfcRtcp) + "841dd9683dd78ec92ae58790125f62b3000005d4");
  ASSERT_EQ(unprotect(in, tagged, true), SrtpStatus::Ok);
  EXPECT_EQ(tagged, hex(kRfcRtcp));
}

TEST(GcmSrtpSession, SessionUsesOurEngineForGcmAndCountsFailures) {
  // Both ends through SrtpSession with DTLS-SRTP keys, checked against libsrtp per direction.
  const Master client = randomMaster(SrtpProfile::AeadAes256Gcm, 11);
  const Master server = randomMaster(SrtpProfile::AeadAes256Gcm, 12);
  SrtpKeys keys;
  keys.profile = SrtpProfile::AeadAes256Gcm;
  std::copy(client.key.begin(), client.key.end(), keys.clientKey.begin());
  std::copy(client.salt.begin(), client.salt.end(), keys.clientSalt.begin());
  std::copy(server.key.begin(), server.key.end(), keys.serverKey.begin());
  std::copy(server.salt.begin(), server.salt.end(), keys.serverSalt.begin());
  SrtpSession daemon(keys, true);
  Libsrtp browserIn(server, false);
  Libsrtp browserOut(client, true);

  Bytes p = rtpPacket(3);
  const Bytes plain = p;
  std::size_t len = p.size();
  p.resize(kCapacity);
  ASSERT_EQ(daemon.protectRtp(p.data(), len, p.size()), SrtpStatus::Ok);
  p.resize(len);
  ASSERT_EQ(browserIn.unprotect(p), srtp_err_status_ok);
  EXPECT_EQ(p, plain);

  Bytes q = rtpPacket(4);
  ASSERT_EQ(browserOut.protect(q), srtp_err_status_ok);
  const Bytes protectedQ = q;
  Bytes tampered = q;
  tampered[40] ^= 1;
  len = tampered.size();
  EXPECT_EQ(daemon.unprotectRtp(tampered.data(), len), SrtpStatus::AuthFailure);
  len = q.size();
  ASSERT_EQ(daemon.unprotectRtp(q.data(), len), SrtpStatus::Ok);
  q.resize(len);
  EXPECT_EQ(q, rtpPacket(4));
  Bytes replay = protectedQ;
  len = replay.size();
  EXPECT_EQ(daemon.unprotectRtp(replay.data(), len), SrtpStatus::Replay);

  Bytes r = rtcpPacket(77, 1);
  ASSERT_EQ(browserOut.protectRtcp(r), srtp_err_status_ok);
  len = r.size();
  ASSERT_EQ(daemon.unprotectRtcp(r.data(), len), SrtpStatus::Ok);
  EXPECT_EQ(len, rtcpPacket(77, 1).size());
  EXPECT_EQ(daemon.counters().authFailures, 1u);
  EXPECT_EQ(daemon.counters().replayDrops, 1u);
  EXPECT_EQ(daemon.counters().otherFailures, 0u);
}

}  // namespace
}  // namespace callpy::rtc::srtp
