#pragma once
// The VP8 payload descriptor (RFC 7741 §4.2), only as far as a forwarder needs it: where the
// PictureID (7 or 15 bits) and TL0PICIDX sit, so they can be rewritten in place.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace callpy::rtc::rtp {

struct Vp8Descriptor {
  std::size_t size = 0;            // descriptor bytes before the VP8 payload header
  bool startOfPartition = false;   // S bit
  std::uint8_t partitionId = 0;
  bool hasPictureId = false;
  std::uint8_t pictureIdBits = 0;  // 7 or 15 (M bit)
  std::uint16_t pictureId = 0;
  bool hasTl0PicIdx = false;
  std::uint8_t tl0PicIdx = 0;
  static constexpr std::size_t kPictureIdOffset = 2;  // always right after X and I/L/T/K
  std::size_t tl0PicIdxOffset() const {
    return kPictureIdOffset + (hasPictureId ? pictureIdBits / 8 + 1 : 0);
  }
};

// nullopt when the descriptor runs past the payload.
std::optional<Vp8Descriptor> parseVp8Descriptor(std::span<const std::uint8_t> payload);
// Writes `id` with the descriptor's own width (masked to it); no-op without a PictureID.
void writeVp8PictureId(std::span<std::uint8_t> payload, const Vp8Descriptor& d, std::uint16_t id);
void writeVp8Tl0PicIdx(std::span<std::uint8_t> payload, const Vp8Descriptor& d, std::uint8_t idx);

}  // namespace callpy::rtc::rtp
