#include "rtc/record/track_codec.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "rtc/rtp/rtp_packet.h"

namespace callpy::rtc::record {

namespace {

bool sameName(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// The value of one fmtp parameter ("a=b;c=d"), empty when absent (sdp::fmtpParameter, without
// linking the SDP module into the converter).
std::string_view fmtpValue(std::string_view fmtp, std::string_view key) {
  const auto trim = [](std::string_view s) {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    return s;
  };
  while (!fmtp.empty()) {
    const std::size_t end = std::min(fmtp.find(';'), fmtp.size());
    const std::string_view item = trim(fmtp.substr(0, end));
    const std::size_t eq = item.find('=');
    if (eq != std::string_view::npos && sameName(trim(item.substr(0, eq)), key))
      return trim(item.substr(eq + 1));
    fmtp.remove_prefix(std::min(end + 1, fmtp.size()));
  }
  return {};
}

}  // namespace

VideoCodec videoCodecOf(const RecordedCodec& c) {
  if (sameName(c.name, "VP8")) return VideoCodec::Vp8;
  if (sameName(c.name, "H264")) {
    // Mode 2 (interleaved: STAP-B, MTAP, FU-B) is not assembled; absent means mode 0.
    const auto mode = fmtpValue(c.fmtp, "packetization-mode");
    if (mode.empty() || mode == "0" || mode == "1") return VideoCodec::H264;
  }
  return VideoCodec::Unknown;
}

bool isOpus(const RecordedCodec& c) { return sameName(c.name, "opus"); }

TrackCodec recordedVideoCodec(const std::string& path) {
  TrackCodec out;
  if (path.empty()) return out;
  // Packets per codec by the negotiation (index: VideoCodec), and whether any was sniffable.
  std::array<std::uint64_t, 3> counts{};
  std::uint64_t mapped = 0, unknown = 0;
  VideoCodec sniffed = VideoCodec::Unknown;
  RawTrackReader reader(path);
  RawPacket p;
  while (reader.next(p)) {
    ++out.packets;
    VideoCodec c = VideoCodec::Unknown;
    const auto fate = classifyPacket(reader.codecs(), p.bytes, [&](const RecordedCodec& rc) {
      c = videoCodecOf(rc);
      return c != VideoCodec::Unknown;
    });
    if (fate == PacketCodec::Match) {
      ++counts[static_cast<std::size_t>(c)];
      ++mapped;
    } else if (fate == PacketCodec::NotKnown) {
      ++unknown;
      if (sniffed == VideoCodec::Unknown) {
        if (const auto pkt = rtp::RtpPacket::parse(p.bytes.data(), p.bytes.size()))
          sniffed = sniffPayload(pkt->payload());
      }
    }
  }
  if (mapped == 0 && unknown == out.packets) {
    out.codec = sniffed;  // no negotiation recorded (v1, or not known when recorded)
    return out;
  }
  out.negotiated = true;
  out.codec = counts[static_cast<std::size_t>(VideoCodec::H264)] >
                      counts[static_cast<std::size_t>(VideoCodec::Vp8)]
                  ? VideoCodec::H264
                  : (counts[static_cast<std::size_t>(VideoCodec::Vp8)] > 0 ? VideoCodec::Vp8
                                                                           : VideoCodec::Unknown);
  // What VideoSource leaves out: packets mapped to nothing usable or to the other codec. The
  // stretches without a known map are fed (and sniffed by the depacketizer's own checks).
  out.skipped =
      out.packets - unknown -
      (out.codec == VideoCodec::Unknown ? 0 : counts[static_cast<std::size_t>(out.codec)]);
  return out;
}

std::vector<RawPacket> readOpusTrack(const std::string& path, std::uint64_t& skipped) {
  std::vector<RawPacket> packets;
  if (path.empty()) return packets;
  RawTrackReader reader(path);
  RawPacket p;
  while (reader.next(p)) {
    if (classifyPacket(reader.codecs(), p.bytes, isOpus) == PacketCodec::Skip) {
      ++skipped;
      continue;
    }
    packets.push_back(std::move(p));
  }
  return packets;
}

bool negotiationRecorded(const TrackPaths& raw) {
  bool any = false;
  for (const auto& path : raw) {
    if (path.empty()) continue;
    RawTrackReader reader(path);
    RawPacket p;
    if (!reader.next(p)) continue;  // nothing in it: nothing was decided by it
    if (reader.codecs().empty()) return false;
    any = true;
  }
  return any;
}

}  // namespace callpy::rtc::record
