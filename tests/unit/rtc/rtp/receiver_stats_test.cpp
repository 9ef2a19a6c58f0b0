#include "rtc/rtp/receiver_stats.h"

#include <gtest/gtest.h>

namespace callpy::rtc::rtp {
namespace {

constexpr std::uint32_t kSsrc = 0x5EED;

TEST(ReceiverStats, LossAndFractionPerInterval) {
  ReceiverStats s(kSsrc, 90000);
  EXPECT_FALSE(s.hasPackets());
  for (std::uint16_t seq = 1000; seq < 1010; ++seq)
    if (seq != 1003 && seq != 1004) s.onPacket(seq, seq * 100u, 0);
  ReportBlock r = s.makeReportBlock(0);
  EXPECT_EQ(r.ssrc, kSsrc);
  EXPECT_EQ(r.extendedHighestSeq, 1009u);
  EXPECT_EQ(r.cumulativeLost, 2);
  EXPECT_EQ(r.fractionLost, 51);  // (2 << 8) / 10
  EXPECT_EQ(r.lastSr, 0u);
  EXPECT_EQ(r.delaySinceLastSr, 0u);

  for (std::uint16_t seq = 1010; seq < 1020; ++seq) s.onPacket(seq, seq * 100u, 0);
  r = s.makeReportBlock(0);
  EXPECT_EQ(r.fractionLost, 0);
  EXPECT_EQ(r.cumulativeLost, 2);
  EXPECT_EQ(r.extendedHighestSeq, 1019u);

  s.onPacket(1003, 100300, 0);  // late arrival: one less lost, no negative fraction
  r = s.makeReportBlock(0);
  EXPECT_EQ(r.cumulativeLost, 1);
  EXPECT_EQ(r.fractionLost, 0);
  EXPECT_EQ(r.extendedHighestSeq, 1019u);
  EXPECT_EQ(s.packetsReceived(), 19u);
}

TEST(ReceiverStats, WraparoundCountsCycles) {
  ReceiverStats s(kSsrc, 90000);
  for (std::uint16_t seq : {65533, 65534, 65535, 0, 2}) s.onPacket(seq, 0, 0);
  ReportBlock r = s.makeReportBlock(0);
  EXPECT_EQ(r.extendedHighestSeq, 65536u + 2);
  EXPECT_EQ(r.cumulativeLost, 1);   // 6 expected, 5 received
  EXPECT_EQ(r.fractionLost, 42);    // 256 / 6
  s.onPacket(1, 0, 0);              // late: fills the gap
  r = s.makeReportBlock(0);
  EXPECT_EQ(r.cumulativeLost, 0);
  EXPECT_EQ(r.extendedHighestSeq, 65538u);
}

TEST(ReceiverStats, ReorderingAcrossTheWrapDoesNotAddACycle) {
  ReceiverStats s(kSsrc, 90000);
  s.onPacket(65535, 0, 0);
  s.onPacket(1, 0, 0);
  s.onPacket(0, 0, 0);  // late: before the new max, after the wrap
  EXPECT_EQ(s.extendedHighestSeq(), 65536u + 1);
  EXPECT_EQ(s.cumulativeLost(), 0);
  s.onPacket(65534, 0, 0);  // older than the first packet: counted, expected unchanged
  EXPECT_EQ(s.cumulativeLost(), -1);
  EXPECT_EQ(s.makeReportBlock(0).cumulativeLost, -1);
}

TEST(ReceiverStats, DuplicatesMakeLossNegative) {
  ReceiverStats s(kSsrc, 8000);
  s.onPacket(7, 0, 0);
  s.onPacket(7, 0, 0);
  s.onPacket(7, 0, 0);
  const ReportBlock r = s.makeReportBlock(0);
  EXPECT_EQ(r.cumulativeLost, -2);
  EXPECT_EQ(r.fractionLost, 0);
}

TEST(ReceiverStats, JitterHandComputed) {
  // 90 kHz, a frame every 20 ms (1800 ticks); arrivals in us are multiples of 100 (exact ticks).
  ReceiverStats s(kSsrc, 90000);
  s.onPacket(0, 0, 1'000'000);     // transit 90000
  s.onPacket(1, 1800, 1'020'000);  // transit 90000, D 0: J 0
  EXPECT_EQ(s.jitter(), 0u);
  s.onPacket(2, 3600, 1'050'000);  // transit 90900, D 900: J16 = 900
  EXPECT_EQ(s.jitter(), 56u);
  s.onPacket(3, 5400, 1'060'000);  // transit 90000, D 900: J16 = 900 + 900 - 56 = 1744
  EXPECT_EQ(s.jitter(), 109u);
  s.onPacket(4, 5400, 1'061'000);  // same frame: not a jitter sample
  EXPECT_EQ(s.jitter(), 109u);
  s.onPacket(5, 7200, 1'080'000);  // transit 90000, D 0: J16 = 1744 - 109 = 1635
  EXPECT_EQ(s.jitter(), 102u);
  s.onPacket(2, 3600, 1'090'000);  // a late duplicate: not a sample either
  EXPECT_EQ(s.jitter(), 102u);
  EXPECT_EQ(s.makeReportBlock(2'000'000).jitter, 102u);
}

TEST(ReceiverStats, LsrAndDlsr) {
  ReceiverStats s(kSsrc, 48000);
  s.onPacket(1, 0, 0);
  s.onSenderReport(0x12345678, 2'000'000);
  ReportBlock r = s.makeReportBlock(2'500'000);
  EXPECT_EQ(r.lastSr, 0x12345678u);
  EXPECT_EQ(r.delaySinceLastSr, 32768u);  // 0.5 s in 1/65536 s
  r = s.makeReportBlock(5'000'000);
  EXPECT_EQ(r.delaySinceLastSr, 3u * 65536u);
  // A report block without packets still carries LSR (an SR can come first).
  ReceiverStats fresh(kSsrc, 48000);
  fresh.onSenderReport(7, 0);
  r = fresh.makeReportBlock(1'000'000);
  EXPECT_EQ(r.lastSr, 7u);
  EXPECT_EQ(r.delaySinceLastSr, 65536u);
  EXPECT_EQ(r.extendedHighestSeq, 0u);
}

TEST(ReceiverStats, BigJumpNeedsConfirmationThenRestarts) {
  ReceiverStats s(kSsrc, 90000);
  s.onPacket(100, 0, 0);
  s.onPacket(101, 0, 0);
  s.onPacket(30000, 0, 0);  // ignored until the next one confirms it
  EXPECT_EQ(s.extendedHighestSeq(), 101u);
  EXPECT_EQ(s.packetsReceived(), 2u);
  s.onPacket(30001, 0, 0);
  EXPECT_EQ(s.extendedHighestSeq(), 30001u);
  EXPECT_EQ(s.packetsReceived(), 1u);
  s.onPacket(30002, 0, 0);
  EXPECT_EQ(s.cumulativeLost(), 0);
}

TEST(ReceiverStats, CumulativeLostClampsTo24Bits) {
  ReceiverStats s(kSsrc, 90000);
  std::uint32_t ext = 0;
  for (int i = 0; i < 3000; ++i, ext += 2999) s.onPacket(static_cast<std::uint16_t>(ext), 0, 0);
  EXPECT_GT(s.cumulativeLost(), 0x7FFFFF);
  EXPECT_EQ(s.makeReportBlock(0).cumulativeLost, 0x7FFFFF);
  EXPECT_EQ(s.extendedHighestSeq(), 2999u * 2999u);
}

}  // namespace
}  // namespace callpy::rtc::rtp

namespace callpy::rtc::rtp {
namespace {

// Found by rtp_fuzz: two packets whose transit times differ by exactly 2^31 ticks made the jitter
// code negate INT32_MIN (undefined behaviour). The magnitude of the difference is 2^31.
TEST(ReceiverStatsJitter, ATransitJumpOfHalfTheClockRangeIsCountedWithoutOverflow) {
  ReceiverStats s(0x1234, 90000);
  s.onPacket(1, 0, 0);
  s.onPacket(2, 0x80000000u, 0);
  EXPECT_EQ(s.jitter(), 0x80000000u / 16);
}

}  // namespace
}  // namespace callpy::rtc::rtp
