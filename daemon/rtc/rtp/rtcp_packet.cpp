#include "rtc/rtp/rtcp_packet.h"

#include "rtc/rtp/byte_order.h"

namespace callpy::rtc::rtp {

bool RtcpReader::next(RtcpBlock& out) {
  if (error_ || pos_ >= len_) return false;
  const std::size_t remaining = len_ - pos_;
  const std::uint8_t* p = data_ + pos_;
  if (remaining < kRtcpHeader || (p[0] >> 6) != 2) {
    error_ = true;
    return false;
  }
  const std::size_t size = (std::size_t{load16(p + 2)} + 1) * 4;
  if (size > remaining) {
    error_ = true;
    return false;
  }
  std::size_t bodyLen = size - kRtcpHeader;
  if (p[0] & 0x20) {
    const std::size_t pad = p[size - 1];
    if (pad == 0 || pad > bodyLen) {
      error_ = true;
      return false;
    }
    bodyLen -= pad;
  }
  out.type = p[1];
  out.count = p[0] & 0x1F;
  out.offset = pos_;
  out.packet = {p, size};
  out.body = {p + kRtcpHeader, bodyLen};
  pos_ += size;
  return true;
}

namespace {

ReportBlock readReportBlock(const std::uint8_t* p) {
  ReportBlock r;
  r.ssrc = load32(p);
  r.fractionLost = p[4];
  std::uint32_t lost = load24(p + 5);
  if (lost & 0x800000u) lost |= 0xFF000000u;  // sign-extend the 24-bit field
  r.cumulativeLost = static_cast<std::int32_t>(lost);
  r.extendedHighestSeq = load32(p + 8);
  r.jitter = load32(p + 12);
  r.lastSr = load32(p + 16);
  r.delaySinceLastSr = load32(p + 20);
  return r;
}

bool isFeedback(const RtcpBlock& b, std::uint8_t type, std::uint8_t fmt) {
  return b.type == type && b.count == fmt && b.body.size() >= 8;
}

}  // namespace

ReportBlock ReceiverReport::reportBlock(std::size_t i) const {
  if (i >= reportCount) return {};
  return readReportBlock(blocks.data() + i * kReportBlockSize);
}

std::optional<SenderReport> parseSenderReport(const RtcpBlock& b) {
  constexpr std::size_t kFixed = 24;
  const std::size_t rc = b.count;
  if (b.type != rtcp_type::kSr || b.body.size() < kFixed ||
      (b.body.size() - kFixed) / kReportBlockSize < rc)
    return std::nullopt;
  const std::uint8_t* p = b.body.data();
  SenderReport r;
  r.ssrc = load32(p);
  r.info.ntpSeconds = load32(p + 4);
  r.info.ntpFraction = load32(p + 8);
  r.info.rtpTimestamp = load32(p + 12);
  r.info.packetCount = load32(p + 16);
  r.info.octetCount = load32(p + 20);
  r.reportCount = rc;
  r.blocks = b.body.subspan(kFixed, rc * kReportBlockSize);
  return r;
}

std::optional<ReceiverReport> parseReceiverReport(const RtcpBlock& b) {
  const std::size_t rc = b.count;
  if (b.type != rtcp_type::kRr || b.body.size() < 4 ||
      (b.body.size() - 4) / kReportBlockSize < rc)
    return std::nullopt;
  ReceiverReport r;
  r.ssrc = load32(b.body.data());
  r.reportCount = rc;
  r.blocks = b.body.subspan(4, rc * kReportBlockSize);
  return r;
}

SdesReader::SdesReader(const RtcpBlock& b) {
  if (b.type != rtcp_type::kSdes) return;
  body_ = b.body;
  chunksLeft_ = b.count;
}

bool SdesReader::next(SdesItem& out) {
  const std::size_t size = body_.size();
  while (!error_) {
    if (!inChunk_) {
      if (chunksLeft_ == 0) return false;
      if (size - pos_ < 4) break;
      ssrc_ = load32(body_.data() + pos_);
      pos_ += 4;
      inChunk_ = true;
      --chunksLeft_;
    }
    if (pos_ >= size) break;  // a chunk must end with an END item
    const std::uint8_t type = body_[pos_];
    if (type == 0) {  // END, then zero padding to the next 32-bit boundary
      pos_ = (pos_ + 4) & ~std::size_t{3};
      if (pos_ > size) break;
      inChunk_ = false;
      continue;
    }
    if (size - pos_ < 2) break;
    const std::size_t len = body_[pos_ + 1];
    if (size - pos_ - 2 < len) break;
    out.ssrc = ssrc_;
    out.type = type;
    out.text = {reinterpret_cast<const char*>(body_.data() + pos_ + 2), len};
    pos_ += 2 + len;
    return true;
  }
  error_ = true;
  return false;
}

std::uint32_t Bye::ssrc(std::size_t i) const { return i < count ? load32(ssrcs.data() + 4 * i) : 0; }

std::optional<Bye> parseBye(const RtcpBlock& b) {
  if (b.type != rtcp_type::kBye || b.body.size() / 4 < b.count) return std::nullopt;
  Bye r;
  r.count = b.count;
  r.ssrcs = b.body.first(4 * r.count);
  const auto rest = b.body.subspan(4 * r.count);
  if (!rest.empty() && rest.size() - 1 >= rest[0])  // an over-long reason is ignored
    r.reason = {reinterpret_cast<const char*>(rest.data() + 1), rest[0]};
  return r;
}

NackItem Nack::item(std::size_t i) const {
  if (i >= itemCount) return {};
  return {load16(fci.data() + 4 * i), load16(fci.data() + 4 * i + 2)};
}

std::optional<Nack> parseNack(const RtcpBlock& b) {
  if (!isFeedback(b, rtcp_type::kRtpfb, rtcp_fmt::kNack)) return std::nullopt;
  Nack n;
  n.senderSsrc = load32(b.body.data());
  n.mediaSsrc = load32(b.body.data() + 4);
  n.itemCount = (b.body.size() - 8) / 4;
  n.fci = b.body.subspan(8, n.itemCount * 4);
  return n;
}

std::size_t expandNackItem(NackItem item, std::uint16_t (&out)[17]) {
  std::size_t k = 0;
  out[k++] = item.pid;
  for (unsigned bit = 0; bit < 16; ++bit)
    if (item.blp & (1u << bit)) out[k++] = static_cast<std::uint16_t>(item.pid + bit + 1);
  return k;
}

std::optional<Pli> parsePli(const RtcpBlock& b) {
  if (!isFeedback(b, rtcp_type::kPsfb, rtcp_fmt::kPli)) return std::nullopt;
  return Pli{load32(b.body.data()), load32(b.body.data() + 4)};
}

FirEntry Fir::entry(std::size_t i) const {
  if (i >= entryCount) return {};
  return {load32(fci.data() + 8 * i), fci[8 * i + 4]};
}

std::optional<Fir> parseFir(const RtcpBlock& b) {
  if (!isFeedback(b, rtcp_type::kPsfb, rtcp_fmt::kFir)) return std::nullopt;
  Fir f;
  f.senderSsrc = load32(b.body.data());
  f.entryCount = (b.body.size() - 8) / 8;
  f.fci = b.body.subspan(8, f.entryCount * 8);
  return f;
}

bool rewriteSsrcs(std::uint8_t* data, std::size_t len, SsrcMapFn fn, void* ctx) {
  RtcpReader reader(data, len);
  RtcpBlock b;
  auto apply = [&](std::uint8_t* at, SsrcField field) { store32(at, fn(ctx, field, load32(at))); };
  while (reader.next(b)) {
    std::uint8_t* body = data + b.offset + kRtcpHeader;
    std::uint8_t* blocks = nullptr;
    std::size_t blockCount = 0;
    if (auto sr = parseSenderReport(b)) {
      apply(body, SsrcField::Sender);
      blocks = body + 24;
      blockCount = sr->reportCount;
    } else if (auto rr = parseReceiverReport(b)) {
      apply(body, SsrcField::Sender);
      blocks = body + 4;
      blockCount = rr->reportCount;
    } else if (auto bye = parseBye(b)) {
      for (std::size_t i = 0; i < bye->count; ++i) apply(body + 4 * i, SsrcField::Bye);
    } else if ((b.type == rtcp_type::kRtpfb || b.type == rtcp_type::kPsfb) &&
               b.body.size() >= 8) {
      apply(body, SsrcField::Sender);
      apply(body + 4, SsrcField::Media);
      if (auto fir = parseFir(b))
        for (std::size_t i = 0; i < fir->entryCount; ++i)
          apply(body + 8 + 8 * i, SsrcField::FirTarget);
    }
    for (std::size_t i = 0; i < blockCount; ++i)
      apply(blocks + i * kReportBlockSize, SsrcField::ReportSource);
  }
  return !reader.error();
}

}  // namespace callpy::rtc::rtp
