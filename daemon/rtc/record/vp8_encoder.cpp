#include "rtc/record/vp8_encoder.h"

#include <vpx/vp8cx.h>
#include <vpx/vpx_encoder.h>

#include <algorithm>

namespace callpy::rtc::record {

Vp8Encoder::Vp8Encoder(int width, int height, Vp8EncoderOptions options)
    : width_(width), height_(height), options_(options) {
  vpx_codec_enc_cfg_t cfg;
  if (vpx_codec_enc_config_default(vpx_codec_vp8_cx(), &cfg, 0) != VPX_CODEC_OK) {
    error_ = "vp8: no default configuration";
    return;
  }
  cfg.g_w = static_cast<unsigned>(width);
  cfg.g_h = static_cast<unsigned>(height);
  cfg.g_timebase.num = 1;
  cfg.g_timebase.den = 1000;  // pts in ms, as the WebM's blocks
  // libvpx splits a frame's macroblock rows between its threads; they inherit the converter
  // thread's idle priority (thread_priority.h).
  const int threads = std::clamp(options.threads, 1, 16);
  cfg.g_threads = static_cast<unsigned>(threads);
  cfg.g_lag_in_frames = 0;
  cfg.g_error_resilient = 0;
  cfg.rc_end_usage = VPX_VBR;
  cfg.rc_target_bitrate = static_cast<unsigned>(options.bitrateKbps);
  cfg.rc_min_quantizer = 4;
  cfg.rc_max_quantizer = 56;
  cfg.kf_mode = VPX_KF_AUTO;
  cfg.kf_max_dist = static_cast<unsigned>(options.keyframeIntervalMs * options.fps / 1000);
  auto* ctx = new vpx_codec_ctx_t{};
  if (vpx_codec_enc_init(ctx, vpx_codec_vp8_cx(), &cfg, 0) != VPX_CODEC_OK) {
    error_ = std::string("vp8: ") + vpx_codec_error(ctx);
    delete ctx;
    return;
  }
  vpx_codec_control(ctx, VP8E_SET_CPUUSED, options.cpuUsed);
  vpx_codec_control(ctx, VP8E_SET_STATIC_THRESHOLD, 1);  // skip unchanged blocks (black tiles)
  if (threads > 1) {
    // Token partitions as many as the threads (1, 2, 4, 8): the player's decoder can then work
    // on a frame in parallel too. One thread keeps one partition, as before.
    const int partitions = threads >= 8 ? VP8_EIGHT_TOKENPARTITION
                           : threads >= 4 ? VP8_FOUR_TOKENPARTITION
                                          : VP8_TWO_TOKENPARTITION;
    vpx_codec_control(ctx, VP8E_SET_TOKEN_PARTITIONS, partitions);
  }
  ctx_ = ctx;
}

Vp8Encoder::~Vp8Encoder() {
  if (ctx_) {
    vpx_codec_destroy(ctx_);
    delete ctx_;
  }
}

bool Vp8Encoder::collect(std::vector<EncodedVideoFrame>& out) {
  vpx_codec_iter_t iter = nullptr;
  while (const vpx_codec_cx_pkt_t* pkt = vpx_codec_get_cx_data(ctx_, &iter)) {
    if (pkt->kind != VPX_CODEC_CX_FRAME_PKT) continue;
    const auto* bytes = static_cast<const std::uint8_t*>(pkt->data.frame.buf);
    out.push_back({pkt->data.frame.pts, (pkt->data.frame.flags & VPX_FRAME_IS_KEY) != 0,
                   std::vector<std::uint8_t>(bytes, bytes + pkt->data.frame.sz)});
  }
  return true;
}

bool Vp8Encoder::encode(const Canvas& canvas, std::int64_t timeMs,
                        std::vector<EncodedVideoFrame>& out) {
  if (!ctx_ || canvas.width() != width_ || canvas.height() != height_) return false;
  vpx_image_t img;
  // vpx_img_wrap wants one buffer; point the planes at the canvas's own instead.
  if (!vpx_img_wrap(&img, VPX_IMG_FMT_I420, static_cast<unsigned>(width_),
                    static_cast<unsigned>(height_), 1, const_cast<std::uint8_t*>(canvas.plane(0)))) {
    error_ = "vp8: cannot wrap the canvas";
    return false;
  }
  for (int i = 0; i < 3; ++i) {
    img.planes[i] = const_cast<std::uint8_t*>(canvas.plane(i));
    img.stride[i] = canvas.stride(i);
  }
  const auto duration = static_cast<unsigned long>(1000 / options_.fps);
  if (vpx_codec_encode(ctx_, &img, timeMs, duration, 0, VPX_DL_REALTIME) != VPX_CODEC_OK) {
    error_ = std::string("vp8: ") + vpx_codec_error(ctx_);
    return false;
  }
  return collect(out);
}

bool Vp8Encoder::flush(std::vector<EncodedVideoFrame>& out) {
  if (!ctx_) return false;
  if (vpx_codec_encode(ctx_, nullptr, 0, 0, 0, VPX_DL_REALTIME) != VPX_CODEC_OK) return false;
  return collect(out);
}

}  // namespace callpy::rtc::record
