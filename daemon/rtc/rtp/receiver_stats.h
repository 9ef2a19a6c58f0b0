#pragma once
// Reception statistics for one incoming SSRC, RFC 3550 A.1 (sequence tracking, without the
// probation of A.1 since SRTP already authenticates the source), A.3 (loss) and A.8 (jitter),
// turned into the report block of our receiver reports. Times are microseconds of the same
// monotonic clock the media thread uses everywhere; jitter is kept in RTP clock units.
#include <cstdint>

#include "rtc/rtp/rtcp_packet.h"

namespace callpy::rtc::rtp {

class ReceiverStats {
 public:
  ReceiverStats(std::uint32_t ssrc, std::uint32_t clockRate);

  void onPacket(std::uint16_t seq, std::uint32_t rtpTimestamp, std::uint64_t arrivalUs);
  // ntpMiddle: SenderInfo::ntpMiddle() of an SR from this SSRC.
  void onSenderReport(std::uint32_t ntpMiddle, std::uint64_t arrivalUs);
  // The report block for now; "fraction lost" covers the time since the previous call.
  ReportBlock makeReportBlock(std::uint64_t nowUs);

  std::uint32_t ssrc() const { return ssrc_; }
  bool hasPackets() const { return initialized_; }
  std::uint64_t packetsReceived() const { return received_; }
  std::uint32_t extendedHighestSeq() const { return cycles_ + maxSeq_; }
  std::int64_t cumulativeLost() const;  // unclamped; negative with duplicates
  std::uint32_t jitter() const { return jitterQ4_ >> 4; }

 private:
  void restart(std::uint16_t seq);

  std::uint32_t ssrc_;
  std::uint32_t clockRate_;
  bool initialized_ = false;
  std::uint16_t maxSeq_ = 0;
  std::uint32_t cycles_ = 0;  // count of seq wraps << 16
  std::uint32_t baseSeq_ = 0;
  std::uint32_t badSeq_ = 0;
  std::uint64_t received_ = 0;
  std::uint64_t receivedPrior_ = 0;
  std::int64_t expectedPrior_ = 0;

  bool haveTransit_ = false;
  std::uint32_t lastTransit_ = 0;
  std::uint32_t lastTimestamp_ = 0;
  std::uint32_t jitterQ4_ = 0;  // jitter * 16, A.8

  bool haveSr_ = false;
  std::uint32_t lastSr_ = 0;
  std::uint64_t lastSrArrivalUs_ = 0;
};

}  // namespace callpy::rtc::rtp
