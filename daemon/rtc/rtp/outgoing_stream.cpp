#include "rtc/rtp/outgoing_stream.h"

#include <optional>

#include "rtc/rtp/byte_order.h"
#include "rtc/rtp/rtp_packet.h"
#include "rtc/rtp/vp8_descriptor.h"

namespace callpy::rtc::rtp {

namespace {
constexpr std::uint16_t kMaxLateness = 0x4000;  // packets later than this are dropped anyway
}  // namespace

OutgoingStream::OutgoingStream(std::uint32_t ssrc, std::uint8_t payloadType,
                               std::uint32_t clockRate, PayloadFormat format)
    : ssrc_(ssrc), payloadType_(payloadType & 0x7F), clockRate_(clockRate), format_(format) {}

bool OutgoingStream::rewrite(std::uint8_t* data, std::size_t len, std::uint64_t nowUs) {
  auto pkt = RtpPacket::parse(data, len);
  if (!pkt) return false;
  std::optional<Vp8Descriptor> vp8;
  if (format_ == PayloadFormat::Vp8 && pkt->payloadLength() > 0) {
    vp8 = parseVp8Descriptor(pkt->payload());
    if (!vp8) return false;
  }
  const std::uint32_t src = pkt->ssrc();
  const std::uint16_t srcSeq = pkt->sequenceNumber();
  const std::uint32_t srcTs = pkt->timestamp();

  const bool newSource = !haveSource_ || switchPending_ || src != sourceSsrc_;
  if (newSource && !switchPending_ && havePrevious_ && src == previousSsrc_) return false;
  if (!newSource && seqNewer(baseSourceSeq_, srcSeq)) return false;

  if (newSource) {
    if (haveSource_ && src != sourceSsrc_) {
      previousSsrc_ = sourceSsrc_;
      havePrevious_ = true;
    }
    if (haveOut_) {
      seqOffset_ = static_cast<std::uint16_t>(lastSeq_ + 1 - srcSeq);
      const std::uint64_t elapsedUs = nowUs > lastTsUs_ ? nowUs - lastTsUs_ : 0;
      std::uint64_t ticks = elapsedUs * clockRate_ / 1'000'000u;
      if (ticks == 0) ticks = 1;  // a new frame never shares the previous frame's timestamp
      tsOffset_ = static_cast<std::uint32_t>(lastTs_ + ticks - srcTs);
    }  // else: the first source keeps its own numbering (offsets 0)
    sourceSsrc_ = src;
    haveSource_ = true;
    switchPending_ = false;
    baseSourceSeq_ = srcSeq;
    pidRebase_ = tl0Rebase_ = true;
  }

  const auto outSeq = static_cast<std::uint16_t>(srcSeq + seqOffset_);
  const std::uint32_t outTs = srcTs + tsOffset_;
  pkt->setSsrc(ssrc_);
  pkt->setPayloadType(payloadType_);
  pkt->setSequenceNumber(outSeq);
  pkt->setTimestamp(outTs);

  const bool newest = !haveOut_ || seqNewer(outSeq, lastSeq_);
  if (newest) {
    lastSeq_ = outSeq;
    // Keep the "too old" line within half the seq space behind the newest packet, or serial
    // comparison would call the stream's own new packets old after 32768 of them.
    if (static_cast<std::uint16_t>(srcSeq - baseSourceSeq_) > kMaxLateness)
      baseSourceSeq_ = static_cast<std::uint16_t>(srcSeq - kMaxLateness);
  }
  if (!haveOut_ || tsNewer(outTs, lastTs_)) {
    lastTs_ = outTs;
    lastTsUs_ = nowUs;
  }
  haveOut_ = true;

  if (vp8) {
    const auto payload = pkt->payload();
    if (vp8->hasPictureId) {
      if (pidRebase_) {
        // Offsets live in 15-bit space; the field's own width masks the result, so a 7-bit
        // source wraps at 128 and a 15-bit one at 32768.
        pidOffset_ = havePid_ ? static_cast<std::uint16_t>(lastPid_ + 1 - vp8->pictureId) : 0;
        pidRebase_ = false;
      }
      const std::uint16_t mask = vp8->pictureIdBits == 15 ? 0x7FFF : 0x7F;
      const auto outPid = static_cast<std::uint16_t>((vp8->pictureId + pidOffset_) & mask);
      writeVp8PictureId(payload, *vp8, outPid);
      if (newest || !havePid_) lastPid_ = outPid;
      havePid_ = true;
    }
    if (vp8->hasTl0PicIdx) {
      if (tl0Rebase_) {
        tl0Offset_ = haveTl0_ ? static_cast<std::uint8_t>(lastTl0_ + 1 - vp8->tl0PicIdx) : 0;
        tl0Rebase_ = false;
      }
      const auto outTl0 = static_cast<std::uint8_t>(vp8->tl0PicIdx + tl0Offset_);
      writeVp8Tl0PicIdx(payload, *vp8, outTl0);
      if (newest || !haveTl0_) lastTl0_ = outTl0;
      haveTl0_ = true;
    }
  }
  ++packetCount_;
  octetCount_ += static_cast<std::uint32_t>(pkt->payloadLength());
  return true;
}

}  // namespace callpy::rtc::rtp
