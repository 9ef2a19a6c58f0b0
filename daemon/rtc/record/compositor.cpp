#include "rtc/record/compositor.h"

#include <algorithm>
#include <cstring>

extern "C" {
#include <libavutil/pixfmt.h>
#include <libswscale/swscale.h>
}

namespace callpy::rtc::record {

namespace {

constexpr int even(int v) { return v & ~1; }

constexpr std::uint8_t kBlackY = 16, kBlackChroma = 128;  // video range

}  // namespace

std::vector<Rect> layoutTiles(int count, int big, int width, int height) {
  std::vector<Rect> tiles;
  if (count <= 0) return tiles;
  if (big >= 0 && big < count && count >= 2) {
    // The big tile takes three quarters of the width; the others share the right column from
    // the top, each 4:3 or shorter when there are more than fit.
    const int bigW = even(width * 3 / 4), sideW = width - bigW;
    const int others = count - 1;
    const int sideH = even(std::min(height / others, sideW * 3 / 4));
    int k = 0;
    for (int i = 0; i < count; ++i) {
      if (i == big) {
        tiles.push_back({0, 0, bigW, height});
      } else {
        tiles.push_back({bigW, k++ * sideH, sideW, sideH});
      }
    }
    return tiles;
  }
  int cols = 1, rows = 1;
  if (count == 2) {
    cols = 2;
  } else if (count <= 4 && count > 2) {
    cols = rows = 2;
  } else if (count <= 6 && count > 4) {
    cols = 3, rows = 2;
  } else if (count > 6) {
    cols = rows = 3;
  }
  const int tw = even(width / cols), th = even(height / rows);
  for (int i = 0; i < count && i < cols * rows; ++i) {
    tiles.push_back({(i % cols) * tw, (i / cols) * th, tw, th});
  }
  return tiles;
}

Rect fitInside(const Rect& tile, int w, int h) {
  if (w <= 0 || h <= 0 || tile.w <= 0 || tile.h <= 0) return {tile.x, tile.y, 0, 0};
  int fw = tile.w, fh = static_cast<int>(static_cast<std::int64_t>(tile.w) * h / w);
  if (fh > tile.h) {
    fh = tile.h;
    fw = static_cast<int>(static_cast<std::int64_t>(tile.h) * w / h);
  }
  fw = std::max(2, even(fw));
  fh = std::max(2, even(fh));
  return {tile.x + even((tile.w - fw) / 2), tile.y + even((tile.h - fh) / 2), fw, fh};
}

Canvas::Canvas(int width, int height) : width_(even(width)), height_(even(height)) {
  planes_[0].resize(static_cast<std::size_t>(width_) * height_);
  planes_[1].resize(static_cast<std::size_t>(width_ / 2) * (height_ / 2));
  planes_[2].resize(planes_[1].size());
  clear();
}

Canvas::~Canvas() {
  for (auto& [key, ctx] : scalers_) sws_freeContext(ctx);
}

void Canvas::clear() {
  std::memset(planes_[0].data(), kBlackY, planes_[0].size());
  std::memset(planes_[1].data(), kBlackChroma, planes_[1].size());
  std::memset(planes_[2].data(), kBlackChroma, planes_[2].size());
}

bool Canvas::draw(const Rect& tile, const PictureView& p) {
  const Rect r = fitInside(tile, p.width, p.height);
  if (r.w <= 0 || r.h <= 0 || r.x + r.w > width_ || r.y + r.h > height_) return false;
  const auto key = std::make_tuple(p.width, p.height, p.format, r.w, r.h);
  if (scalers_.size() >= 32 && !scalers_.contains(key)) {
    // Senders adapt their resolution to the bandwidth: forget old sizes now and then.
    for (auto& [k, c] : scalers_) sws_freeContext(c);
    scalers_.clear();
  }
  SwsContext*& ctx = scalers_[key];
  if (!ctx) {
    ctx = sws_getContext(p.width, p.height, static_cast<AVPixelFormat>(p.format), r.w, r.h,
                         AV_PIX_FMT_YUV420P, SWS_BILINEAR, nullptr, nullptr, nullptr);
    if (!ctx) {
      scalers_.erase(key);
      return false;
    }
  }
  std::uint8_t* dst[4] = {plane(0) + static_cast<std::size_t>(r.y) * stride(0) + r.x,
                          plane(1) + static_cast<std::size_t>(r.y / 2) * stride(1) + r.x / 2,
                          plane(2) + static_cast<std::size_t>(r.y / 2) * stride(2) + r.x / 2,
                          nullptr};
  const int dstStride[4] = {stride(0), stride(1), stride(2), 0};
  return sws_scale(ctx, p.data, p.linesize, 0, p.height, dst, dstStride) > 0;
}

void Canvas::compose(const std::vector<Rect>& tiles,
                     const std::vector<const PictureView*>& pictures) {
  clear();
  for (std::size_t i = 0; i < tiles.size() && i < pictures.size(); ++i) {
    if (pictures[i]) draw(tiles[i], *pictures[i]);
  }
}

}  // namespace callpy::rtc::record
