// A leg's packet path (media thread, no locks, no allocation): demultiplex what ICE delivers,
// decrypt, hand RTP to the room for forwarding, answer NACKs from the retransmit history, pass
// keyframe requests to the source, and send our own receiver/sender reports.
#include <chrono>
#include <cstring>

#include "rtc/call/leg.h"
#include "rtc/call/room.h"
#include "rtc/rtp/demux.h"
#include "rtc/rtp/rtcp_builder.h"
#include "rtc/rtp/rtcp_packet.h"
#include "rtc/rtp/rtp_packet.h"

namespace callpy::rtc::call {

namespace {

std::uint64_t nowUs() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                        std::chrono::steady_clock::now().time_since_epoch())
                                        .count());
}

// NTP time (RFC 3550 §4) for sender reports.
rtp::SenderInfo ntpNow() {
  const auto since = std::chrono::system_clock::now().time_since_epoch();
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(since).count();
  rtp::SenderInfo info;
  info.ntpSeconds = static_cast<std::uint32_t>(us / 1'000'000 + 2'208'988'800ULL);
  info.ntpFraction = static_cast<std::uint32_t>(((us % 1'000'000) << 32) / 1'000'000);
  return info;
}

}  // namespace

void Leg::onPacket(std::uint8_t* data, std::size_t len) {
  if (closed_) return;
  auto& counters = *shared_.counters;
  counters.add(counters.packetsIn);
  switch (rtp::classify(data, len)) {
    case rtp::PacketKind::Dtls:
      if (dtls_) dtls_->handleDatagram(data, len);
      return;
    case rtp::PacketKind::Rtp:
      if (srtp_) onRtp(data, len);
      return;
    case rtp::PacketKind::Rtcp:
      if (srtp_) onRtcp(data, len);
      return;
    default:
      counters.add(counters.packetsDropped);
  }
}

IncomingTrack* Leg::trackFor(std::uint32_t ssrc, std::uint8_t pt) {
  for (auto& t : in_) {
    if (t.role != Role::None && t.ssrc == ssrc) return &t;
  }
  // An SSRC the offer did not list (a browser without a=ssrc, or a restarted sender): the first
  // track with that payload type and no SSRC yet, or whose SSRC went quiet, takes it.
  for (auto& t : in_) {
    if (t.role != Role::None && t.payloadType == pt && t.ssrc == 0) {
      t.ssrc = ssrc;
      return &t;
    }
  }
  return nullptr;
}

void Leg::onRtp(std::uint8_t* data, std::size_t len) {
  auto& counters = *shared_.counters;
  if (srtp_->unprotectRtp(data, len) != srtp::SrtpStatus::Ok) {
    counters.add(counters.packetsDropped);
    return;
  }
  auto pkt = rtp::RtpPacket::parse(data, len);
  if (!pkt) {
    counters.add(counters.packetsDropped);
    return;
  }
  auto* track = trackFor(pkt->ssrc(), pkt->payloadType());
  if (!track || pkt->payloadType() != track->payloadType) {
    counters.add(counters.packetsDropped);  // RTX/FEC/unknown streams are not relayed
    return;
  }
  const auto now = nowUs();
  if (!track->stats) {
    // Clock rates: Opus 48 kHz, video 90 kHz.
    track->stats.emplace(track->ssrc, track->role == Role::Audio ? 48000 : 90000);
  }
  track->stats->onPacket(pkt->sequenceNumber(), pkt->timestamp(), now);
  room_.publish(*this, track->role, data, len, now);
}

void Leg::forward(int slot, Role role, const Leg& from, const std::uint8_t* pkt, std::size_t len,
                  std::uint64_t now) {
  if (role == Role::None || closed_ || !srtp_) return;
  if (slot < 0 || static_cast<std::size_t>(slot) >= kSlots) return;
  // A slot the browser has not negotiated yet (renegotiation pending) has no stream: dropped.
  auto& out = out_[static_cast<std::size_t>(slot) * kRoles + static_cast<std::size_t>(role)];
  if (!out.stream || len > 1500) return;
  auto& counters = *shared_.counters;
  const auto* in = from.incoming(role);
  if (in && in->codec != out.codec) {
    counters.add(counters.packetsDropped);  // e.g. VP8 in, H.264 out: no transcoding here
    return;
  }
  // One source per outgoing track: another participant's track waits until this one is gone;
  // the same participant on a new leg (another device) re-bases the stream.
  if (out.sourceParticipant != from.participant()) {
    if (out.sourceParticipant != -1 && out.sourceLeg) {
      counters.add(counters.packetsDropped);
      return;
    }
    out.sourceParticipant = from.participant();
  }
  if (out.sourceLeg != &from) {
    if (out.sourceLeg || out.stream->hasSource()) out.stream->switchSource();
    out.sourceLeg = &from;
    // The receiver can only decode the new source from its next keyframe: ask for it now.
    if (role != Role::Audio) room_.keyframeWanted(out, now);
  }
  std::memcpy(scratch_.data(), pkt, len);
  if (!out.stream->rewrite(scratch_.data(), len, now)) {
    counters.add(counters.packetsDropped);
    return;
  }
  if (out.history) out.history->store(scratch_.data(), len);
  std::size_t size = len;
  if (srtp_->protectRtp(scratch_.data(), size, scratch_.size()) != srtp::SrtpStatus::Ok) {
    counters.add(counters.packetsDropped);
    return;
  }
  // A packet that did not leave is a send failure whatever the reason: EAGAIN/ENOBUFS (a full
  // socket buffer; libnice drops those too), a routing or firewall error, or a send before the
  // pair works. Counted apart from packetsDropped (what we refused on input), so
  // callpy_rtp_send_failures_total alone shows a relay that cannot get its packets out.
  if (ice_->send(scratch_.data(), size)) counters.add(counters.packetsRelayed);
  else counters.add(counters.sendFailures);
}

