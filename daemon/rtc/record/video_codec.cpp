#include "rtc/record/video_codec.h"

#include "rtc/record/raw_file.h"
#include "rtc/rtp/rtp_packet.h"
#include "rtc/rtp/vp8_descriptor.h"

namespace callpy::rtc::record {

namespace {

constexpr std::uint8_t kNalIdr = 5, kNalSps = 7, kStapA = 24, kFuA = 28;
constexpr std::uint8_t kStartCode[] = {0, 0, 0, 1};

bool isVp8KeyframeStart(std::span<const std::uint8_t> payload) {
  const auto desc = rtp::parseVp8Descriptor(payload);
  if (!desc || !desc->startOfPartition || desc->partitionId != 0) return false;
  const auto f = payload.subspan(desc->size);
  return f.size() >= 10 && (f[0] & 0x01) == 0 && f[3] == 0x9d && f[4] == 0x01 && f[5] == 0x2a;
}

// An SPS must name a known profile (profile_idc), which keeps random bytes from passing.
bool plausibleH264Start(std::uint8_t header, std::span<const std::uint8_t> rest) {
  if ((header & 0x80) != 0) return false;  // forbidden_zero_bit
  const std::uint8_t type = header & 0x1F;
  if (type == kNalIdr) return (header & 0x60) != 0;  // an IDR is always a reference
  if (type != kNalSps || rest.empty()) return false;
  switch (rest[0]) {
    case 66:
    case 77:
    case 88:
    case 100:
    case 110:
    case 122:
    case 244:
    case 44:
      return true;
    default:
      return false;
  }
}

bool isH264KeyStart(std::span<const std::uint8_t> p) {
  if (p.size() < 2) return false;
  const std::uint8_t type = p[0] & 0x1F;
  if ((p[0] & 0x80) != 0) return false;
  if (type >= 1 && type <= 23) return plausibleH264Start(p[0], p.subspan(1));
  if (type == kStapA) {
    std::size_t at = 1;
    while (at + 2 < p.size()) {
      const std::size_t n = (std::size_t{p[at]} << 8) | p[at + 1];
      at += 2;
      if (n == 0 || at + n > p.size()) return false;
      if (plausibleH264Start(p[at], p.subspan(at + 1, n - 1))) return true;
      at += n;
    }
    return false;
  }
  if (type == kFuA && p.size() >= 3 && (p[1] & 0x80) != 0) {
    return plausibleH264Start(static_cast<std::uint8_t>((p[0] & 0xE0) | (p[1] & 0x1F)),
                              p.subspan(2));
  }
  return false;
}

void appendNal(std::vector<std::uint8_t>& unit, std::span<const std::uint8_t> nal) {
  unit.insert(unit.end(), std::begin(kStartCode), std::end(kStartCode));
  unit.insert(unit.end(), nal.begin(), nal.end());
}

}  // namespace

std::string_view videoCodecName(VideoCodec c) {
  switch (c) {
    case VideoCodec::Vp8:
      return "VP8";
    case VideoCodec::H264:
      return "H264";
    default:
      return "unknown";
  }
}

VideoCodec sniffPayload(std::span<const std::uint8_t> payload) {
  if (isVp8KeyframeStart(payload)) return VideoCodec::Vp8;
  if (isH264KeyStart(payload)) return VideoCodec::H264;
  return VideoCodec::Unknown;
}

VideoCodec sniffRawTrack(const std::string& path) {
  if (path.empty()) return VideoCodec::Unknown;
  RawTrackReader reader(path);
  RawPacket p;
  while (reader.next(p)) {
    const auto pkt = rtp::RtpPacket::parse(p.bytes.data(), p.bytes.size());
    if (!pkt) continue;
    if (const auto c = sniffPayload(pkt->payload()); c != VideoCodec::Unknown) return c;
  }
  return VideoCodec::Unknown;
}

bool appendH264Payload(std::span<const std::uint8_t> p, std::vector<std::uint8_t>& unit,
                       bool& startsUnit) {
  startsUnit = true;
  if (p.empty() || (p[0] & 0x80) != 0) return false;
  const std::uint8_t type = p[0] & 0x1F;
  if (type >= 1 && type <= 23) {
    appendNal(unit, p);
    return true;
  }
  if (type == kStapA) {
    std::size_t at = 1;
    while (at < p.size()) {
      if (at + 2 > p.size()) return false;
      const std::size_t n = (std::size_t{p[at]} << 8) | p[at + 1];
      at += 2;
      if (n == 0 || at + n > p.size()) return false;
      appendNal(unit, p.subspan(at, n));
      at += n;
    }
    return true;
  }
  if (type == kFuA) {
    if (p.size() < 3) return false;
    const bool start = (p[1] & 0x80) != 0;
    startsUnit = start;
    if (start) {
      unit.insert(unit.end(), std::begin(kStartCode), std::end(kStartCode));
      unit.push_back(static_cast<std::uint8_t>((p[0] & 0xE0) | (p[1] & 0x1F)));
    }
    unit.insert(unit.end(), p.begin() + 2, p.end());
    return true;
  }
  return false;
}

bool isH264Keyframe(std::span<const std::uint8_t> u) {
  for (std::size_t i = 0; i + 3 < u.size(); ++i) {
    if (u[i] == 0 && u[i + 1] == 0 && u[i + 2] == 1 && (u[i + 3] & 0x1F) == kNalIdr) return true;
  }
  return false;
}

}  // namespace callpy::rtc::record
