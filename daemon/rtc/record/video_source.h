#pragma once
// The frames of one recorded video track, in decode order, with their time on the recording's
// timeline (ms since the epoch, the earliest arrival of any track; see time_mapper.h). Where the
// file records the track's negotiation, packets of other payload types are left out (counted in
// stats().otherCodec), so the depacketizer only sees its own codec.
#include <cstdint>
#include <optional>
#include <string>

#include "rtc/record/raw_file.h"
#include "rtc/record/time_mapper.h"
#include "rtc/record/video_codec.h"
#include "rtc/record/vp8_depacketizer.h"

namespace callpy::rtc::record {

struct TimedFrame {
  std::int64_t timeMs = 0;
  Vp8Frame frame;  // VP8 frame or H.264 access unit, by the source's codec
};

class VideoSource {
 public:
  VideoSource(const std::string& path, std::uint64_t epochUs, VideoCodec codec = VideoCodec::Vp8);

  // The next frame without taking it; nullptr at the end of the track.
  TimedFrame* peek();
  TimedFrame take();
  VideoCodec codec() const { return codec_; }
  const Vp8Stats& stats() const { return depacketizer_.stats(); }

 private:
  VideoCodec codec_;
  RawTrackReader reader_;
  Vp8Depacketizer depacketizer_;
  TimeMapper mapper_;
  RawPacket packet_;
  std::optional<TimedFrame> current_;
  bool ended_ = false;
};

}  // namespace callpy::rtc::record
