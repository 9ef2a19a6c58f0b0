#include "rtc/rtp/rtcp_packet.h"

#include <gtest/gtest.h>

#include <vector>

namespace callpy::rtc::rtp {
namespace {

using Bytes = std::vector<std::uint8_t>;

void append(Bytes& b, std::initializer_list<std::uint8_t> v) { b.insert(b.end(), v); }
void append32(Bytes& b, std::uint32_t v) {
  append(b, {std::uint8_t(v >> 24), std::uint8_t(v >> 16), std::uint8_t(v >> 8), std::uint8_t(v)});
}

std::vector<RtcpBlock> readAll(const Bytes& b, bool* error = nullptr) {
  RtcpReader r(b.data(), b.size());
  std::vector<RtcpBlock> out;
  RtcpBlock blk;
  while (r.next(blk)) out.push_back(blk);
  if (error) *error = r.error();
  return out;
}

// One report block: ssrc 0x22222222, fraction 64, lost -2 (0xFFFFFE), ext seq 0x0001FFFF,
// jitter 33, LSR 0xABCD1234, DLSR 65536.
void appendReportBlock(Bytes& b) {
  append32(b, 0x22222222);
  append(b, {64, 0xFF, 0xFF, 0xFE});
  append32(b, 0x0001FFFF);
  append32(b, 33);
  append32(b, 0xABCD1234);
  append32(b, 65536);
}

TEST(Rtcp, SenderReportPlusSdes) {
  Bytes b;
  append(b, {0x81, 200, 0, 12});
  append32(b, 0x11111111);
  append32(b, 0xE1234567);
  append32(b, 0x89ABCDEF);
  append32(b, 0x1000);
  append32(b, 10);
  append32(b, 1000);
  appendReportBlock(b);
  append(b, {0x81, 202, 0, 3});
  append32(b, 0x11111111);
  append(b, {1, 5, 'a', 'b', 'c', 'd', 'e', 0});

  bool error = true;
  const auto blocks = readAll(b, &error);
  EXPECT_FALSE(error);
  ASSERT_EQ(blocks.size(), 2u);
  EXPECT_EQ(blocks[0].offset, 0u);
  EXPECT_EQ(blocks[1].offset, 52u);

  auto sr = parseSenderReport(blocks[0]);
  ASSERT_TRUE(sr);
  EXPECT_FALSE(parseReceiverReport(blocks[0]));
  EXPECT_EQ(sr->ssrc, 0x11111111u);
  EXPECT_EQ(sr->info.ntpSeconds, 0xE1234567u);
  EXPECT_EQ(sr->info.ntpMiddle(), 0x456789ABu);
  EXPECT_EQ(sr->info.rtpTimestamp, 0x1000u);
  EXPECT_EQ(sr->info.packetCount, 10u);
  EXPECT_EQ(sr->info.octetCount, 1000u);
  ASSERT_EQ(sr->reportCount, 1u);
  const ReportBlock rb = sr->reportBlock(0);
  EXPECT_EQ(rb.ssrc, 0x22222222u);
  EXPECT_EQ(rb.fractionLost, 64);
  EXPECT_EQ(rb.cumulativeLost, -2);
  EXPECT_EQ(rb.extendedHighestSeq, 0x0001FFFFu);
  EXPECT_EQ(rb.jitter, 33u);
  EXPECT_EQ(rb.lastSr, 0xABCD1234u);
  EXPECT_EQ(rb.delaySinceLastSr, 65536u);

  SdesReader sdes(blocks[1]);
  SdesItem item;
  ASSERT_TRUE(sdes.next(item));
  EXPECT_EQ(item.ssrc, 0x11111111u);
  EXPECT_EQ(item.type, 1);
  EXPECT_EQ(item.text, "abcde");
  EXPECT_FALSE(sdes.next(item));
  EXPECT_FALSE(sdes.error());
}

TEST(Rtcp, SdesTwoChunksAndMalformedChunk) {
  Bytes b;
  append(b, {0x82, 202, 0, 5});
  append32(b, 1);
  append(b, {1, 1, 'x', 0});  // CNAME "x", END: exactly 8 bytes
  append32(b, 2);
  append(b, {1, 2, 'y', 'z', 6, 0, 0, 0});  // CNAME "yz", TOOL "", END + pad
  // length 5 = 24 bytes: 4 header + 20 body; the second chunk is 12 bytes -> 4+8+12=24.
  auto blocks = readAll(b);
  ASSERT_EQ(blocks.size(), 1u);
  SdesReader sdes(blocks[0]);
  SdesItem item;
  ASSERT_TRUE(sdes.next(item));
  EXPECT_EQ(item.ssrc, 1u);
  EXPECT_EQ(item.text, "x");
  ASSERT_TRUE(sdes.next(item));
  EXPECT_EQ(item.ssrc, 2u);
  EXPECT_EQ(item.text, "yz");
  ASSERT_TRUE(sdes.next(item));
  EXPECT_EQ(item.type, 6);
  EXPECT_EQ(item.text, "");
  EXPECT_FALSE(sdes.next(item));
  EXPECT_FALSE(sdes.error());

  b[21] = 40;  // TOOL item claims 40 bytes
  blocks = readAll(b);
  ASSERT_EQ(blocks.size(), 1u);
  SdesReader bad(blocks[0]);
  ASSERT_TRUE(bad.next(item));
  ASSERT_TRUE(bad.next(item));
  EXPECT_FALSE(bad.next(item));
  EXPECT_TRUE(bad.error());
}

TEST(Rtcp, ReceiverReportNackPli) {
  Bytes b;
  append(b, {0x81, 201, 0, 7});
  append32(b, 0x33333333);
  appendReportBlock(b);
  append(b, {0x81, 205, 0, 3});
  append32(b, 0x33333333);
  append32(b, 0x44444444);
  append(b, {0, 100, 0x80, 0x05});  // PID 100, BLP bits 0, 2, 15
  append(b, {0x81, 206, 0, 2});
  append32(b, 0x33333333);
  append32(b, 0x44444444);

  const auto blocks = readAll(b);
  ASSERT_EQ(blocks.size(), 3u);
  auto rr = parseReceiverReport(blocks[0]);
  ASSERT_TRUE(rr);
  EXPECT_EQ(rr->ssrc, 0x33333333u);
  ASSERT_EQ(rr->reportCount, 1u);
  EXPECT_EQ(rr->reportBlock(0).cumulativeLost, -2);

  EXPECT_FALSE(parsePli(blocks[1]));
  auto nack = parseNack(blocks[1]);
  ASSERT_TRUE(nack);
  EXPECT_EQ(nack->senderSsrc, 0x33333333u);
  EXPECT_EQ(nack->mediaSsrc, 0x44444444u);
  ASSERT_EQ(nack->itemCount, 1u);
  std::vector<std::uint16_t> seqs;
  forEachNackedSeq(*nack, [&](std::uint16_t s) { seqs.push_back(s); });
  EXPECT_EQ(seqs, (std::vector<std::uint16_t>{100, 101, 103, 116}));

  EXPECT_FALSE(parseNack(blocks[2]));
  EXPECT_FALSE(parseFir(blocks[2]));
  auto pli = parsePli(blocks[2]);
  ASSERT_TRUE(pli);
  EXPECT_EQ(pli->senderSsrc, 0x33333333u);
  EXPECT_EQ(pli->mediaSsrc, 0x44444444u);
}

TEST(Rtcp, NackItemWrapsAtSeqEnd) {
  std::uint16_t out[17];
  const std::size_t n = expandNackItem({0xFFFE, 0x0007}, out);
  ASSERT_EQ(n, 4u);
  EXPECT_EQ(out[0], 0xFFFE);
  EXPECT_EQ(out[1], 0xFFFF);
  EXPECT_EQ(out[2], 0x0000);
  EXPECT_EQ(out[3], 0x0001);
  EXPECT_EQ(expandNackItem({5, 0xFFFF}, out), 17u);
  EXPECT_EQ(out[16], 21);
}

TEST(Rtcp, FirAndByeAndUnknownAndPadding) {
  Bytes b;
  append(b, {0x84, 206, 0, 4});  // FIR
  append32(b, 0x55555555);
  append32(b, 0);
  append32(b, 0x66666666);
  append(b, {7, 0, 0, 0});
  append(b, {0x80, 204, 0, 2});  // APP (unknown to us): returned, not parsed
  append32(b, 1);
  append(b, {'n', 'a', 'm', 'e'});
  append(b, {0xA1, 206, 0, 3});  // PLI with 4 bytes of padding
  append32(b, 1);
  append32(b, 2);
  append(b, {0, 0, 0, 4});
  append(b, {0x81, 203, 0, 2});  // BYE one SSRC, reason "bye"
  append32(b, 0x77777777);
  append(b, {3, 'b', 'y', 'e'});

  bool error = true;
  const auto blocks = readAll(b, &error);
  EXPECT_FALSE(error);
  ASSERT_EQ(blocks.size(), 4u);
  auto fir = parseFir(blocks[0]);
  ASSERT_TRUE(fir);
  EXPECT_FALSE(parsePli(blocks[0]));
  EXPECT_EQ(fir->senderSsrc, 0x55555555u);
  ASSERT_EQ(fir->entryCount, 1u);
  EXPECT_EQ(fir->entry(0).ssrc, 0x66666666u);
  EXPECT_EQ(fir->entry(0).seqNr, 7);
  EXPECT_EQ(blocks[1].type, rtcp_type::kApp);
  EXPECT_EQ(blocks[2].body.size(), 8u);
  EXPECT_EQ(blocks[2].packet.size(), 16u);
  EXPECT_TRUE(parsePli(blocks[2]));
  auto bye = parseBye(blocks[3]);
  ASSERT_TRUE(bye);
  ASSERT_EQ(bye->count, 1u);
  EXPECT_EQ(bye->ssrc(0), 0x77777777u);
  EXPECT_EQ(bye->reason, "bye");
}

TEST(Rtcp, MalformedStopsIteration) {
  Bytes pli;
  append(pli, {0x81, 206, 0, 2});
  append32(pli, 1);
  append32(pli, 2);

  Bytes overLength = pli;
  append(overLength, {0x81, 206, 0, 9, 0, 0, 0, 1});  // claims 40 bytes, has 8
  bool error = false;
  auto blocks = readAll(overLength, &error);
  EXPECT_EQ(blocks.size(), 1u);  // the good first packet is still seen
  EXPECT_TRUE(error);

  Bytes v1 = pli;
  v1[0] = 0x41;
  readAll(v1, &error);
  EXPECT_TRUE(error);

  Bytes badPad = pli;
  badPad[0] = 0xA1;
  badPad.back() = 9;  // more padding than body
  EXPECT_TRUE(readAll(badPad, &error).empty());
  EXPECT_TRUE(error);
  badPad.back() = 0;
  EXPECT_TRUE(readAll(badPad, &error).empty());
  EXPECT_TRUE(error);

  Bytes truncated = {0x81, 206};
  EXPECT_TRUE(readAll(truncated, &error).empty());
  EXPECT_TRUE(error);

  // Count fields that promise more than the body holds.
  Bytes rr;
  append(rr, {0x82, 201, 0, 7});
  append32(rr, 1);
  appendReportBlock(rr);  // RC=2 but one block
  blocks = readAll(rr, &error);
  ASSERT_EQ(blocks.size(), 1u);
  EXPECT_FALSE(parseReceiverReport(blocks[0]));
  Bytes shortPli = {0x81, 206, 0, 1, 0, 0, 0, 1};
  blocks = readAll(shortPli, &error);
  ASSERT_EQ(blocks.size(), 1u);
  EXPECT_FALSE(parsePli(blocks[0]));
  Bytes bye = {0x83, 203, 0, 1, 0, 0, 0, 1};
  blocks = readAll(bye, &error);
  ASSERT_EQ(blocks.size(), 1u);
  EXPECT_FALSE(parseBye(blocks[0]));
}

TEST(Rtcp, RewriteSsrcsInPlace) {
  Bytes b;
  append(b, {0x81, 201, 0, 7});
  append32(b, 0x33333333);
  appendReportBlock(b);
  append(b, {0x81, 205, 0, 3});
  append32(b, 0x33333333);
  append32(b, 0x44444444);
  append(b, {0, 100, 0, 0});
  append(b, {0x84, 206, 0, 4});
  append32(b, 0x33333333);
  append32(b, 0);
  append32(b, 0x44444444);
  append(b, {7, 0, 0, 0});
  append(b, {0x81, 202, 0, 2});  // SDES is left alone
  append32(b, 0x33333333);
  append(b, {0, 0, 0, 0});

  std::vector<SsrcField> seen;
  const bool ok = rewriteSsrcs(b.data(), b.size(), [&](SsrcField f, std::uint32_t ssrc) {
    seen.push_back(f);
    return ssrc == 0x33333333u ? 0xA0A0A0A0u : ssrc == 0x44444444u ? 0xB0B0B0B0u : ssrc;
  });
  EXPECT_TRUE(ok);
  EXPECT_EQ(seen, (std::vector<SsrcField>{SsrcField::Sender, SsrcField::ReportSource,
                                          SsrcField::Sender, SsrcField::Media, SsrcField::Sender,
                                          SsrcField::Media, SsrcField::FirTarget}));
  const auto blocks = readAll(b);
  ASSERT_EQ(blocks.size(), 4u);
  EXPECT_EQ(parseReceiverReport(blocks[0])->ssrc, 0xA0A0A0A0u);
  EXPECT_EQ(parseReceiverReport(blocks[0])->reportBlock(0).ssrc, 0x22222222u);
  EXPECT_EQ(parseNack(blocks[1])->senderSsrc, 0xA0A0A0A0u);
  EXPECT_EQ(parseNack(blocks[1])->mediaSsrc, 0xB0B0B0B0u);
  EXPECT_EQ(parseFir(blocks[2])->entry(0).ssrc, 0xB0B0B0B0u);
  SdesReader sdes(blocks[3]);
  SdesItem item;
  EXPECT_FALSE(sdes.next(item));
  EXPECT_EQ(b[b.size() - 8], 0x33);

  b.push_back(0x80);  // trailing garbage: malformed, but what came before was rewritten
  EXPECT_FALSE(rewriteSsrcs(b.data(), b.size(), [](SsrcField, std::uint32_t s) { return s; }));
}

}  // namespace
}  // namespace callpy::rtc::rtp
