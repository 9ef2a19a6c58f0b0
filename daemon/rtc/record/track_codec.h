#pragma once
// Which codec the packets of a recorded track carry. A v2 raw file (raw_file.h) holds the track's
// negotiated payload types, so a packet's codec is the one its payload type was negotiated for,
// and a packet of any other payload type is not fed to a depacketizer (a sender cannot make a
// VP8 track decode as H.264, and a track that sent only a few packets still has its codec). For
// v1 files, and stretches whose negotiation was not known, the payloads are sniffed as before
// (video_codec.h).
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "rtc/record/raw_file.h"
#include "rtc/record/track.h"
#include "rtc/record/video_codec.h"

namespace callpy::rtc::record {

// VP8, or H.264 in packetization mode 0 or 1 (what the depacketizer assembles); else Unknown.
VideoCodec videoCodecOf(const RecordedCodec& codec);
bool isOpus(const RecordedCodec& codec);

// A packet's fate under the map in force: its codec's packets are used, the others skipped.
enum class PacketCodec { NotKnown, Match, Skip };
// `map` empty: NotKnown (sniff). Otherwise Match when `rtp`'s payload type maps to a codec for
// which `accepts(const RecordedCodec&)` holds, else Skip (not RTP, a PT not negotiated, or
// negotiated for another codec).
template <typename Accepts>
PacketCodec classifyPacket(const CodecMap& map, std::span<const std::uint8_t> rtp,
                           Accepts&& accepts) {
  if (map.empty()) return PacketCodec::NotKnown;
  if (rtp.size() < 12 || (rtp[0] >> 6) != 2) return PacketCodec::Skip;
  const RecordedCodec* c = findCodec(map, rtp[1] & 0x7F);
  return c && accepts(*c) ? PacketCodec::Match : PacketCodec::Skip;
}

struct TrackCodec {
  VideoCodec codec = VideoCodec::Unknown;
  bool negotiated = false;    // from the recorded negotiation (else sniffed, or nothing)
  std::uint64_t packets = 0;  // RTP packets in the file
  std::uint64_t skipped = 0;  // of them, not of `codec` by the negotiation: left out
};
// The video codec of a raw track file: the negotiated codec of most of its packets (a track whose
// sender moved to a device with another codec keeps the one it sent most; the rest is skipped),
// or the sniffed one where no negotiation was recorded.
TrackCodec recordedVideoCodec(const std::string& path);

// The Opus packets of an audio track file: by the negotiation where recorded (others counted in
// `skipped`), else every packet (v1).
std::vector<RawPacket> readOpusTrack(const std::string& path, std::uint64_t& skipped);

// Every recorded track's file starts with a known negotiation (false if any is v1 or not known).
bool negotiationRecorded(const TrackPaths& raw);

}  // namespace callpy::rtc::record
