#include "rtc/rtp/rtcp_builder.h"

#include <gtest/gtest.h>

#include <array>
#include <vector>

namespace callpy::rtc::rtp {
namespace {

RtcpBlock only(std::span<const std::uint8_t> bytes) {
  RtcpReader r(bytes.data(), bytes.size());
  RtcpBlock b;
  EXPECT_TRUE(r.next(b));
  RtcpBlock extra;
  EXPECT_FALSE(r.next(extra));
  EXPECT_FALSE(r.error());
  return b;
}

std::vector<std::uint16_t> nackSeqs(std::span<const std::uint8_t> bytes) {
  std::vector<std::uint16_t> seqs;
  auto n = parseNack(only(bytes));
  EXPECT_TRUE(n);
  if (n) forEachNackedSeq(*n, [&](std::uint16_t s) { seqs.push_back(s); });
  return seqs;
}

TEST(RtcpBuilder, ReceiverReportRoundTripAndClamp) {
  ReportBlock a{1, 12, -5, 70000, 40, 0x12345678, 3000};
  ReportBlock big{2, 0, 50'000'000, 1, 0, 0, 0};
  ReportBlock small{3, 0, -50'000'000, 1, 0, 0, 0};
  const ReportBlock blocks[] = {a, big, small};
  std::array<std::uint8_t, 200> buf{};
  const std::size_t n = buildReceiverReport(buf, 0xCAFEBABE, blocks);
  ASSERT_EQ(n, 8u + 3 * 24);
  const std::uint8_t head[] = {0x83, 201, 0, 19, 0xCA, 0xFE, 0xBA, 0xBE};
  EXPECT_TRUE(std::equal(head, head + 8, buf.begin()));
  auto rr = parseReceiverReport(only({buf.data(), n}));
  ASSERT_TRUE(rr);
  EXPECT_EQ(rr->ssrc, 0xCAFEBABEu);
  ASSERT_EQ(rr->reportCount, 3u);
  const ReportBlock r0 = rr->reportBlock(0);
  EXPECT_EQ(r0.ssrc, 1u);
  EXPECT_EQ(r0.fractionLost, 12);
  EXPECT_EQ(r0.cumulativeLost, -5);
  EXPECT_EQ(r0.extendedHighestSeq, 70000u);
  EXPECT_EQ(r0.jitter, 40u);
  EXPECT_EQ(r0.lastSr, 0x12345678u);
  EXPECT_EQ(r0.delaySinceLastSr, 3000u);
  EXPECT_EQ(rr->reportBlock(1).cumulativeLost, 0x7FFFFF);
  EXPECT_EQ(rr->reportBlock(2).cumulativeLost, -0x800000);

  EXPECT_EQ(buildReceiverReport({buf.data(), n - 1}, 1, blocks), 0u);
  const std::size_t empty = buildReceiverReport(buf, 9, {});
  EXPECT_EQ(empty, 8u);
  EXPECT_EQ(parseReceiverReport(only({buf.data(), empty}))->reportCount, 0u);
  std::vector<ReportBlock> tooMany(32);
  std::vector<std::uint8_t> large(2000);
  EXPECT_EQ(buildReceiverReport(large, 1, tooMany), 0u);
}

TEST(RtcpBuilder, SenderReportRoundTrip) {
  SenderInfo info{0xE0000001, 0x80000000, 123456, 77, 88888};
  const ReportBlock blocks[] = {{5, 1, 2, 3, 4, 5, 6}};
  std::array<std::uint8_t, 100> buf{};
  const std::size_t n = buildSenderReport(buf, 42, info, blocks);
  ASSERT_EQ(n, 52u);
  auto sr = parseSenderReport(only({buf.data(), n}));
  ASSERT_TRUE(sr);
  EXPECT_EQ(sr->ssrc, 42u);
  EXPECT_EQ(sr->info.ntpSeconds, 0xE0000001u);
  EXPECT_EQ(sr->info.ntpFraction, 0x80000000u);
  EXPECT_EQ(sr->info.ntpMiddle(), 0x00018000u);
  EXPECT_EQ(sr->info.rtpTimestamp, 123456u);
  EXPECT_EQ(sr->info.packetCount, 77u);
  EXPECT_EQ(sr->info.octetCount, 88888u);
  EXPECT_EQ(sr->reportBlock(0).jitter, 4u);
  EXPECT_EQ(buildSenderReport({buf.data(), 51}, 42, info, blocks), 0u);
}

TEST(RtcpBuilder, SdesCname) {
  std::array<std::uint8_t, 64> buf;
  buf.fill(0xEE);
  const std::size_t n = buildSdesCname(buf, 0x01020304, "abc");
  ASSERT_EQ(n, 16u);  // 4 + ssrc 4 + (1+1+3) + END 1 -> 14 -> padded 16
  SdesReader r(only({buf.data(), n}));
  SdesItem item;
  ASSERT_TRUE(r.next(item));
  EXPECT_EQ(item.ssrc, 0x01020304u);
  EXPECT_EQ(item.type, 1);
  EXPECT_EQ(item.text, "abc");
  EXPECT_FALSE(r.next(item));
  EXPECT_FALSE(r.error());
  // chunk = ssrc + type + len + text + END, padded to a word: "a" 8, "abcd" 11 -> 12, "abcde" 12
  EXPECT_EQ(buildSdesCname(buf, 1, "a"), 12u);
  EXPECT_EQ(buildSdesCname(buf, 1, "abcd"), 16u);
  EXPECT_EQ(buildSdesCname(buf, 1, "abcde"), 16u);
  EXPECT_EQ(buildSdesCname(buf, 1, "abcdef"), 20u);
  EXPECT_EQ(buildSdesCname({buf.data(), 11}, 1, "a"), 0u);
  EXPECT_EQ(buildSdesCname(buf, 1, std::string(256, 'x')), 0u);
}

TEST(RtcpBuilder, NackPacksSeqsAndExpandsBack) {
  std::array<std::uint8_t, 64> buf{};
  const std::uint16_t seqs[] = {100, 101, 103, 116, 117, 200};
  const std::size_t n = buildNack(buf, 7, 8, seqs);
  ASSERT_EQ(n, 12u + 3 * 4);  // {100: 101,103,116} {117} {200}
  auto nack = parseNack(only({buf.data(), n}));
  ASSERT_TRUE(nack);
  EXPECT_EQ(nack->senderSsrc, 7u);
  EXPECT_EQ(nack->mediaSsrc, 8u);
  ASSERT_EQ(nack->itemCount, 3u);
  EXPECT_EQ(nack->item(0).pid, 100);
  EXPECT_EQ(nack->item(0).blp, 0x8005);
  EXPECT_EQ(nack->item(1).pid, 117);
  EXPECT_EQ(nack->item(1).blp, 0);
  EXPECT_EQ(nack->item(2).pid, 200);
  EXPECT_EQ(nackSeqs({buf.data(), n}), (std::vector<std::uint16_t>(std::begin(seqs), std::end(seqs))));
}

TEST(RtcpBuilder, NackAcrossWrapAndDuplicates) {
  std::array<std::uint8_t, 64> buf{};
  const std::uint16_t seqs[] = {65534, 65534, 65535, 0, 14, 15};
  const std::size_t n = buildNack(buf, 1, 2, seqs);
  ASSERT_EQ(n, 20u);  // PID 65534 covers up to 14; 15 = 65534 + 17 starts a second item
  EXPECT_EQ(parseNack(only({buf.data(), n}))->item(0).blp, 0x0001 | 0x0002 | 0x8000);
  EXPECT_EQ(nackSeqs({buf.data(), n}), (std::vector<std::uint16_t>{65534, 65535, 0, 14, 15}));
}

TEST(RtcpBuilder, NackDoesNotFit) {
  std::array<std::uint8_t, 16> buf{};
  const std::uint16_t seqs[] = {1, 100};
  EXPECT_EQ(buildNack(buf, 1, 2, seqs), 0u);  // needs 20 bytes
  EXPECT_EQ(buildNack(buf, 1, 2, {}), 0u);
  const std::uint16_t one[] = {1};
  EXPECT_EQ(buildNack(buf, 1, 2, one), 16u);
}

TEST(RtcpBuilder, PliAndFir) {
  std::array<std::uint8_t, 32> buf{};
  std::size_t n = buildPli(buf, 10, 20);
  ASSERT_EQ(n, 12u);
  auto pli = parsePli(only({buf.data(), n}));
  ASSERT_TRUE(pli);
  EXPECT_EQ(pli->senderSsrc, 10u);
  EXPECT_EQ(pli->mediaSsrc, 20u);
  EXPECT_EQ(buildPli({buf.data(), 11}, 10, 20), 0u);

  n = buildFir(buf, 10, 30, 5);
  ASSERT_EQ(n, 20u);
  auto fir = parseFir(only({buf.data(), n}));
  ASSERT_TRUE(fir);
  EXPECT_EQ(fir->senderSsrc, 10u);
  ASSERT_EQ(fir->entryCount, 1u);
  EXPECT_EQ(fir->entry(0).ssrc, 30u);
  EXPECT_EQ(fir->entry(0).seqNr, 5);
  EXPECT_EQ(buildFir({buf.data(), 19}, 10, 30, 5), 0u);
}

TEST(RtcpBuilder, CompoundOfBuiltPackets) {
  std::array<std::uint8_t, 128> buf{};
  const ReportBlock rb[] = {{9, 0, 0, 1, 0, 0, 0}};
  std::size_t n = buildReceiverReport(buf, 1, rb);
  n += buildSdesCname(std::span(buf).subspan(n), 1, "callpy");
  n += buildPli(std::span(buf).subspan(n), 1, 9);
  RtcpReader r(buf.data(), n);
  RtcpBlock b;
  std::vector<std::uint8_t> types;
  while (r.next(b)) types.push_back(b.type);
  EXPECT_FALSE(r.error());
  EXPECT_EQ(types, (std::vector<std::uint8_t>{201, 202, 206}));
}

}  // namespace
}  // namespace callpy::rtc::rtp
