#pragma once
// Which codec a recorded video track carries, and the H.264 half of depacketizing (RFC 6184).
// Raw files since v2 record each track's negotiated payload types (track_codec.h takes the codec
// from there). For v1 files and tracks whose negotiation was not known, the codec is recognised
// from the payloads themselves: a VP8 keyframe (payload descriptor, then the frame tag and the
// 9d 01 2a start code, RFC 6386 §9.1) or an H.264 SPS/IDR NAL unit (single, STAP-A or the first
// FU-A fragment). The recording asks every sender for a keyframe when it starts, so one shows up
// within the first packets.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace callpy::rtc::record {

enum class VideoCodec : std::uint8_t { Unknown, Vp8, H264 };

// Limits on what a sender's video may make the converter hold. The RTP payloads come from the
// browsers, so a frame header could declare 16383x16383 (hundreds of MB per decoded picture, a
// few of them kept as references) in a few hundred KB on the wire. Nothing a camera or screen
// share sends comes near these.
inline constexpr long kMaxVideoPixels = 3840L * 2160L;  // 4K UHD
inline constexpr std::size_t kMaxVideoFrameBytes = 4u << 20;  // one compressed frame
std::string_view videoCodecName(VideoCodec c);

// The codec of one RTP payload when it proves it (a keyframe start), else Unknown.
VideoCodec sniffPayload(std::span<const std::uint8_t> payload);
// The codec of a raw track file: the first payload that proves one (Unknown: none did, or no
// file). The whole file is read if need be: a first keyframe may come late (a lost PLI).
VideoCodec sniffRawTrack(const std::string& path);

// Appends one H.264 RTP payload to an Annex B access unit (00 00 00 01 before every NAL unit).
// `startsUnit` is set when the payload may begin an access unit (not a FU-A continuation).
// False: malformed, or packetization mode not supported (STAP-B, MTAP, FU-B).
bool appendH264Payload(std::span<const std::uint8_t> payload, std::vector<std::uint8_t>& unit,
                       bool& startsUnit);
// An Annex B access unit holding an IDR slice (decodable on its own, given its SPS/PPS).
bool isH264Keyframe(std::span<const std::uint8_t> unit);

}  // namespace callpy::rtc::record
