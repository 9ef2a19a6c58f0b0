#pragma once
// Both participants' Opus in one stream without decoding: an Opus multistream (RFC 7845 §5.1.1,
// channel mapping family 1, 2 channels, 2 uncoupled streams) whose left channel is the visitor
// and right channel the operator. Each multistream packet holds the visitor's 20 ms packet in
// self-delimiting framing followed by the operator's in normal framing; the two sides are lined
// up on a 20 ms grid by their RTP timestamps, and a side without a packet in a slot (lost, not
// talking, not joined yet) gets a packet that decodes to silence.
#include <cstddef>
#include <cstdint>
#include <ostream>
#include <span>
#include <vector>

#include "rtc/record/raw_file.h"

namespace callpy::rtc::record {

inline constexpr int kOpusSlotSamples = 960;  // 20 ms at 48 kHz
inline constexpr int kOpusPreSkip = 312;

struct StereoAudioStats {
  std::uint64_t packets[2] = {0, 0};   // Opus packets used per side (visitor, operator)
  std::uint64_t silence[2] = {0, 0};   // slots filled with silence per side
  std::uint64_t unsupported = 0;       // packets not made of 20 ms frames, or malformed
  std::uint64_t duplicates = 0;        // a second packet for a slot already taken
};

struct StereoAudio {
  std::int64_t firstSlot = 0;  // slot of packets[0], in 20 ms since the recording's epoch
  std::vector<std::vector<std::uint8_t>> packets;
  StereoAudioStats stats;
  bool empty() const { return packets.empty(); }
};

// `visitor` and `operatorSide` are raw RTP packets in arrival order; `epochUs` is the
// recording's time zero (the earliest arrival of any track).
StereoAudio mixStereoOpus(std::span<const RawPacket> visitor,
                          std::span<const RawPacket> operatorSide, std::uint64_t epochUs);

// The 2-channel multistream identification header (19 + 2 bytes) and a minimal comment header.
std::vector<std::uint8_t> opusHeadStereoMultistream();
std::vector<std::uint8_t> opusTags();

// Ogg Opus file (RFC 7845): OpusHead page, OpusTags page, audio pages, EOS.
void writeOggOpus(const StereoAudio& audio, std::ostream& out, std::uint32_t serial);

}  // namespace callpy::rtc::record
