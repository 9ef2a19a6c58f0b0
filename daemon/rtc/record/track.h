#pragma once
// What a recorded packet belongs to: whose media (the visitor or the operator) and which of
// their tracks. Six tracks at most per call, each stored in its own raw file while the call runs.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace callpy::rtc::record {

enum class Participant : std::uint8_t { Visitor, Operator };
enum class Kind : std::uint8_t { Audio, Camera, Screen };

struct Track {
  Participant participant = Participant::Visitor;
  Kind kind = Kind::Audio;
  friend bool operator==(const Track&, const Track&) = default;
};

inline constexpr std::size_t kTracks = 6;

// 0..5: visitor audio, camera, screen, then the operator's.
constexpr std::size_t trackIndex(Track t) {
  return static_cast<std::size_t>(t.participant) * 3 + static_cast<std::size_t>(t.kind);
}
constexpr Track trackAt(std::size_t i) {
  return Track{static_cast<Participant>(i / 3), static_cast<Kind>(i % 3)};
}
// File name part of a track: "visitor-audio", "operator-screen", ...
std::string_view trackName(Track t);

// Raw files of one recording, indexed by trackIndex(); an empty path = nothing recorded.
using TrackPaths = std::array<std::string, kTracks>;

}  // namespace callpy::rtc::record
