#pragma once
// What the synthetic media carries and what the receivers count. Every packet's payload ends in a
// 16-byte trailer the relay does not touch (callpyd rewrites only the RTP header and the VP8
// descriptor at the start): the send time on CLOCK_MONOTONIC (sender and receiver are threads of
// this process, so one clock), the kind, and a magic word so stray packets are not counted.
#include <array>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <ctime>
#include <vector>

namespace callpy::bench::media {

inline std::int64_t nowNs() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

inline constexpr std::uint32_t kMagic = 0x43505942;  // "CPYB"
inline constexpr std::size_t kTrailer = 16;
enum class Kind : std::uint8_t { Audio = 1, Video = 2 };

// flags: 1 = a packet of a video keyframe.
inline void writeTrailer(std::uint8_t* end, std::int64_t sentNs, Kind kind, std::uint8_t flags = 0) {
  std::uint8_t* t = end - kTrailer;
  std::memcpy(t, &sentNs, 8);
  t[8] = static_cast<std::uint8_t>(kind);
  t[9] = flags;
  t[10] = t[11] = 0;
  std::memcpy(t + 12, &kMagic, 4);
}

// False when the payload does not end in our trailer.
inline bool readTrailer(const std::uint8_t* end, std::size_t payloadLen, std::int64_t& sentNs,
                        Kind& kind) {
  if (payloadLen < kTrailer) return false;
  const std::uint8_t* t = end - kTrailer;
  std::uint32_t magic;
  std::memcpy(&magic, t + 12, 4);
  if (magic != kMagic) return false;
  std::memcpy(&sentNs, t, 8);
  kind = static_cast<Kind>(t[8]);
  return true;
}

// Latency histogram with 1 µs buckets up to 100 ms (one per media thread: no sharing on the
// packet path; merged after the run).
class Histogram {
 public:
  static constexpr std::size_t kBuckets = 100'000;
  Histogram() : buckets_(new std::uint32_t[kBuckets + 1]()) {}
  ~Histogram() { delete[] buckets_; }
  Histogram(const Histogram&) = delete;
  Histogram& operator=(const Histogram&) = delete;
  void add(std::int64_t ns) {
    auto us = ns < 0 ? 0 : static_cast<std::size_t>(ns / 1000);
    ++buckets_[us < kBuckets ? us : kBuckets];
    ++count_;
  }
  void merge(const Histogram& o) {
    for (std::size_t i = 0; i <= kBuckets; ++i) buckets_[i] += o.buckets_[i];
    count_ += o.count_;
  }
  void clear() {
    std::memset(buckets_, 0, sizeof(std::uint32_t) * (kBuckets + 1));
    count_ = 0;
  }
  std::uint64_t count() const { return count_; }
  // q in [0,1]; microseconds (kBuckets means "100 ms or more").
  double quantileUs(double q) const {
    if (count_ == 0) return 0;
    const auto want = static_cast<std::uint64_t>(q * static_cast<double>(count_ - 1)) + 1;
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i <= kBuckets; ++i) {
      seen += buckets_[i];
      if (seen >= want) return static_cast<double>(i);
    }
    return static_cast<double>(kBuckets);
  }

 private:
  std::uint32_t* buckets_;
  std::uint64_t count_ = 0;
};

// Per media thread. Written only by that thread; read by the main thread after the window
// (relaxed atomics keep the reads defined).
struct ThreadStats {
  std::atomic<std::uint64_t> sent{0};        // packets handed to ICE with a send time in the window
  std::atomic<std::uint64_t> sendFailed{0};  // IceLeg::send refused (not counted as sent)
  std::atomic<std::uint64_t> received{0};    // packets received whose send time is in the window
  std::atomic<std::uint64_t> receivedAll{0};
  std::atomic<std::uint64_t> srtpErrors{0};
  std::atomic<std::uint64_t> rtcpIn{0};
  std::atomic<int> srtpProfile{-1};  // rtc::srtp::SrtpProfile of the last peer that connected
  Histogram latency;  // of the packets counted in `received`
  // Where the late packets (>= kLateNs) of the window were, to tell a stall of a whole process
  // (late packets of every stream in a few time slots) from one stream's queue (one stream, all
  // the time). Indexed by send time: 100 ms slots from the window's start.
  static constexpr std::int64_t kLateNs = 50'000'000;
  static constexpr std::size_t kSlots = 600;
  std::array<std::uint32_t, kSlots> lateBySlot{};
  std::array<std::uint32_t, kSlots> allBySlot{};
  std::int64_t maxLatencyNs = 0;
  std::int64_t maxLatencySentNs = 0;  // send time of that packet
  struct LateSample {
    std::int64_t sentNs, receivedNs;
    int peer;
    std::uint8_t kind, flags;
  };
  std::vector<LateSample> lateSamples;  // the first few late packets
};

// The measurement window [start, end) in CLOCK_MONOTONIC ns; 0/0 until it is set.
struct Window {
  std::atomic<std::int64_t> start{0};
  std::atomic<std::int64_t> end{0};
  bool contains(std::int64_t t) const {
    const auto s = start.load(std::memory_order_relaxed);
    return s != 0 && t >= s && t < end.load(std::memory_order_relaxed);
  }
};

}  // namespace callpy::bench::media
