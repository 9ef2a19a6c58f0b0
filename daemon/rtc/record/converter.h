#pragma once
// Turns a finished recording's raw track files into one playable file: WebM (VP8 + the Opus
// multistream of every voice) when anyone sent decodable video, else Ogg Opus. When only the
// visitor sent video and it is VP8, their frames go into the file as they are (no re-encoding):
// the camera, or the screen while they share it (switching at keyframes). Otherwise (operators'
// cameras or screens too, or H.264) every track is decoded and composed into one grid picture,
// encoded to VP8 (composite_video.h).
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "rtc/record/composite_video.h"
#include "rtc/record/stereo_audio.h"
#include "rtc/record/track.h"
#include "rtc/record/video_codec.h"
#include "rtc/record/vp8_depacketizer.h"

namespace callpy::rtc::record {

struct ConvertResult {
  bool ok = false;
  std::string path;       // the playable file (outputBase + ".ogg" / ".webm")
  std::string mediaType;  // "audio/ogg" or "video/webm"
  std::string error;
  double durationMs = 0;
  StereoAudioStats audio;
  int audioChannels = 0;  // voices in the file: the visitor, then each operator who spoke
  Vp8Stats camera, screen;
  std::uint64_t videoFrames = 0;  // frames written to the file
  int width = 0, height = 0;      // of the first keyframe
  bool composite = false;         // video decoded, composed and re-encoded
  int tiles = 0;                  // composite: tracks composed (cameras, screens)
  CompositeStats compositeStats;
  double convertMs = 0;  // wall-clock time the conversion took
  // Codecs (track_codec.h): packets left out because their payload type was not negotiated for
  // their track's codec, and whether every recorded track's negotiation was known (v2 raw files).
  std::uint64_t skippedPackets = 0;
  bool negotiatedCodecs = false;
  // `cancel` was raised before the file was complete: no file (its partial output removed).
  bool cancelled = false;
};

// How the video of a recording is made, from the tracks that carry a recognised codec.
enum class VideoPlan { None, Passthrough, Composite };
struct RecordedVideoTrack {
  Track track;
  VideoCodec codec = VideoCodec::Unknown;
};
VideoPlan planVideo(const std::vector<RecordedVideoTrack>& tracks);

// `outputBase` is the path without extension; the file is written under a temporary name and
// renamed when complete. `video` sets the composed video's canvas and encoder (a passed-through
// VP8 keeps its own size). `cancel` (may be null), when raised from another thread, stops the
// conversion within one output frame or block (a daemon stopping must not wait minutes for an
// hour-long video call): the result is then `cancelled`, with no file and no partial output left.
ConvertResult convertRecording(const TrackPaths& raw, const std::string& outputBase,
                               const CompositeOptions& video = {},
                               const std::atomic<bool>* cancel = nullptr);

}  // namespace callpy::rtc::record
