#pragma once
// One picture out of several participants' videos: a fixed grid of tiles on an I420 canvas
// (1 tile full size, 2 side by side, 3-4 as 2x2, 5-6 as 3x2, 7-9 as 3x3), or a big tile (the
// visitor's screen share) on the left with the others in a column on the right. Each picture
// is scaled into its tile with its aspect kept (letterbox/pillarbox bars are black); a tile
// without a picture stays black. Scaling is libswscale's (any decoder output format in).
#include <cstdint>
#include <map>
#include <tuple>
#include <vector>

struct SwsContext;

namespace callpy::rtc::record {

struct Rect {
  int x = 0, y = 0, w = 0, h = 0;
  friend bool operator==(const Rect&, const Rect&) = default;
};

// A decoded picture, not owned: planes in a libav pixel format (AVPixelFormat value).
struct PictureView {
  int width = 0, height = 0;
  int format = 0;  // AV_PIX_FMT_YUV420P = 0
  const std::uint8_t* data[4] = {};
  int linesize[4] = {};
};

// Tiles for `count` pictures on a width x height canvas; `big` is the index of the picture that
// gets the large area (-1: plain grid). Every coordinate is even (I420 chroma).
std::vector<Rect> layoutTiles(int count, int big, int width, int height);
// Where a w x h picture goes inside `tile`, aspect kept, centred, even coordinates.
Rect fitInside(const Rect& tile, int w, int h);

class Canvas {
 public:
  Canvas(int width, int height);  // even sizes
  ~Canvas();
  Canvas(const Canvas&) = delete;
  Canvas& operator=(const Canvas&) = delete;

  int width() const { return width_; }
  int height() const { return height_; }
  std::uint8_t* plane(int i) { return planes_[i].data(); }
  const std::uint8_t* plane(int i) const { return planes_[i].data(); }
  int stride(int i) const { return i == 0 ? width_ : width_ / 2; }

  void clear();  // black
  // Scales `p` into `tile` (letterboxed). False when the picture cannot be scaled.
  bool draw(const Rect& tile, const PictureView& p);
  // The whole frame: black, then each tile's picture (nullptr = black tile).
  void compose(const std::vector<Rect>& tiles, const std::vector<const PictureView*>& pictures);

 private:
  int width_, height_;
  std::vector<std::uint8_t> planes_[3];
  // Scaler per (source size and format, target size): tiles keep their sizes, so these last.
  std::map<std::tuple<int, int, int, int, int>, SwsContext*> scalers_;
};

}  // namespace callpy::rtc::record
