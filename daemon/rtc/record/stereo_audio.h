#pragma once
// Every participant's Opus in one stream without decoding: an Opus multistream (RFC 7845 §5.1.1,
// channel mapping family 1) with one uncoupled mono stream per voice, the visitor first, then the
// operators in the order they joined. 2 voices are L,R; 3 are L,C,R; 4 are FL,FR,RL,RR (Vorbis
// order; the converter gives 3 voices a 4th, silent channel so that stereo downmixes keep every
// voice). Each multistream packet holds every voice's 20 ms packet, all but the last in
// self-delimiting framing; the voices are lined up on a 20 ms grid by their RTP timestamps, and a
// voice without a packet in a slot (lost, not talking, not joined yet, already left) gets a packet
// that decodes to silence.
#include <cstddef>
#include <cstdint>
#include <ostream>
#include <span>
#include <vector>

#include "rtc/record/raw_file.h"

namespace callpy::rtc::record {

inline constexpr int kOpusSlotSamples = 960;  // 20 ms at 48 kHz
inline constexpr int kOpusPreSkip = 312;

inline constexpr int kMaxOpusVoices = 4;  // record::kVoices

struct StereoAudioStats {
  std::uint64_t packets[kMaxOpusVoices] = {};  // Opus packets used per voice (visitor first)
  std::uint64_t silence[kMaxOpusVoices] = {};  // slots filled with silence per voice
  std::uint64_t unsupported = 0;       // packets not made of 20 ms frames, or malformed
  std::uint64_t duplicates = 0;        // a second packet for a slot already taken
};

struct StereoAudio {
  int channels = 2;            // voices, one mono stream each
  std::int64_t firstSlot = 0;  // slot of packets[0], in 20 ms since the recording's epoch
  std::vector<std::vector<std::uint8_t>> packets;
  StereoAudioStats stats;
  bool empty() const { return packets.empty(); }
};

// Each voice's raw RTP packets in arrival order (visitor first, 1..kMaxOpusVoices voices);
// `epochUs` is the recording's time zero (the earliest arrival of any track).
StereoAudio mixOpusVoices(std::span<const std::span<const RawPacket>> voices, std::uint64_t epochUs);
// The two-voice case: the visitor left, the operator right.
StereoAudio mixStereoOpus(std::span<const RawPacket> visitor,
                          std::span<const RawPacket> operatorSide, std::uint64_t epochUs);

// The identification header of a `channels`-voice multistream (19 + channels bytes, family 1,
// `channels` streams, none coupled, channel i = stream i) and a minimal comment header.
std::vector<std::uint8_t> opusHeadMultistream(int channels);
std::vector<std::uint8_t> opusHeadStereoMultistream();
std::vector<std::uint8_t> opusTags();

// Ogg Opus file (RFC 7845): OpusHead page, OpusTags page, audio pages, EOS.
void writeOggOpus(const StereoAudio& audio, std::ostream& out, std::uint32_t serial);

}  // namespace callpy::rtc::record
