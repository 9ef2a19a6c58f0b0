#include "rtc/record/packet_ring.h"

#include <cstring>

namespace callpy::rtc::record {

namespace {
std::size_t roundUp(std::size_t n) {
  std::size_t p = 1;
  while (p < n) p <<= 1;
  return p;
}
}  // namespace

PacketRing::PacketRing(std::size_t slots)
    : slots_(new PacketSlot[roundUp(slots < 2 ? 2 : slots)]), mask_(roundUp(slots < 2 ? 2 : slots) - 1) {
  for (std::size_t i = 0; i <= mask_; ++i) slots_[i].turn.store(i, std::memory_order_relaxed);
}

bool PacketRing::push(std::uint8_t track, const std::uint8_t* data, std::size_t len,
                      std::uint64_t arrivalUs, std::uint32_t codecs) noexcept {
  if (len > kMaxRtpPacket) return false;
  std::size_t pos = head_.load(std::memory_order_relaxed);
  for (;;) {
    PacketSlot& s = slots_[pos & mask_];
    const std::size_t turn = s.turn.load(std::memory_order_acquire);
    const auto diff = static_cast<std::ptrdiff_t>(turn - pos);
    if (diff == 0) {
      if (head_.compare_exchange_weak(pos, pos + 1, std::memory_order_relaxed)) {
        s.track = track;
        s.length = static_cast<std::uint16_t>(len);
        s.arrivalUs = arrivalUs;
        s.codecs = codecs;
        std::memcpy(s.data, data, len);
        s.turn.store(pos + 1, std::memory_order_release);
        return true;
      }
    } else if (diff < 0) {
      return false;  // full: the consumer has not freed this slot yet
    } else {
      pos = head_.load(std::memory_order_relaxed);
    }
  }
}

}  // namespace callpy::rtc::record
