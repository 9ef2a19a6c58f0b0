#include "rtc/rtp/rtp_packet.h"

#include "rtc/rtp/byte_order.h"

namespace callpy::rtc::rtp {

namespace {
constexpr std::uint16_t kOneByteProfile = 0xBEDE;
constexpr std::uint16_t kTwoByteProfileMask = 0xFFF0;
constexpr std::uint16_t kTwoByteProfile = 0x1000;
}  // namespace

std::optional<RtpPacket> RtpPacket::parse(std::uint8_t* data, std::size_t len) {
  if (data == nullptr || len < kRtpFixedHeader) return std::nullopt;
  if ((data[0] >> 6) != 2) return std::nullopt;
  RtpPacket p;
  p.data_ = data;
  p.size_ = len;
  std::size_t offset = kRtpFixedHeader + 4 * std::size_t{data[0] & 0x0Fu};
  if (offset > len) return std::nullopt;
  if (data[0] & 0x10) {
    if (len - offset < 4) return std::nullopt;
    const std::size_t words = load16(data + offset + 2);
    if ((len - offset - 4) / 4 < words) return std::nullopt;
    p.extensionOffset_ = offset;
    p.extensionLength_ = words * 4;
    offset += 4 + words * 4;
  }
  p.payloadOffset_ = offset;
  if (data[0] & 0x20) {
    const std::size_t pad = data[len - 1];
    if (pad == 0 || pad > len - offset) return std::nullopt;
    p.padding_ = pad;
  }
  return p;
}

std::uint16_t RtpPacket::sequenceNumber() const { return load16(data_ + 2); }
std::uint32_t RtpPacket::timestamp() const { return load32(data_ + 4); }
std::uint32_t RtpPacket::ssrc() const { return load32(data_ + 8); }
std::uint32_t RtpPacket::csrc(std::size_t i) const {
  return i < csrcCount() ? load32(data_ + kRtpFixedHeader + 4 * i) : 0;
}

std::uint16_t RtpPacket::extensionProfile() const {
  return hasExtension() ? load16(data_ + extensionOffset_) : 0;
}

std::optional<std::span<const std::uint8_t>> RtpPacket::extension(std::uint8_t id) const {
  if (!hasExtension() || id == 0) return std::nullopt;
  const std::uint16_t profile = extensionProfile();
  const std::uint8_t* p = data_ + extensionOffset_ + 4;
  const std::size_t n = extensionLength_;
  std::size_t i = 0;
  if (profile == kOneByteProfile) {
    if (id > 14) return std::nullopt;
    while (i < n) {
      const std::uint8_t b = p[i];
      if (b == 0) {  // padding between elements
        ++i;
        continue;
      }
      const std::uint8_t elementId = b >> 4;
      if (elementId == 15) return std::nullopt;  // reserved: stop processing (RFC 8285 §4.2)
      const std::size_t elementLen = (b & 0x0Fu) + 1u;
      if (n - i - 1 < elementLen) return std::nullopt;
      if (elementId == id) return std::span<const std::uint8_t>(p + i + 1, elementLen);
      i += 1 + elementLen;
    }
    return std::nullopt;
  }
  if ((profile & kTwoByteProfileMask) == kTwoByteProfile) {
    while (i < n) {
      const std::uint8_t elementId = p[i];
      if (elementId == 0) {
        ++i;
        continue;
      }
      if (n - i < 2) return std::nullopt;
      const std::size_t elementLen = p[i + 1];
      if (n - i - 2 < elementLen) return std::nullopt;
      if (elementId == id) return std::span<const std::uint8_t>(p + i + 2, elementLen);
      i += 2 + elementLen;
    }
  }
  return std::nullopt;
}

void RtpPacket::setMarker(bool on) {
  data_[1] = static_cast<std::uint8_t>((data_[1] & 0x7F) | (on ? 0x80 : 0));
}
void RtpPacket::setPayloadType(std::uint8_t pt) {
  data_[1] = static_cast<std::uint8_t>((data_[1] & 0x80) | (pt & 0x7F));
}
void RtpPacket::setSequenceNumber(std::uint16_t seq) { store16(data_ + 2, seq); }
void RtpPacket::setTimestamp(std::uint32_t ts) { store32(data_ + 4, ts); }
void RtpPacket::setSsrc(std::uint32_t ssrc) { store32(data_ + 8, ssrc); }

}  // namespace callpy::rtc::rtp
