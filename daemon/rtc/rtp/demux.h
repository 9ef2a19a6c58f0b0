#pragma once
// RFC 7983 (+ RFC 5761) demultiplexing of what arrives on the one bundled ICE component: the
// first byte tells STUN, DTLS and SRTP/SRTCP apart; the second byte tells RTCP from RTP.
#include <cstddef>
#include <cstdint>

namespace callpy::rtc::rtp {

enum class PacketKind : std::uint8_t { Stun, Dtls, Rtp, Rtcp, Unknown };

// RTCP packet types 192..223 occupy the byte RTP uses for marker + payload type (RFC 5761 §4);
// negotiated RTP payload types never fall in 64..95, so the full second byte decides.
constexpr bool isRtcpPacketType(std::uint8_t secondByte) {
  return secondByte >= 192 && secondByte <= 223;
}

constexpr PacketKind classify(const std::uint8_t* data, std::size_t len) {
  if (data == nullptr || len == 0) return PacketKind::Unknown;
  const std::uint8_t b = data[0];
  if (b <= 3) return PacketKind::Stun;
  if (b >= 20 && b <= 63) return PacketKind::Dtls;
  if (b >= 128 && b <= 191) {
    if (len < 2) return PacketKind::Unknown;
    return isRtcpPacketType(data[1]) ? PacketKind::Rtcp : PacketKind::Rtp;
  }
  return PacketKind::Unknown;  // 16..19 ZRTP, 64..79 TURN channels: not used here
}

}  // namespace callpy::rtc::rtp
