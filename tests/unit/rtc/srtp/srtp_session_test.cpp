// SrtpSession against real libsrtp2: both ends of a leg in one process, packets handed over in
// memory.
#include "rtc/srtp/srtp_session.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <vector>

namespace callpy::rtc::srtp {
namespace {

constexpr std::size_t kCapacity = 1500;

SrtpKeys randomKeys(SrtpProfile profile, unsigned seed) {
  std::mt19937 rng(seed);
  SrtpKeys keys;
  keys.profile = profile;
  auto fill = [&](auto& array, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) array[i] = static_cast<std::uint8_t>(rng());
  };
  fill(keys.clientKey, masterKeyLength(profile));
  fill(keys.serverKey, masterKeyLength(profile));
  fill(keys.clientSalt, masterSaltLength(profile));
  fill(keys.serverSalt, masterSaltLength(profile));
  return keys;
}

struct Packet {
  std::vector<std::uint8_t> bytes = std::vector<std::uint8_t>(kCapacity);
  std::size_t len = 0;
  std::vector<std::uint8_t> view() const { return {bytes.begin(), bytes.begin() + len}; }
};

Packet rtp(std::uint16_t seq, std::uint32_t ssrc = 0x11223344, std::size_t payload = 160) {
  Packet p;
  std::uint8_t* b = p.bytes.data();
  b[0] = 0x80;
  b[1] = 96;
  b[2] = static_cast<std::uint8_t>(seq >> 8);
  b[3] = static_cast<std::uint8_t>(seq);
  const std::uint32_t ts = seq * 960u;
  for (int i = 0; i < 4; ++i) {
    b[4 + i] = static_cast<std::uint8_t>(ts >> (24 - 8 * i));
    b[8 + i] = static_cast<std::uint8_t>(ssrc >> (24 - 8 * i));
  }
  for (std::size_t i = 0; i < payload; ++i) b[12 + i] = static_cast<std::uint8_t>(i * 7 + seq);
  p.len = 12 + payload;
  return p;
}

// A sender report (PT 200) with no report blocks: 28 bytes.
Packet rtcpSenderReport(std::uint32_t ssrc, std::uint32_t packetCount) {
  Packet p;
  std::uint8_t* b = p.bytes.data();
  b[0] = 0x80;
  b[1] = 200;
  b[2] = 0;
  b[3] = 6;
  for (int i = 0; i < 4; ++i) {
    b[4 + i] = static_cast<std::uint8_t>(ssrc >> (24 - 8 * i));
    b[20 + i] = static_cast<std::uint8_t>(packetCount >> (24 - 8 * i));
  }
  p.len = 28;
  return p;
}

class SrtpProfileTest : public ::testing::TestWithParam<SrtpProfile> {};

TEST_P(SrtpProfileTest, RtpRoundTripsBothDirections) {
  const SrtpKeys keys = randomKeys(GetParam(), 1);
  SrtpSession server(keys, true);
  SrtpSession client(keys, false);

  Packet a = rtp(100);
  const auto plain = a.view();
  ASSERT_EQ(server.protectRtp(a.bytes.data(), a.len, a.bytes.size()), SrtpStatus::Ok);
  const std::size_t tag = GetParam() == SrtpProfile::Aes128CmHmacSha1_80 ? 10 : 16;
  EXPECT_EQ(a.len, plain.size() + tag);
  EXPECT_NE(std::memcmp(a.bytes.data() + 12, plain.data() + 12, plain.size() - 12), 0);
  ASSERT_EQ(client.unprotectRtp(a.bytes.data(), a.len), SrtpStatus::Ok);
  EXPECT_EQ(a.view(), plain);

  Packet b = rtp(7, 0x55667788);
  const auto plainB = b.view();
  ASSERT_EQ(client.protectRtp(b.bytes.data(), b.len, b.bytes.size()), SrtpStatus::Ok);
  ASSERT_EQ(server.unprotectRtp(b.bytes.data(), b.len), SrtpStatus::Ok);
  EXPECT_EQ(b.view(), plainB);
}

TEST_P(SrtpProfileTest, RtcpRoundTripsBothDirections) {
  const SrtpKeys keys = randomKeys(GetParam(), 2);
  SrtpSession server(keys, true);
  SrtpSession client(keys, false);

  Packet sr = rtcpSenderReport(0xAABBCCDD, 42);
  const auto plain = sr.view();
  ASSERT_EQ(server.protectRtcp(sr.bytes.data(), sr.len, sr.bytes.size()), SrtpStatus::Ok);
  EXPECT_GT(sr.len, plain.size());
  ASSERT_EQ(client.unprotectRtcp(sr.bytes.data(), sr.len), SrtpStatus::Ok);
  EXPECT_EQ(sr.view(), plain);

  Packet back = rtcpSenderReport(0x01020304, 9);
  const auto plainBack = back.view();
  ASSERT_EQ(client.protectRtcp(back.bytes.data(), back.len, back.bytes.size()), SrtpStatus::Ok);
  ASSERT_EQ(server.unprotectRtcp(back.bytes.data(), back.len), SrtpStatus::Ok);
  EXPECT_EQ(back.view(), plainBack);
}

TEST_P(SrtpProfileTest, ExactTrailerRoomIsEnough) {
  // Buffers sized exactly len + kMaxTrailerLength: ASan catches any write past that.
  const SrtpKeys keys = randomKeys(GetParam(), 3);
  SrtpSession server(keys, true);
  SrtpSession client(keys, false);
  Packet source = rtp(1);
  std::vector<std::uint8_t> exact(source.bytes.begin(), source.bytes.begin() + source.len);
  exact.resize(source.len + kMaxTrailerLength);
  std::size_t len = source.len;
  ASSERT_EQ(server.protectRtp(exact.data(), len, exact.size()), SrtpStatus::Ok);
  ASSERT_EQ(client.unprotectRtp(exact.data(), len), SrtpStatus::Ok);

  Packet report = rtcpSenderReport(5, 5);
  std::vector<std::uint8_t> exactRtcp(report.bytes.begin(), report.bytes.begin() + report.len);
  exactRtcp.resize(report.len + kMaxTrailerLength);
  len = report.len;
  ASSERT_EQ(server.protectRtcp(exactRtcp.data(), len, exactRtcp.size()), SrtpStatus::Ok);
  ASSERT_EQ(client.unprotectRtcp(exactRtcp.data(), len), SrtpStatus::Ok);
}

INSTANTIATE_TEST_SUITE_P(AllProfiles, SrtpProfileTest,
                         ::testing::Values(SrtpProfile::AeadAes256Gcm, SrtpProfile::AeadAes128Gcm,
                                           SrtpProfile::Aes128CmHmacSha1_80),
                         [](const auto& info) { return std::string(profileName(info.param)); });

TEST(SrtpSessionTest, ReplayedPacketsAreRejectedAndCounted) {
  const SrtpKeys keys = randomKeys(SrtpProfile::AeadAes256Gcm, 4);
  SrtpSession server(keys, true);
  SrtpSession client(keys, false);

  Packet p = rtp(10);
  ASSERT_EQ(server.protectRtp(p.bytes.data(), p.len, p.bytes.size()), SrtpStatus::Ok);
  Packet copy = p;
  ASSERT_EQ(client.unprotectRtp(p.bytes.data(), p.len), SrtpStatus::Ok);
  EXPECT_EQ(client.unprotectRtp(copy.bytes.data(), copy.len), SrtpStatus::Replay);

  Packet r = rtcpSenderReport(1, 1);
  ASSERT_EQ(server.protectRtcp(r.bytes.data(), r.len, r.bytes.size()), SrtpStatus::Ok);
  Packet rcopy = r;
  ASSERT_EQ(client.unprotectRtcp(r.bytes.data(), r.len), SrtpStatus::Ok);
  EXPECT_EQ(client.unprotectRtcp(rcopy.bytes.data(), rcopy.len), SrtpStatus::Replay);
  EXPECT_EQ(client.counters().replayDrops, 2u);
  EXPECT_EQ(client.counters().authFailures, 0u);
}

TEST(SrtpSessionTest, PacketsOlderThanTheWindowAreRejected) {
  const SrtpKeys keys = randomKeys(SrtpProfile::Aes128CmHmacSha1_80, 5);
  SrtpSession server(keys, true);
  SrtpSession client(keys, false);
  Packet old = rtp(1);
  ASSERT_EQ(server.protectRtp(old.bytes.data(), old.len, old.bytes.size()), SrtpStatus::Ok);
  for (std::uint16_t seq = 2; seq < 1200; ++seq) {
    Packet p = rtp(seq);
    ASSERT_EQ(server.protectRtp(p.bytes.data(), p.len, p.bytes.size()), SrtpStatus::Ok);
    ASSERT_EQ(client.unprotectRtp(p.bytes.data(), p.len), SrtpStatus::Ok);
  }
  // Never seen, but 1198 packets behind: outside the 1024-packet window.
  EXPECT_EQ(client.unprotectRtp(old.bytes.data(), old.len), SrtpStatus::Replay);
}

TEST(SrtpSessionTest, LatePacketInsideTheWindowIsAccepted) {
  const SrtpKeys keys = randomKeys(SrtpProfile::AeadAes128Gcm, 6);
  SrtpSession server(keys, true);
  SrtpSession client(keys, false);
  Packet late = rtp(1);
  ASSERT_EQ(server.protectRtp(late.bytes.data(), late.len, late.bytes.size()), SrtpStatus::Ok);
  for (std::uint16_t seq = 2; seq < 900; ++seq) {
    Packet p = rtp(seq);
    ASSERT_EQ(server.protectRtp(p.bytes.data(), p.len, p.bytes.size()), SrtpStatus::Ok);
    ASSERT_EQ(client.unprotectRtp(p.bytes.data(), p.len), SrtpStatus::Ok);
  }
  EXPECT_EQ(client.unprotectRtp(late.bytes.data(), late.len), SrtpStatus::Ok);
}

TEST(SrtpSessionTest, TamperedPacketsFailAuthentication) {
  for (auto profile : {SrtpProfile::AeadAes256Gcm, SrtpProfile::Aes128CmHmacSha1_80}) {
    const SrtpKeys keys = randomKeys(profile, 7);
    SrtpSession server(keys, true);
    SrtpSession client(keys, false);

    Packet payload = rtp(20);
    ASSERT_EQ(server.protectRtp(payload.bytes.data(), payload.len, kCapacity), SrtpStatus::Ok);
    payload.bytes[30] ^= 0x01;
    EXPECT_EQ(client.unprotectRtp(payload.bytes.data(), payload.len), SrtpStatus::AuthFailure);

    Packet tag = rtp(21);
    ASSERT_EQ(server.protectRtp(tag.bytes.data(), tag.len, kCapacity), SrtpStatus::Ok);
    tag.bytes[tag.len - 1] ^= 0x80;
    EXPECT_EQ(client.unprotectRtp(tag.bytes.data(), tag.len), SrtpStatus::AuthFailure);

    Packet report = rtcpSenderReport(3, 3);
    ASSERT_EQ(server.protectRtcp(report.bytes.data(), report.len, kCapacity), SrtpStatus::Ok);
    report.bytes[10] ^= 0xFF;
    EXPECT_EQ(client.unprotectRtcp(report.bytes.data(), report.len), SrtpStatus::AuthFailure);

    EXPECT_EQ(client.counters().authFailures, 3u);
    // A rejected packet does not poison its sequence number: the genuine one still passes.
    Packet genuine = rtp(20);
    ASSERT_EQ(server.protectRtp(genuine.bytes.data(), genuine.len, kCapacity), SrtpStatus::Ok);
    EXPECT_EQ(client.unprotectRtp(genuine.bytes.data(), genuine.len), SrtpStatus::Ok);
  }
}

TEST(SrtpSessionTest, WrongKeysFailAuthentication) {
  const SrtpKeys keys = randomKeys(SrtpProfile::AeadAes256Gcm, 8);
  SrtpSession server(keys, true);
  SrtpSession alsoServer(keys, true);  // receives with the client keys, but server keys were used
  Packet p = rtp(1);
  ASSERT_EQ(server.protectRtp(p.bytes.data(), p.len, kCapacity), SrtpStatus::Ok);
  EXPECT_EQ(alsoServer.unprotectRtp(p.bytes.data(), p.len), SrtpStatus::AuthFailure);
}

TEST(SrtpSessionTest, RetransmitWithTheSameSequenceNumberCanBeProtectedAgain) {
  const SrtpKeys keys = randomKeys(SrtpProfile::AeadAes256Gcm, 9);
  SrtpSession server(keys, true);
  SrtpSession client(keys, false);

  Packet first = rtp(1);
  ASSERT_EQ(server.protectRtp(first.bytes.data(), first.len, kCapacity), SrtpStatus::Ok);
  ASSERT_EQ(client.unprotectRtp(first.bytes.data(), first.len), SrtpStatus::Ok);
  Packet lost = rtp(2);  // protected and sent, but lost on the way
  ASSERT_EQ(server.protectRtp(lost.bytes.data(), lost.len, kCapacity), SrtpStatus::Ok);
  Packet third = rtp(3);
  ASSERT_EQ(server.protectRtp(third.bytes.data(), third.len, kCapacity), SrtpStatus::Ok);
  ASSERT_EQ(client.unprotectRtp(third.bytes.data(), third.len), SrtpStatus::Ok);

  // The NACK answer: the stored plain packet protected again with its original seq.
  Packet resend = rtp(2);
  const auto plain = resend.view();
  ASSERT_EQ(server.protectRtp(resend.bytes.data(), resend.len, kCapacity), SrtpStatus::Ok);
  ASSERT_EQ(client.unprotectRtp(resend.bytes.data(), resend.len), SrtpStatus::Ok);
  EXPECT_EQ(resend.view(), plain);
  EXPECT_EQ(server.counters().protectFailures, 0u);
}

TEST(SrtpSessionTest, SequenceWrapCarriesTheRolloverCounter) {
  const SrtpKeys keys = randomKeys(SrtpProfile::AeadAes128Gcm, 10);
  SrtpSession server(keys, true);
  SrtpSession client(keys, false);
  // Starts just below the wrap so that most of the 70,000 packets use ROC 1.
  std::uint16_t seq = 65000;
  Packet p;
  for (int i = 0; i < 70000; ++i, ++seq) {
    p = rtp(seq, 0x11223344, 40);
    p.bytes[12] = static_cast<std::uint8_t>(i);
    p.bytes[13] = static_cast<std::uint8_t>(i >> 8);
    p.bytes[14] = static_cast<std::uint8_t>(i >> 16);
    const auto plain = p.view();
    ASSERT_EQ(server.protectRtp(p.bytes.data(), p.len, kCapacity), SrtpStatus::Ok) << i;
    ASSERT_EQ(client.unprotectRtp(p.bytes.data(), p.len), SrtpStatus::Ok) << "packet " << i;
    ASSERT_EQ(p.view(), plain) << i;
  }
  EXPECT_EQ(seq, static_cast<std::uint16_t>(65000 + 70000));
  EXPECT_EQ(client.counters().authFailures, 0u);
}

TEST(SrtpSessionTest, TooLittleRoomOrGarbageIsRefusedWithoutTouchingLength) {
  const SrtpKeys keys = randomKeys(SrtpProfile::AeadAes256Gcm, 11);
  SrtpSession server(keys, true);
  SrtpSession client(keys, false);

  Packet p = rtp(1);
  std::size_t len = p.len;
  EXPECT_EQ(server.protectRtp(p.bytes.data(), len, p.len + 15), SrtpStatus::Other);
  EXPECT_EQ(len, p.len);
  EXPECT_EQ(server.protectRtcp(p.bytes.data(), len, p.len + 16), SrtpStatus::Other);
  EXPECT_EQ(server.counters().protectFailures, 2u);

  std::vector<std::uint8_t> garbage(64, 0xAB);
  garbage[0] = 0x80;
  for (std::size_t size : {0u, 1u, 4u, 11u, 12u, 13u, 28u, 64u}) {
    std::size_t n = size;
    EXPECT_NE(client.unprotectRtp(garbage.data(), n), SrtpStatus::Ok) << size;
    n = size;
    EXPECT_NE(client.unprotectRtcp(garbage.data(), n), SrtpStatus::Ok) << size;
  }
}

TEST(SrtpKeysTest, ProfileNamesRoundTrip) {
  for (auto profile : {SrtpProfile::AeadAes256Gcm, SrtpProfile::AeadAes128Gcm,
                       SrtpProfile::Aes128CmHmacSha1_80}) {
    EXPECT_EQ(profileFromName(profileName(profile)), profile);
  }
  EXPECT_FALSE(profileFromName("SRTP_NULL_SHA1_80").has_value());
  EXPECT_EQ(masterKeyLength(SrtpProfile::AeadAes256Gcm), 32u);
  EXPECT_EQ(masterSaltLength(SrtpProfile::AeadAes256Gcm), 12u);
  EXPECT_EQ(masterKeyLength(SrtpProfile::Aes128CmHmacSha1_80), 16u);
  EXPECT_EQ(masterSaltLength(SrtpProfile::Aes128CmHmacSha1_80), 14u);
}

TEST(SrtpKeysTest, KeyingMaterialSplitsAsRfc5764Says) {
  // 0, 1, 2, ...: each field must start where RFC 5764 §4.2 puts it.
  std::vector<std::uint8_t> material(keyingMaterialLength(SrtpProfile::AeadAes256Gcm));
  for (std::size_t i = 0; i < material.size(); ++i) material[i] = static_cast<std::uint8_t>(i);
  const auto keys = splitKeyingMaterial(SrtpProfile::AeadAes256Gcm, material);
  ASSERT_TRUE(keys.has_value());
  EXPECT_EQ(material.size(), 88u);
  EXPECT_EQ(keys->clientKey[0], 0);
  EXPECT_EQ(keys->clientKey[31], 31);
  EXPECT_EQ(keys->serverKey[0], 32);
  EXPECT_EQ(keys->serverKey[31], 63);
  EXPECT_EQ(keys->clientSalt[0], 64);
  EXPECT_EQ(keys->clientSalt[11], 75);
  EXPECT_EQ(keys->serverSalt[0], 76);
  EXPECT_EQ(keys->serverSalt[11], 87);
  EXPECT_EQ(keys->clientSalt[12], 0) << "unused tail stays zero";

  std::vector<std::uint8_t> cm(keyingMaterialLength(SrtpProfile::Aes128CmHmacSha1_80));
  for (std::size_t i = 0; i < cm.size(); ++i) cm[i] = static_cast<std::uint8_t>(i);
  const auto cmKeys = splitKeyingMaterial(SrtpProfile::Aes128CmHmacSha1_80, cm);
  ASSERT_TRUE(cmKeys.has_value());
  EXPECT_EQ(cm.size(), 60u);
  EXPECT_EQ(cmKeys->serverKey[0], 16);
  EXPECT_EQ(cmKeys->clientSalt[0], 32);
  EXPECT_EQ(cmKeys->serverSalt[13], 59);
  EXPECT_EQ(cmKeys->clientKey[16], 0);

  EXPECT_FALSE(splitKeyingMaterial(SrtpProfile::AeadAes128Gcm, cm).has_value()) << "56 != 60";
}

}  // namespace
}  // namespace callpy::rtc::srtp
