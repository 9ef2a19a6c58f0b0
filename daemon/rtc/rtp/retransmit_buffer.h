#pragma once
// The last N packets sent on an outgoing stream, keyed by outgoing sequence number, so a NACK
// is answered by resending the stored (rewritten, not yet encrypted) packet. All memory is
// allocated in the constructor; store() and find() only copy and index.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace callpy::rtc::rtp {

class RetransmitBuffer {
 public:
  static constexpr std::size_t kDefaultSlots = 512;  // divides 65536: slots stay stable at wrap
  static constexpr std::size_t kDefaultSlotSize = 1500;

  explicit RetransmitBuffer(std::size_t slots = kDefaultSlots,
                            std::size_t slotSize = kDefaultSlotSize);

  // Stores an RTP packet under its own sequence number, replacing whatever shared the slot.
  // False when it is shorter than an RTP header or longer than a slot.
  bool store(const std::uint8_t* pkt, std::size_t len);
  // The stored packet with exactly this seq; empty when never stored or already overwritten.
  std::span<const std::uint8_t> find(std::uint16_t seq) const;
  void clear();

  std::size_t slots() const { return meta_.size(); }
  std::size_t slotSize() const { return slotSize_; }

 private:
  struct Slot {
    std::uint16_t seq = 0;
    std::uint16_t len = 0;  // 0 = empty
  };
  std::size_t slotSize_;
  std::vector<Slot> meta_;
  std::vector<std::uint8_t> bytes_;
};

}  // namespace callpy::rtc::rtp
