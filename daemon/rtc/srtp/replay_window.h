#pragma once
// Per-SSRC SRTP bookkeeping without allocation: the RTP packet index estimate (RFC 3711 §3.3.1,
// Appendix A), a sliding replay window (§3.3.2) and a small fixed-capacity SSRC table.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

namespace callpy::rtc::srtp {

// The 48-bit packet index (ROC << 16 | SEQ) that seq most likely belongs to, given the highest
// index authenticated so far. While that is at most 2^15 the ROC is taken as 0, as libsrtp does:
// the RFC's guess would otherwise be ROC -1 for a stream that starts high and is reordered, and
// the peer (libsrtp in every browser) would use 0. nullopt when the ROC would pass 2^32 - 1.
inline std::optional<std::uint64_t> estimateRtpIndex(std::uint64_t highest, std::uint16_t seq) {
  constexpr std::uint32_t kHalf = 1u << 15;
  if (highest <= kHalf) return seq;
  const std::uint64_t roc = highest >> 16;
  const std::uint32_t localSeq = static_cast<std::uint32_t>(highest & 0xFFFF);
  std::uint64_t guess = roc;
  if (localSeq < kHalf) {
    if (seq > localSeq && seq - localSeq > kHalf) guess = roc - 1;  // roc >= 1 here
  } else if (localSeq - kHalf > seq) {
    guess = roc + 1;
  }
  if (guess > 0xFFFFFFFFull) return std::nullopt;
  return (guess << 16) | seq;
}

// Remembers which of the kBits newest indexes were accepted. Indexes are RTP packet indexes or
// SRTCP indexes. Browsers reorder within a few hundred packets at video rates, hence 1024.
class ReplayWindow {
 public:
  static constexpr std::uint64_t kBits = 1024;
  enum class Verdict : std::uint8_t { Fresh, Seen, TooOld };

  Verdict check(std::uint64_t index) const {
    if (!started_ || index > highest_) return Verdict::Fresh;
    if (highest_ - index >= kBits) return Verdict::TooOld;
    return testBit(index) ? Verdict::Seen : Verdict::Fresh;
  }

  // Call only after the packet authenticated: forged packets must not move the window.
  void add(std::uint64_t index) {
    if (!started_) {
      started_ = true;
      highest_ = index;
      words_ = {};
    } else if (index > highest_) {
      if (index - highest_ >= kBits) {
        words_ = {};
      } else {
        for (std::uint64_t i = highest_ + 1; i < index; ++i) clearBit(i);
      }
      highest_ = index;
    }
    setBit(index);
  }

  bool started() const { return started_; }
  std::uint64_t highest() const { return started_ ? highest_ : 0; }

 private:
  static constexpr std::size_t kWords = kBits / 64;
  bool testBit(std::uint64_t i) const { return (words_[(i / 64) % kWords] >> (i % 64)) & 1u; }
  void setBit(std::uint64_t i) { words_[(i / 64) % kWords] |= std::uint64_t{1} << (i % 64); }
  void clearBit(std::uint64_t i) { words_[(i / 64) % kWords] &= ~(std::uint64_t{1} << (i % 64)); }

  std::array<std::uint64_t, kWords> words_{};
  std::uint64_t highest_ = 0;
  bool started_ = false;
};

// SSRC -> State in a fixed array, least recently used slot reused when full (a leg has a handful
// of SSRCs; more only means older streams lose their replay history, never a crash or a leak).
template <typename State, std::size_t N>
class SsrcTable {
 public:
  State* find(std::uint32_t ssrc) {
    if (last_ < count_ && slots_[last_].ssrc == ssrc) return touch(last_);
    for (std::size_t i = 0; i < count_; ++i) {
      if (slots_[i].ssrc == ssrc) return touch(i);
    }
    return nullptr;
  }

  // A fresh State for ssrc (which must not be in the table).
  State& insert(std::uint32_t ssrc) {
    std::size_t i = count_;
    if (count_ < N) {
      ++count_;
    } else {
      i = 0;
      for (std::size_t j = 1; j < N; ++j) {
        if (slots_[j].lastUse < slots_[i].lastUse) i = j;
      }
    }
    slots_[i].ssrc = ssrc;
    slots_[i].state = State{};
    return *touch(i);
  }

  State& findOrInsert(std::uint32_t ssrc) {
    State* state = find(ssrc);
    return state != nullptr ? *state : insert(ssrc);
  }

  std::size_t size() const { return count_; }

 private:
  struct Slot {
    std::uint32_t ssrc = 0;
    std::uint64_t lastUse = 0;
    State state{};
  };
  State* touch(std::size_t i) {
    slots_[i].lastUse = ++clock_;
    last_ = i;
    return &slots_[i].state;
  }

  std::array<Slot, N> slots_{};
  std::size_t count_ = 0;
  std::size_t last_ = 0;
  std::uint64_t clock_ = 0;
};

}  // namespace callpy::rtc::srtp
