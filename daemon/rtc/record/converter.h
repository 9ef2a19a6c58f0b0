#pragma once
// Turns a finished recording's raw track files into one playable file: WebM (VP8 + the Opus
// multistream of every voice) when the visitor sent decodable VP8 video, else Ogg Opus. The video track is
// the visitor's camera, or their screen while they share it (switching at keyframes).
#include <cstdint>
#include <string>

#include "rtc/record/stereo_audio.h"
#include "rtc/record/track.h"
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
};

// `outputBase` is the path without extension; the file is written under a temporary name and
// renamed when complete.
ConvertResult convertRecording(const TrackPaths& raw, const std::string& outputBase);

}  // namespace callpy::rtc::record
