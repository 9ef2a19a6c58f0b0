#pragma once
// A bounded ring of packet slots allocated once, for the media thread(s) to hand packets to the
// writer thread without locks or allocation (D. Vyukov's bounded queue: each slot carries a
// sequence number that says whose turn it is). Producers never wait: a full ring drops the packet.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "rtc/record/raw_file.h"

namespace callpy::rtc::record {

struct PacketSlot {
  std::atomic<std::size_t> turn{0};
  std::uint8_t track = 0;
  std::uint16_t length = 0;
  std::uint32_t codecs = 0;  // the track's codec map in force (Recording::setCodecs generation)
  std::uint64_t arrivalUs = 0;
  std::uint8_t data[kMaxRtpPacket];
};

class PacketRing {
 public:
  // `slots` is rounded up to a power of two.
  explicit PacketRing(std::size_t slots);

  // Any thread; false (nothing copied) when the ring is full or the packet too big.
  bool push(std::uint8_t track, const std::uint8_t* data, std::size_t len,
            std::uint64_t arrivalUs, std::uint32_t codecs = 0) noexcept;
  // The single consumer: calls fn(const PacketSlot&) for each packet in order; returns how many.
  template <typename Fn>
  std::size_t drain(Fn&& fn) {
    std::size_t n = 0;
    for (;;) {
      PacketSlot& s = slots_[tail_ & mask_];
      if (s.turn.load(std::memory_order_acquire) != tail_ + 1) return n;
      fn(static_cast<const PacketSlot&>(s));
      s.turn.store(tail_ + mask_ + 1, std::memory_order_release);
      ++tail_;
      ++n;
    }
  }
  std::size_t capacity() const { return mask_ + 1; }

 private:
  std::unique_ptr<PacketSlot[]> slots_;
  std::size_t mask_;
  alignas(64) std::atomic<std::size_t> head_{0};
  alignas(64) std::size_t tail_ = 0;  // consumer only
};

}  // namespace callpy::rtc::record
