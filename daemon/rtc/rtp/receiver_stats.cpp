#include "rtc/rtp/receiver_stats.h"

#include <algorithm>

namespace callpy::rtc::rtp {

namespace {
constexpr std::uint32_t kSeqMod = 1u << 16;
constexpr std::uint16_t kMaxDropout = 3000;
constexpr std::uint16_t kMaxMisorder = 100;
}  // namespace

ReceiverStats::ReceiverStats(std::uint32_t ssrc, std::uint32_t clockRate)
    : ssrc_(ssrc), clockRate_(clockRate) {}

void ReceiverStats::restart(std::uint16_t seq) {
  initialized_ = true;
  baseSeq_ = seq;
  maxSeq_ = seq;
  badSeq_ = kSeqMod + 1;  // never equals a 16-bit seq
  cycles_ = 0;
  received_ = 0;
  receivedPrior_ = 0;
  expectedPrior_ = 0;
}

void ReceiverStats::onPacket(std::uint16_t seq, std::uint32_t rtpTimestamp,
                             std::uint64_t arrivalUs) {
  bool inOrder = false;
  if (!initialized_) {
    restart(seq);
    inOrder = true;
  } else {
    const auto udelta = static_cast<std::uint16_t>(seq - maxSeq_);
    if (udelta < kMaxDropout) {
      if (seq < maxSeq_) cycles_ += kSeqMod;
      inOrder = udelta != 0;
      maxSeq_ = seq;
    } else if (udelta <= kSeqMod - kMaxMisorder) {
      // A big jump: believe it only when the next packet continues from it (sender restart).
      if (seq != badSeq_) {
        badSeq_ = (seq + 1u) & (kSeqMod - 1);
        return;
      }
      restart(seq);
      haveTransit_ = false;
      inOrder = true;
    }  // else: duplicate or reordered within kMaxMisorder, counted below
  }
  ++received_;

  // A.8, as browsers compute it: only for in-order packets that start a new frame, so packets
  // of one frame (same timestamp, sent in a burst) and late ones do not skew it.
  const auto arrival = static_cast<std::uint32_t>(arrivalUs * clockRate_ / 1'000'000u);
  const std::uint32_t transit = arrival - rtpTimestamp;
  if (!haveTransit_) {
    haveTransit_ = true;
  } else if (inOrder && rtpTimestamp != lastTimestamp_) {
    // |D(i-1,i)| of the wrapping 32-bit difference, in unsigned arithmetic: negating a signed
    // INT32_MIN would be undefined (a 2^31 jump gives 2^31).
    const std::uint32_t diff = transit - lastTransit_;
    const std::uint32_t d = diff > 0x80000000u ? 0u - diff : diff;
    jitterQ4_ += d - ((jitterQ4_ + 8) >> 4);
  } else {
    return;
  }
  lastTransit_ = transit;
  lastTimestamp_ = rtpTimestamp;
}

void ReceiverStats::onSenderReport(std::uint32_t ntpMiddle, std::uint64_t arrivalUs) {
  haveSr_ = true;
  lastSr_ = ntpMiddle;
  lastSrArrivalUs_ = arrivalUs;
}

std::int64_t ReceiverStats::cumulativeLost() const {
  if (!initialized_) return 0;
  const std::int64_t expected = std::int64_t{extendedHighestSeq()} - baseSeq_ + 1;
  return expected - static_cast<std::int64_t>(received_);
}

ReportBlock ReceiverStats::makeReportBlock(std::uint64_t nowUs) {
  ReportBlock r;
  r.ssrc = ssrc_;
  if (initialized_) {
    const std::int64_t expected = std::int64_t{extendedHighestSeq()} - baseSeq_ + 1;
    const std::int64_t lost = expected - static_cast<std::int64_t>(received_);
    r.cumulativeLost = static_cast<std::int32_t>(std::clamp<std::int64_t>(lost, -0x800000, 0x7FFFFF));
    const std::int64_t expectedInterval = expected - expectedPrior_;
    const auto receivedInterval = static_cast<std::int64_t>(received_ - receivedPrior_);
    const std::int64_t lostInterval = expectedInterval - receivedInterval;
    if (expectedInterval > 0 && lostInterval > 0)
      r.fractionLost = static_cast<std::uint8_t>(std::min<std::int64_t>((lostInterval << 8) / expectedInterval, 255));
    expectedPrior_ = expected;
    receivedPrior_ = received_;
    r.extendedHighestSeq = extendedHighestSeq();
    r.jitter = jitter();
  }
  if (haveSr_) {
    r.lastSr = lastSr_;
    const std::uint64_t delayUs = nowUs > lastSrArrivalUs_ ? nowUs - lastSrArrivalUs_ : 0;
    r.delaySinceLastSr = static_cast<std::uint32_t>(delayUs * 65536u / 1'000'000u);
  }
  return r;
}

}  // namespace callpy::rtc::rtp
