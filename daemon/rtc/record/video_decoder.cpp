#include "rtc/record/video_decoder.h"

#include <cstring>
#include <mutex>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavutil/frame.h>
#include <libavutil/log.h>
}

namespace callpy::rtc::record {

VideoDecoder::VideoDecoder(VideoCodec codec) {
  // Damaged input is counted here; libav's own messages would only clutter the daemon's stderr.
  static std::once_flag quiet;
  std::call_once(quiet, [] { av_log_set_level(AV_LOG_QUIET); });
  const AVCodec* c =
      avcodec_find_decoder(codec == VideoCodec::H264 ? AV_CODEC_ID_H264 : AV_CODEC_ID_VP8);
  if (!c || codec == VideoCodec::Unknown) return;
  ctx_ = avcodec_alloc_context3(c);
  packet_ = av_packet_alloc();
  frame_ = av_frame_alloc();
  next_ = av_frame_alloc();
  if (!ctx_ || !packet_ || !frame_ || !next_) {
    avcodec_free_context(&ctx_);
    return;
  }
  ctx_->thread_count = 1;  // the converter is one thread of a shared machine
  ctx_->flags |= AV_CODEC_FLAG_LOW_DELAY;
  ctx_->max_pixels = kMaxVideoPixels;  // an H.264 SPS may declare any size (video_codec.h)
  if (avcodec_open2(ctx_, c, nullptr) < 0) avcodec_free_context(&ctx_);
}

VideoDecoder::~VideoDecoder() {
  avcodec_free_context(&ctx_);
  av_packet_free(&packet_);
  av_frame_free(&frame_);
  av_frame_free(&next_);
}

bool VideoDecoder::decode(std::span<const std::uint8_t> frame) {
  if (!ctx_ || frame.empty()) return false;
  padded_.assign(frame.begin(), frame.end());
  padded_.resize(frame.size() + AV_INPUT_BUFFER_PADDING_SIZE, 0);
  packet_->data = padded_.data();
  packet_->size = static_cast<int>(frame.size());
  if (avcodec_send_packet(ctx_, packet_) < 0) {
    ++errors_;
    return false;
  }
  bool got = false;
  while (avcodec_receive_frame(ctx_, next_) == 0) {
    av_frame_unref(frame_);
    av_frame_move_ref(frame_, next_);
    got = true;
  }
  if (!got) return false;
  view_.width = frame_->width;
  view_.height = frame_->height;
  view_.format = frame_->format;
  for (int i = 0; i < 4; ++i) {
    view_.data[i] = frame_->data[i];
    view_.linesize[i] = frame_->linesize[i];
  }
  have_ = true;
  ++pictures_;
  return true;
}

}  // namespace callpy::rtc::record
