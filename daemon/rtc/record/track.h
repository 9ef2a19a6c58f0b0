#pragma once
// What a recorded packet belongs to: whose media (the visitor, or the k-th operator of the call:
// voices 1..3, F18 multi-party) and which of their tracks. Twelve tracks at most per call, each
// stored in its own raw file while the call runs.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace callpy::rtc::record {

// Voice 0 is the visitor, 1 the first operator; operatorVoice(k) names the k-th (0-based).
enum class Participant : std::uint8_t { Visitor = 0, Operator = 1 };
enum class Kind : std::uint8_t { Audio, Camera, Screen };

inline constexpr std::size_t kVoices = 4;  // the visitor and up to 3 operators
constexpr Participant operatorVoice(std::size_t k) { return static_cast<Participant>(1 + k); }

struct Track {
  Participant participant = Participant::Visitor;
  Kind kind = Kind::Audio;
  friend bool operator==(const Track&, const Track&) = default;
};

inline constexpr std::size_t kTracks = kVoices * 3;

// 0..11: visitor audio, camera, screen, then each operator's in turn.
constexpr std::size_t trackIndex(Track t) {
  return static_cast<std::size_t>(t.participant) * 3 + static_cast<std::size_t>(t.kind);
}
constexpr Track trackAt(std::size_t i) {
  return Track{static_cast<Participant>(i / 3), static_cast<Kind>(i % 3)};
}
// File name part of a track: "visitor-audio", "operator-screen", "operator2-audio", ...
std::string_view trackName(Track t);

// Raw files of one recording, indexed by trackIndex(); an empty path = nothing recorded.
using TrackPaths = std::array<std::string, kTracks>;

}  // namespace callpy::rtc::record
