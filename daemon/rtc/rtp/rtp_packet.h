#pragma once
// A bounds-checked view over one (decrypted) RTP packet, RFC 3550 §5.1 with RFC 8285 header
// extensions. The view does not own the bytes; setters write the header fields in place so a
// forwarded packet is rewritten without a copy.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace callpy::rtc::rtp {

inline constexpr std::size_t kRtpFixedHeader = 12;

class RtpPacket {
 public:
  // nullopt unless: version 2, the CSRC list and the extension fit, a set padding bit has a count
  // 1..(bytes after the header). Not RTCP-checked: classify() first.
  static std::optional<RtpPacket> parse(std::uint8_t* data, std::size_t len);

  std::uint8_t* data() const { return data_; }
  std::size_t size() const { return size_; }

  bool marker() const { return (data_[1] & 0x80) != 0; }
  std::uint8_t payloadType() const { return data_[1] & 0x7F; }
  std::uint16_t sequenceNumber() const;
  std::uint32_t timestamp() const;
  std::uint32_t ssrc() const;
  std::size_t csrcCount() const { return data_[0] & 0x0F; }
  std::uint32_t csrc(std::size_t i) const;  // i < csrcCount()

  bool hasExtension() const { return extensionOffset_ != 0; }
  std::uint16_t extensionProfile() const;   // 0 without extension
  // Value of header extension `id` (one-byte form 0xBEDE: ids 1..14; two-byte form 0x100X: ids
  // 1..255). nullopt when absent or the block is malformed. A two-byte element may be empty.
  std::optional<std::span<const std::uint8_t>> extension(std::uint8_t id) const;

  std::size_t headerLength() const { return payloadOffset_; }  // == payload offset
  std::size_t paddingLength() const { return padding_; }
  std::size_t payloadLength() const { return size_ - payloadOffset_ - padding_; }
  std::span<std::uint8_t> payload() const { return {data_ + payloadOffset_, payloadLength()}; }

  void setMarker(bool on);
  void setPayloadType(std::uint8_t pt);  // 0..127
  void setSequenceNumber(std::uint16_t seq);
  void setTimestamp(std::uint32_t ts);
  void setSsrc(std::uint32_t ssrc);

 private:
  RtpPacket() = default;
  std::uint8_t* data_ = nullptr;
  std::size_t size_ = 0;
  std::size_t extensionOffset_ = 0;  // offset of the 4-byte extension header, 0 = none
  std::size_t extensionLength_ = 0;  // bytes of extension data after that header
  std::size_t payloadOffset_ = 0;
  std::size_t padding_ = 0;
};

}  // namespace callpy::rtc::rtp
