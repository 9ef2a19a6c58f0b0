#pragma once
// The recording's video when more than the visitor's VP8 is to be shown (F18: operators'
// cameras and screens; any H.264 track): every video track is decoded, the pictures are composed
// into one grid (compositor.h) at a fixed frame rate and the result is encoded to VP8
// (vp8_encoder.h). Output frame n shows, in each tile, the track's latest frame at or before
// the frame's time. Every camera that sent video during the recording has a tile all along, in
// track order (visitor, operator, second operator, ...), black while it sends nothing (turned
// off, not joined yet); a screen share has a tile only while it is shared, and the visitor's
// then takes the big one.
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "rtc/record/compositor.h"
#include "rtc/record/track.h"
#include "rtc/record/video_codec.h"
#include "rtc/record/video_decoder.h"
#include "rtc/record/video_source.h"
#include "rtc/record/vp8_encoder.h"

namespace callpy::rtc::record {

struct CompositeTrack {
  Track track;
  std::string path;  // raw file
  VideoCodec codec = VideoCodec::Unknown;
};

struct CompositeOptions {
  // The canvas (rtc.recording.video_size; even numbers); the tiles scale with it.
  int width = 1280, height = 720;
  int fps = 25;
  int bitrateKbps = 0;     // 0: 1500 kbps at 1280x720, in proportion to the canvas's area
  int encoderThreads = 1;  // libvpx's (rtc.recording.encoder_threads)
  std::int64_t cameraHoldMs = 1500;  // a camera silent this long is off
  std::int64_t screenHoldMs = 5000;  // screens send rarely while nothing moves
};

struct CompositeStats {
  std::uint64_t decoded = 0;  // pictures decoded, all tracks
  std::uint64_t decodeErrors = 0;
  std::uint64_t composed = 0;  // output pictures
  std::uint64_t encodedBytes = 0;
  double decodeMs = 0, composeMs = 0, encodeMs = 0;  // CPU-bound time in each stage
};

class CompositeVideo {
 public:
  CompositeVideo(std::vector<CompositeTrack> tracks, std::uint64_t epochUs,
                 CompositeOptions options = {});

  bool ok() const { return encoder_.ok() && !sources_.empty(); }
  // The composite's VP8 frames in time order (ms on the recording's timeline); nullopt at the end.
  std::optional<TimedFrame> next();
  // The layout of the latest frame.
  const std::vector<Rect>& tiles() const { return tiles_; }
  // Tracks being composed (those with a decodable frame).
  int tracks() const { return static_cast<int>(sources_.size()); }
  const CompositeStats& stats() const { return stats_; }
  // Depacketizing statistics of one track (zero when it is not part of the composite).
  Vp8Stats trackStats(Track t) const;
  const Canvas& canvas() const { return canvas_; }

 private:
  struct Source {
    Track track;
    std::unique_ptr<VideoSource> frames;
    std::unique_ptr<VideoDecoder> decoder;
    std::int64_t lastPictureMs = 0;
    bool havePicture = false;
  };
  bool composeNext();

  CompositeOptions options_;
  std::vector<Source> sources_;
  std::vector<Rect> tiles_;
  std::vector<int> layout_;  // track indexes of tiles_, to notice a change
  int big_ = -1;
  Canvas canvas_;
  Vp8Encoder encoder_;
  std::deque<EncodedVideoFrame> ready_;
  std::optional<std::int64_t> startMs_;
  std::int64_t tick_ = 0;
  std::int64_t lastInputMs_ = 0;
  bool done_ = false;
  CompositeStats stats_;
};

}  // namespace callpy::rtc::record
