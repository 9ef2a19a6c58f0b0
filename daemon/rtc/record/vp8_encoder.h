#pragma once
// VP8 encoding of the composed call picture with libvpx, realtime settings: one output frame per
// input (no lag), a keyframe at least every few seconds so that the WebM can be sought.
#include <cstdint>
#include <string>
#include <vector>

#include "rtc/record/compositor.h"

struct vpx_codec_ctx;

namespace callpy::rtc::record {

struct EncodedVideoFrame {
  std::int64_t timeMs = 0;
  bool keyframe = false;
  std::vector<std::uint8_t> data;
};

struct Vp8EncoderOptions {
  int fps = 25;
  int bitrateKbps = 1500;
  int keyframeIntervalMs = 3000;
  // libvpx realtime speed, 16 = fastest: at 8 the encoder took ~4x as long (measured on the
  // 20 s two-camera call: 12 vs 3.3 ms per 1280x720 frame) for the same size at this bitrate.
  int cpuUsed = 16;
  int threads = 1;  // g_threads; more than one also splits the tokens into as many partitions
};

class Vp8Encoder {
 public:
  Vp8Encoder(int width, int height, Vp8EncoderOptions options = {});
  ~Vp8Encoder();
  Vp8Encoder(const Vp8Encoder&) = delete;
  Vp8Encoder& operator=(const Vp8Encoder&) = delete;

  bool ok() const { return ctx_ != nullptr; }
  const std::string& error() const { return error_; }
  // Encodes the canvas shown from `timeMs` on; appends the frames libvpx produced.
  bool encode(const Canvas& canvas, std::int64_t timeMs, std::vector<EncodedVideoFrame>& out);
  // End of input: whatever libvpx still holds.
  bool flush(std::vector<EncodedVideoFrame>& out);

 private:
  bool collect(std::vector<EncodedVideoFrame>& out);

  vpx_codec_ctx* ctx_ = nullptr;
  int width_, height_;
  Vp8EncoderOptions options_;
  std::string error_;
};

}  // namespace callpy::rtc::record
