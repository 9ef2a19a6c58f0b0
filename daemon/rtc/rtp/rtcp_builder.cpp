#include "rtc/rtp/rtcp_builder.h"

#include <cstring>

#include "rtc/rtp/byte_order.h"

namespace callpy::rtc::rtp {

namespace {

void writeHeader(std::uint8_t* p, std::uint8_t count, std::uint8_t type, std::size_t size) {
  p[0] = static_cast<std::uint8_t>(0x80 | (count & 0x1F));
  p[1] = type;
  store16(p + 2, static_cast<std::uint16_t>(size / 4 - 1));
}

void writeReportBlock(std::uint8_t* p, const ReportBlock& r) {
  store32(p, r.ssrc);
  p[4] = r.fractionLost;
  std::int32_t lost = r.cumulativeLost;  // clamp to the 24-bit signed field
  if (lost > 0x7FFFFF) lost = 0x7FFFFF;
  if (lost < -0x800000) lost = -0x800000;
  store24(p + 5, static_cast<std::uint32_t>(lost) & 0xFFFFFFu);
  store32(p + 8, r.extendedHighestSeq);
  store32(p + 12, r.jitter);
  store32(p + 16, r.lastSr);
  store32(p + 20, r.delaySinceLastSr);
}

std::size_t writeBlocks(std::uint8_t* p, std::span<const ReportBlock> blocks) {
  for (std::size_t i = 0; i < blocks.size(); ++i) writeReportBlock(p + i * kReportBlockSize, blocks[i]);
  return blocks.size() * kReportBlockSize;
}

}  // namespace

std::size_t buildReceiverReport(std::span<std::uint8_t> out, std::uint32_t senderSsrc,
                                std::span<const ReportBlock> blocks) {
  if (blocks.size() > kMaxReportBlocks) return 0;
  const std::size_t size = kRtcpHeader + 4 + blocks.size() * kReportBlockSize;
  if (out.size() < size) return 0;
  std::uint8_t* p = out.data();
  writeHeader(p, static_cast<std::uint8_t>(blocks.size()), rtcp_type::kRr, size);
  store32(p + 4, senderSsrc);
  writeBlocks(p + 8, blocks);
  return size;
}

std::size_t buildSenderReport(std::span<std::uint8_t> out, std::uint32_t senderSsrc,
                              const SenderInfo& info, std::span<const ReportBlock> blocks) {
  if (blocks.size() > kMaxReportBlocks) return 0;
  const std::size_t size = kRtcpHeader + 24 + blocks.size() * kReportBlockSize;
  if (out.size() < size) return 0;
  std::uint8_t* p = out.data();
  writeHeader(p, static_cast<std::uint8_t>(blocks.size()), rtcp_type::kSr, size);
  store32(p + 4, senderSsrc);
  store32(p + 8, info.ntpSeconds);
  store32(p + 12, info.ntpFraction);
  store32(p + 16, info.rtpTimestamp);
  store32(p + 20, info.packetCount);
  store32(p + 24, info.octetCount);
  writeBlocks(p + 28, blocks);
  return size;
}

std::size_t buildSdesCname(std::span<std::uint8_t> out, std::uint32_t ssrc,
                           std::string_view cname) {
  if (cname.size() > 255) return 0;
  // ssrc, CNAME item, END, then zero padding to a 32-bit boundary
  const std::size_t chunk = (4 + 2 + cname.size() + 1 + 3) & ~std::size_t{3};
  const std::size_t size = kRtcpHeader + chunk;
  if (out.size() < size) return 0;
  std::uint8_t* p = out.data();
  std::memset(p, 0, size);
  writeHeader(p, 1, rtcp_type::kSdes, size);
  store32(p + 4, ssrc);
  p[8] = 1;
  p[9] = static_cast<std::uint8_t>(cname.size());
  if (!cname.empty()) std::memcpy(p + 10, cname.data(), cname.size());
  return size;
}

std::size_t buildNack(std::span<std::uint8_t> out, std::uint32_t senderSsrc,
                      std::uint32_t mediaSsrc, std::span<const std::uint16_t> seqs) {
  if (seqs.empty() || out.size() < kRtcpHeader + 8) return 0;
  std::uint8_t* p = out.data();
  std::size_t size = kRtcpHeader + 8;
  std::uint16_t pid = 0;
  std::uint16_t blp = 0;
  bool open = false;
  auto flush = [&]() {
    if (out.size() - size < 4) return false;
    store16(p + size, pid);
    store16(p + size + 2, blp);
    size += 4;
    return true;
  };
  for (const std::uint16_t seq : seqs) {
    const auto d = static_cast<std::uint16_t>(seq - pid);
    if (open && d == 0) continue;
    if (open && d <= 16) {
      blp = static_cast<std::uint16_t>(blp | (1u << (d - 1)));
      continue;
    }
    if (open && !flush()) return 0;
    pid = seq;
    blp = 0;
    open = true;
  }
  if (!flush()) return 0;
  if (size > (std::size_t{0xFFFF} + 1) * 4) return 0;
  writeHeader(p, rtcp_fmt::kNack, rtcp_type::kRtpfb, size);
  store32(p + 4, senderSsrc);
  store32(p + 8, mediaSsrc);
  return size;
}

std::size_t buildPli(std::span<std::uint8_t> out, std::uint32_t senderSsrc,
                     std::uint32_t mediaSsrc) {
  constexpr std::size_t kSize = kRtcpHeader + 8;
  if (out.size() < kSize) return 0;
  std::uint8_t* p = out.data();
  writeHeader(p, rtcp_fmt::kPli, rtcp_type::kPsfb, kSize);
  store32(p + 4, senderSsrc);
  store32(p + 8, mediaSsrc);
  return kSize;
}

std::size_t buildFir(std::span<std::uint8_t> out, std::uint32_t senderSsrc,
                     std::uint32_t targetSsrc, std::uint8_t seqNr) {
  constexpr std::size_t kSize = kRtcpHeader + 8 + 8;
  if (out.size() < kSize) return 0;
  std::uint8_t* p = out.data();
  writeHeader(p, rtcp_fmt::kFir, rtcp_type::kPsfb, kSize);
  store32(p + 4, senderSsrc);
  store32(p + 8, 0);
  store32(p + 12, targetSsrc);
  p[16] = seqNr;
  p[17] = p[18] = p[19] = 0;
  return kSize;
}

}  // namespace callpy::rtc::rtp
