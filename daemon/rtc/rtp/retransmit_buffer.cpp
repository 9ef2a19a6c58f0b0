#include "rtc/rtp/retransmit_buffer.h"

#include <algorithm>
#include <cstring>

#include "rtc/rtp/byte_order.h"
#include "rtc/rtp/rtp_packet.h"

namespace callpy::rtc::rtp {

RetransmitBuffer::RetransmitBuffer(std::size_t slots, std::size_t slotSize)
    : slotSize_(std::min<std::size_t>(slotSize, 0xFFFF)),
      meta_(std::max<std::size_t>(slots, 1)),
      bytes_(meta_.size() * slotSize_) {}

bool RetransmitBuffer::store(const std::uint8_t* pkt, std::size_t len) {
  if (pkt == nullptr || len < kRtpFixedHeader || len > slotSize_) return false;
  const std::uint16_t seq = load16(pkt + 2);
  const std::size_t i = seq % meta_.size();
  std::memcpy(bytes_.data() + i * slotSize_, pkt, len);
  meta_[i] = {seq, static_cast<std::uint16_t>(len)};
  return true;
}

std::span<const std::uint8_t> RetransmitBuffer::find(std::uint16_t seq) const {
  const std::size_t i = seq % meta_.size();
  const Slot& s = meta_[i];
  if (s.len == 0 || s.seq != seq) return {};
  return {bytes_.data() + i * slotSize_, s.len};
}

void RetransmitBuffer::clear() { std::fill(meta_.begin(), meta_.end(), Slot{}); }

}  // namespace callpy::rtc::rtp
