#pragma once
// Decodes one recorded video track (VP8 or H.264) with libavcodec, keeping the latest picture.
// Single-threaded and low-delay: a frame in, its picture out, so the compositor shows exactly
// the frames up to the time it composes.
#include <cstdint>
#include <span>
#include <vector>

#include "rtc/record/compositor.h"
#include "rtc/record/video_codec.h"

struct AVCodecContext;
struct AVFrame;
struct AVPacket;

namespace callpy::rtc::record {

class VideoDecoder {
 public:
  explicit VideoDecoder(VideoCodec codec);
  ~VideoDecoder();
  VideoDecoder(const VideoDecoder&) = delete;
  VideoDecoder& operator=(const VideoDecoder&) = delete;

  bool ok() const { return ctx_ != nullptr; }
  // Decodes one frame (an Annex B access unit for H.264). True when a new picture came out.
  bool decode(std::span<const std::uint8_t> frame);
  // The latest picture, valid until the next decode(); nullptr before the first.
  const PictureView* picture() const { return have_ ? &view_ : nullptr; }
  std::uint64_t pictures() const { return pictures_; }
  std::uint64_t errors() const { return errors_; }

 private:
  AVCodecContext* ctx_ = nullptr;
  AVPacket* packet_ = nullptr;
  AVFrame* frame_ = nullptr;  // the latest picture
  AVFrame* next_ = nullptr;
  std::vector<std::uint8_t> padded_;
  PictureView view_;
  bool have_ = false;
  std::uint64_t pictures_ = 0, errors_ = 0;
};

}  // namespace callpy::rtc::record
