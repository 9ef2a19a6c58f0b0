#pragma once
// Places RTP timestamps of one track on the recording's common timeline. Each sender has its own
// random timestamp base, so a track is anchored at the arrival time of its first packet and then
// follows its own timestamps (which keep the media's spacing exact, unlike arrival times). A new
// SSRC (the participant moved to another device) or timestamps that stray more than 2 s from the
// arrival clock re-anchor the track.
#include <cstdint>
#include <optional>

namespace callpy::rtc::record {

class TimeMapper {
 public:
  TimeMapper(std::uint32_t clockRate, std::uint64_t epochUs)
      : clockRate_(clockRate), epochUs_(epochUs) {}

  // Position in clock units since the epoch.
  std::int64_t map(std::uint32_t ssrc, std::uint32_t rtpTimestamp, std::uint64_t arrivalUs);

 private:
  std::uint32_t clockRate_;
  std::uint64_t epochUs_;
  std::optional<std::uint32_t> ssrc_;
  std::uint32_t lastTs_ = 0;
  std::int64_t extended_ = 0;      // unwrapped timestamp
  std::int64_t anchorExtended_ = 0;
  std::int64_t anchorPosition_ = 0;
};

}  // namespace callpy::rtc::record
