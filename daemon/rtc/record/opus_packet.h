#pragma once
// Opus packets as RFC 6716 §3 frames them, without decoding: the TOC, the frame count and sizes,
// the duration, and the self-delimiting framing of Appendix B that an Opus multistream packet
// (RFC 7845 §5.1.1) needs for every stream but the last.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace callpy::rtc::record {

inline constexpr std::size_t kOpusMaxFrames = 48;   // 120 ms of 2.5 ms frames
inline constexpr std::size_t kOpusMaxFrameSize = 1275;

struct OpusPacketInfo {
  std::uint8_t toc = 0;
  int code = 0;                 // frame count code (TOC bits 0-1)
  std::size_t frameCount = 0;
  int samplesPerFrame = 0;      // at 48 kHz
  std::size_t headerLength = 0; // bytes before the first frame's data
  std::array<std::uint16_t, kOpusMaxFrames> frameSize{};
  std::size_t paddingLength = 0;
  int samples() const { return static_cast<int>(frameCount) * samplesPerFrame; }
};

// Samples per frame at 48 kHz for a TOC byte (120 .. 2880).
int opusSamplesPerFrame(std::uint8_t toc);

// nullopt unless the packet obeys RFC 6716 §3.4 requirements R1-R7 (normal framing).
std::optional<OpusPacketInfo> parseOpusPacket(std::span<const std::uint8_t> packet);

// Appends `packet` (normal framing, already parsed as `info`) in self-delimiting framing.
void appendSelfDelimited(std::span<const std::uint8_t> packet, const OpusPacketInfo& info,
                         std::vector<std::uint8_t>& out);

// Appends one frame length in the one- or two-byte encoding of RFC 6716 §3.2.1.
void appendFrameLength(std::size_t length, std::vector<std::uint8_t>& out);

// A 20 ms CELT packet that decodes to silence: stands in for a side with nothing in a slot.
inline constexpr std::array<std::uint8_t, 3> kOpusSilence20ms = {0xF8, 0xFF, 0xFE};

}  // namespace callpy::rtc::record
