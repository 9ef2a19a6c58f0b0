#include "rtc/rtp/vp8_descriptor.h"

namespace callpy::rtc::rtp {

std::optional<Vp8Descriptor> parseVp8Descriptor(std::span<const std::uint8_t> payload) {
  const std::size_t n = payload.size();
  if (n < 1) return std::nullopt;
  Vp8Descriptor d;
  const std::uint8_t b0 = payload[0];
  d.startOfPartition = (b0 & 0x10) != 0;
  d.partitionId = b0 & 0x0F;
  std::size_t i = 1;
  if (b0 & 0x80) {  // X: extension byte with I, L, T, K
    if (n < 2) return std::nullopt;
    const std::uint8_t x = payload[1];
    i = 2;
    if (x & 0x80) {
      if (n <= i) return std::nullopt;
      d.hasPictureId = true;
      if (payload[i] & 0x80) {
        if (n < i + 2) return std::nullopt;
        d.pictureIdBits = 15;
        d.pictureId = static_cast<std::uint16_t>(((payload[i] & 0x7F) << 8) | payload[i + 1]);
        i += 2;
      } else {
        d.pictureIdBits = 7;
        d.pictureId = payload[i] & 0x7F;
        i += 1;
      }
    }
    if (x & 0x40) {
      if (n <= i) return std::nullopt;
      d.hasTl0PicIdx = true;
      d.tl0PicIdx = payload[i];
      i += 1;
    }
    if (x & 0x30) {  // T or K: TID/Y/KEYIDX byte
      if (n <= i) return std::nullopt;
      i += 1;
    }
  }
  d.size = i;
  return d;
}

void writeVp8PictureId(std::span<std::uint8_t> payload, const Vp8Descriptor& d, std::uint16_t id) {
  if (!d.hasPictureId) return;
  std::uint8_t* p = payload.data() + Vp8Descriptor::kPictureIdOffset;
  if (d.pictureIdBits == 15) {
    p[0] = static_cast<std::uint8_t>(0x80 | ((id >> 8) & 0x7F));
    p[1] = static_cast<std::uint8_t>(id);
  } else {
    p[0] = static_cast<std::uint8_t>(id & 0x7F);
  }
}

void writeVp8Tl0PicIdx(std::span<std::uint8_t> payload, const Vp8Descriptor& d, std::uint8_t idx) {
  if (d.hasTl0PicIdx) payload[d.tl0PicIdxOffset()] = idx;
}

}  // namespace callpy::rtc::rtp