void Leg::resend(OutgoingTrack& out, std::uint16_t seq) {
  if (!out.history) return;
  auto stored = out.history->find(seq);
  if (stored.empty()) return;
  std::memcpy(scratch_.data(), stored.data(), stored.size());
  std::size_t size = stored.size();
  if (srtp_->protectRtp(scratch_.data(), size, scratch_.size()) != srtp::SrtpStatus::Ok) return;
  auto& counters = *shared_.counters;
  if (ice_->send(scratch_.data(), size)) counters.add(counters.retransmits);
  else counters.add(counters.sendFailures);  // as in forward()
}

void Leg::onRtcp(std::uint8_t* data, std::size_t len) {
  if (srtp_->unprotectRtcp(data, len) != srtp::SrtpStatus::Ok) {
    shared_.counters->add(shared_.counters->packetsDropped);
    return;
  }
  const auto now = nowUs();
  auto outFor = [this](std::uint32_t ssrc) -> OutgoingTrack* {
    for (std::size_t i = 0; i < kOut; ++i) {
      if (out_[i].stream && outSsrc_[i] == ssrc) return &out_[i];
    }
    return nullptr;
  };
  rtp::RtcpReader reader(data, len);
  rtp::RtcpBlock block;
  while (reader.next(block)) {
    if (block.type == rtp::rtcp_type::kSr) {
      if (auto sr = rtp::parseSenderReport(block)) {
        for (auto& t : in_) {
          if (t.stats && t.ssrc == sr->ssrc) t.stats->onSenderReport(sr->info.ntpMiddle(), now);
        }
      }
    } else if (block.type == rtp::rtcp_type::kRtpfb && block.count == rtp::rtcp_fmt::kNack) {
      if (auto nack = rtp::parseNack(block)) {
        if (auto* out = outFor(nack->mediaSsrc)) {
          rtp::forEachNackedSeq(*nack, [&](std::uint16_t seq) { resend(*out, seq); });
        }
      }
    } else if (block.type == rtp::rtcp_type::kPsfb && block.count == rtp::rtcp_fmt::kPli) {
      if (auto pli = rtp::parsePli(block)) {
        if (auto* out = outFor(pli->mediaSsrc)) room_.keyframeWanted(*out, now);
      }
    } else if (block.type == rtp::rtcp_type::kPsfb && block.count == rtp::rtcp_fmt::kFir) {
      if (auto fir = rtp::parseFir(block)) {
        for (std::size_t i = 0; i < fir->entryCount; ++i) {
          if (auto* out = outFor(fir->entry(i).ssrc)) room_.keyframeWanted(*out, now);
        }
      }
    }
    // Receiver reports about what we send are not forwarded: each leg is its own RTP session.
  }
}

void Leg::requestKeyframe(Role role, std::uint64_t now) {
  if (role == Role::None || closed_ || !srtp_) return;
  auto& in = in_[static_cast<std::size_t>(role)];
  if (in.role == Role::None || in.ssrc == 0 || !in.keyframes.request(now)) return;
  auto n = rtp::buildPli({scratch_.data(), 1500}, rtcpSsrc_, in.ssrc);
  sendRtcp(scratch_.data(), n);
}

void Leg::sendRtcp(std::uint8_t* buf, std::size_t len) {
  if (len == 0 || !srtp_) return;
  if (srtp_->protectRtcp(buf, len, scratch_.size()) != srtp::SrtpStatus::Ok) return;
  // Our reports and keyframe requests share the socket with the relayed media: a refusal here
  // is the same symptom (DTLS handshake datagrams are not counted: no media flows yet then).
  if (!ice_->send(buf, len)) shared_.counters->add(shared_.counters->sendFailures);
}

bool Leg::rtcpTick() {
  if (closed_ || !srtp_) {
    rtcpTimer_ = 0;
    return false;
  }
  const auto now = nowUs();
  // Receiver report blocks for every track we receive.
  std::array<rtp::ReportBlock, kRoles> blocks;
  std::size_t count = 0;
  for (auto& t : in_) {
    if (t.stats && t.stats->hasPackets()) blocks[count++] = t.stats->makeReportBlock(now);
    if (t.keyframes.poll(now)) requestKeyframe(t.role, now);
  }
  std::size_t len = rtp::buildReceiverReport({scratch_.data(), 1500}, rtcpSsrc_,
                                             {blocks.data(), count});
  // A sender report per track we send, so the browser can map RTP time to wall clock (A/V sync).
  const auto ntp = ntpNow();
  for (std::size_t i = 0; i < kOut; ++i) {
    auto& out = out_[i];
    if (!out.stream || !out.stream->hasSent()) continue;
    auto info = ntp;
    const auto elapsed = now - out.stream->lastTimestampUs();
    info.rtpTimestamp = out.stream->lastTimestamp() +
                        static_cast<std::uint32_t>(elapsed * out.stream->clockRate() / 1'000'000);
    info.packetCount = out.stream->packetCount();
    info.octetCount = out.stream->octetCount();
    len += rtp::buildSenderReport({scratch_.data() + len, 1500 - len}, outSsrc_[i], info, {});
  }
  sendRtcp(scratch_.data(), len);
  return true;
}

}  // namespace callpy::rtc::call
