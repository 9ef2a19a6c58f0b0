#pragma once
// Hand-built RTP packets for the recording tests.
#include <cstdint>
#include <vector>

namespace callpy::rtc::record::testing {

using Bytes = std::vector<std::uint8_t>;

inline Bytes rtpPacket(std::uint8_t pt, std::uint16_t seq, std::uint32_t ts, std::uint32_t ssrc,
                       const Bytes& payload, bool marker = false) {
  Bytes p = {0x80, static_cast<std::uint8_t>((marker ? 0x80 : 0) | pt),
             static_cast<std::uint8_t>(seq >> 8), static_cast<std::uint8_t>(seq),
             static_cast<std::uint8_t>(ts >> 24), static_cast<std::uint8_t>(ts >> 16),
             static_cast<std::uint8_t>(ts >> 8), static_cast<std::uint8_t>(ts),
             static_cast<std::uint8_t>(ssrc >> 24), static_cast<std::uint8_t>(ssrc >> 16),
             static_cast<std::uint8_t>(ssrc >> 8), static_cast<std::uint8_t>(ssrc)};
  p.insert(p.end(), payload.begin(), payload.end());
  return p;
}

}  // namespace callpy::rtc::record::testing
