#include "rtc/record/vp8_depacketizer.h"

#include "rtc/rtp/rtp_packet.h"
#include "rtc/rtp/vp8_descriptor.h"

namespace callpy::rtc::record {

bool parseVp8Keyframe(const std::uint8_t* f, std::size_t len, int& width, int& height) {
  if (len < 10 || (f[0] & 0x01) != 0) return false;  // P = 0 means keyframe
  if (f[3] != 0x9d || f[4] != 0x01 || f[5] != 0x2a) return false;
  width = (f[6] | (f[7] << 8)) & 0x3FFF;
  height = (f[8] | (f[9] << 8)) & 0x3FFF;
  return width > 0 && height > 0;
}

void Vp8Depacketizer::push(const std::uint8_t* data, std::size_t len, std::uint64_t arrivalUs) {
  if (len < rtp::kRtpFixedHeader) {
    ++stats_.badPackets;
    return;
  }
  Held held{std::vector<std::uint8_t>(data, data + len), arrivalUs};
  const auto pkt = rtp::RtpPacket::parse(held.bytes.data(), held.bytes.size());
  if (!pkt) {
    ++stats_.badPackets;
    return;
  }
  if (!ssrc_ || *ssrc_ != pkt->ssrc()) {
    // Another sender (a new device): finish the old one's packets and start over.
    flush();
    ssrc_ = pkt->ssrc();
    highestSeq_ = pkt->sequenceNumber();
    lastReleased_.reset();
    needKeyframe_ = true;
  }
  const auto delta = static_cast<std::int16_t>(pkt->sequenceNumber() -
                                               static_cast<std::uint16_t>(highestSeq_));
  const std::int64_t seq = highestSeq_ + delta;
  if (seq > highestSeq_) highestSeq_ = seq;
  if (lastReleased_ && seq <= *lastReleased_) return;  // too late or a duplicate
  held_.emplace(seq, std::move(held));
  while (held_.size() > window_) {
    auto it = held_.begin();
    release(it->first, it->second);
    held_.erase(it);
  }
}

void Vp8Depacketizer::flush() {
  for (auto& [seq, packet] : held_) release(seq, packet);
  held_.clear();
  abandonFrame();
}

std::optional<Vp8Frame> Vp8Depacketizer::pop() {
  if (ready_.empty()) return std::nullopt;
  Vp8Frame f = std::move(ready_.front());
  ready_.pop_front();
  return f;
}

void Vp8Depacketizer::abandonFrame() {
  if (inFrame_) {
    ++stats_.dropped;
    needKeyframe_ = true;
  }
  inFrame_ = false;
  frameBroken_ = false;
  frame_.data.clear();
}

void Vp8Depacketizer::release(std::int64_t seq, Held& held) {
  const bool gap = lastReleased_ && seq != *lastReleased_ + 1;
  if (gap) stats_.lostPackets += static_cast<std::uint64_t>(seq - *lastReleased_ - 1);
  lastReleased_ = seq;
  auto pkt = rtp::RtpPacket::parse(held.bytes.data(), held.bytes.size());
  if (!pkt) return;
  if (gap) {
    // Whatever was lost may have been a whole frame the next ones refer to.
    if (inFrame_) frameBroken_ = true;
    needKeyframe_ = true;
  }
  const auto payload = pkt->payload();
  if (payload.empty()) return;  // padding-only packets still count for the sequence
  // The payload without its codec framing; `starts`: the packet may begin a frame.
  std::span<const std::uint8_t> body;
  bool starts = false;
  std::vector<std::uint8_t> h264;
  if (codec_ == VideoCodec::H264) {
    if (!appendH264Payload(payload, h264, starts)) {
      ++stats_.badPackets;
      if (inFrame_) frameBroken_ = true;
      return;
    }
    body = h264;
  } else {
    const auto desc = rtp::parseVp8Descriptor(payload);
    if (!desc || desc->size >= payload.size()) {
      ++stats_.badPackets;
      if (inFrame_) frameBroken_ = true;
      return;
    }
    starts = desc->startOfPartition && desc->partitionId == 0;
    body = payload.subspan(desc->size);
  }
  if (inFrame_ && pkt->timestamp() != frame_.rtpTimestamp) abandonFrame();  // no marker seen
  if (!inFrame_) {
    inFrame_ = true;
    frameBroken_ = !starts;
    frame_.ssrc = pkt->ssrc();
    frame_.rtpTimestamp = pkt->timestamp();
    frame_.arrivalUs = held.arrivalUs;
    frame_.data.clear();
  }
  if (frame_.data.size() + body.size() > kMaxVideoFrameBytes) frameBroken_ = true;  // see the limit
  if (!frameBroken_) frame_.data.insert(frame_.data.end(), body.begin(), body.end());
  if (!pkt->marker()) return;
  // The frame's last packet.
  const bool broken = frameBroken_;
  inFrame_ = false;
  frameBroken_ = false;
  if (broken) {
    ++stats_.dropped;
    needKeyframe_ = true;
    return;
  }
  int w = 0, h = 0;
  frame_.keyframe = codec_ == VideoCodec::H264
                        ? isH264Keyframe(frame_.data)
                        : parseVp8Keyframe(frame_.data.data(), frame_.data.size(), w, h);
  if (frame_.keyframe && static_cast<long>(w) * h > kMaxVideoPixels) {
    // Larger than any camera or screen: not decoded, nor anything that would refer to it.
    ++stats_.dropped;
    needKeyframe_ = true;
    return;
  }
  frame_.width = w;
  frame_.height = h;
  if (needKeyframe_ && !frame_.keyframe) {
    ++stats_.dropped;
    return;
  }
  needKeyframe_ = false;
  ++stats_.frames;
  ready_.push_back(std::move(frame_));
  frame_ = Vp8Frame{};
}

}  // namespace callpy::rtc::record
