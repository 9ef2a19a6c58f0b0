#include "rtc/record/compositor.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

extern "C" {
#include <libavutil/pixfmt.h>
}

namespace callpy::rtc::record {
namespace {

// A solid I420 picture (planes owned by the test).
struct SolidPicture {
  SolidPicture(int w, int h, std::uint8_t y, std::uint8_t u, std::uint8_t v)
      : luma(static_cast<std::size_t>(w) * h, y),
        cb(static_cast<std::size_t>(w / 2) * (h / 2), u),
        cr(cb.size(), v) {
    view.width = w;
    view.height = h;
    view.format = AV_PIX_FMT_YUV420P;
    view.data[0] = luma.data();
    view.data[1] = cb.data();
    view.data[2] = cr.data();
    view.linesize[0] = w;
    view.linesize[1] = view.linesize[2] = w / 2;
  }
  std::vector<std::uint8_t> luma, cb, cr;
  PictureView view;
};

struct Yuv {
  int y, u, v;
};
Yuv at(const Canvas& c, int x, int y) {
  return {c.plane(0)[y * c.stride(0) + x], c.plane(1)[(y / 2) * c.stride(1) + x / 2],
          c.plane(2)[(y / 2) * c.stride(2) + x / 2]};
}
bool near(Yuv a, Yuv b) {
  return std::abs(a.y - b.y) <= 2 && std::abs(a.u - b.u) <= 2 && std::abs(a.v - b.v) <= 2;
}
constexpr Yuv kBlack{16, 128, 128};

TEST(Compositor, GridLayouts) {
  EXPECT_EQ(layoutTiles(0, -1, 1280, 720), std::vector<Rect>{});
  EXPECT_EQ(layoutTiles(1, -1, 1280, 720), (std::vector<Rect>{{0, 0, 1280, 720}}));
  EXPECT_EQ(layoutTiles(2, -1, 1280, 720),
            (std::vector<Rect>{{0, 0, 640, 720}, {640, 0, 640, 720}}));
  EXPECT_EQ(layoutTiles(3, -1, 1280, 720),
            (std::vector<Rect>{{0, 0, 640, 360}, {640, 0, 640, 360}, {0, 360, 640, 360}}));
  const auto six = layoutTiles(5, -1, 1280, 720);
  ASSERT_EQ(six.size(), 5u);
  EXPECT_EQ(six[4], (Rect{426, 360, 426, 360}));
  const auto nine = layoutTiles(8, -1, 1280, 720);
  ASSERT_EQ(nine.size(), 8u);
  EXPECT_EQ(nine[7], (Rect{426, 480, 426, 240}));
}

TEST(Compositor, TheScreenShareTakesTheBigTile) {
  // Visitor camera, visitor screen (big), operator camera.
  EXPECT_EQ(layoutTiles(3, 1, 1280, 720),
            (std::vector<Rect>{{960, 0, 320, 240}, {0, 0, 960, 720}, {960, 240, 320, 240}}));
  // Alone, the screen is simply full size.
  EXPECT_EQ(layoutTiles(1, 0, 1280, 720), (std::vector<Rect>{{0, 0, 1280, 720}}));
}

TEST(Compositor, TheLayoutScalesWithTheCanvas) {
  // rtc.recording.video_size: the same layout at any size, every coordinate even.
  EXPECT_EQ(layoutTiles(3, 1, 640, 360),
            (std::vector<Rect>{{480, 0, 160, 120}, {0, 0, 480, 360}, {480, 120, 160, 120}}));
  EXPECT_EQ(layoutTiles(3, 1, 1920, 1080),
            (std::vector<Rect>{{1440, 0, 480, 360}, {0, 0, 1440, 1080}, {1440, 360, 480, 360}}));
  EXPECT_EQ(layoutTiles(4, -1, 1920, 1080)[3], (Rect{960, 540, 960, 540}));
  for (const auto& [w, h] : {std::pair{320, 180}, std::pair{1000, 562}, std::pair{1080, 1080}}) {
    for (int count = 1; count <= 9; ++count) {
      for (int big : {-1, 0}) {
        SCOPED_TRACE(std::to_string(w) + "x" + std::to_string(h) + " " + std::to_string(count));
        const auto tiles = layoutTiles(count, big, w, h);
        ASSERT_EQ(tiles.size(), static_cast<std::size_t>(count));
        for (const Rect& t : tiles) {
          EXPECT_EQ(t.x % 2 + t.y % 2 + t.w % 2 + t.h % 2, 0);
          EXPECT_GT(t.w, 0);
          EXPECT_GT(t.h, 0);
          EXPECT_LE(t.x + t.w, w);
          EXPECT_LE(t.y + t.h, h);
        }
      }
    }
  }
}

TEST(Compositor, PicturesKeepTheirAspectInsideATile) {
  // 4:3 in 16:9: pillarboxed, centred.
  EXPECT_EQ(fitInside({0, 0, 640, 360}, 640, 480), (Rect{80, 0, 480, 360}));
  // 16:9 in a tall tile: letterboxed.
  EXPECT_EQ(fitInside({640, 0, 640, 720}, 1280, 720), (Rect{640, 180, 640, 360}));
  // Odd sizes land on even coordinates (I420 chroma).
  const Rect r = fitInside({0, 0, 426, 240}, 333, 250);
  EXPECT_EQ(r.x % 2, 0);
  EXPECT_EQ(r.y % 2, 0);
  EXPECT_EQ(r.w % 2, 0);
  EXPECT_EQ(r.h % 2, 0);
  EXPECT_LE(r.x + r.w, 426);
  EXPECT_EQ(fitInside({0, 0, 640, 360}, 0, 0).w, 0);
}

TEST(Compositor, DrawsEachPictureInItsTileAndAMissingOneBlack) {
  Canvas canvas(320, 180);
  const auto tiles = layoutTiles(3, -1, canvas.width(), canvas.height());
  const SolidPicture red(64, 48, 81, 90, 240), green(80, 60, 145, 54, 34);
  canvas.compose(tiles, {&red.view, nullptr, &green.view});
  // Tile 0 (0,0 160x90): the 4:3 picture is 120x90 at x=20; bars left and right are black.
  EXPECT_TRUE(near(at(canvas, 80, 45), {81, 90, 240}));
  EXPECT_TRUE(near(at(canvas, 4, 45), kBlack));
  EXPECT_TRUE(near(at(canvas, 156, 45), kBlack));
  // Tile 1 (160,0): no picture (that participant's video is off).
  EXPECT_TRUE(near(at(canvas, 240, 45), kBlack));
  // Tile 2 (0,90): the second picture; tile 3 does not exist and stays black.
  EXPECT_TRUE(near(at(canvas, 80, 135), {145, 54, 34}));
  EXPECT_TRUE(near(at(canvas, 240, 135), kBlack));
  // A new frame starts from black: nothing of the previous one stays behind.
  canvas.compose(tiles, {nullptr, nullptr, nullptr});
  EXPECT_TRUE(near(at(canvas, 80, 45), kBlack));
  EXPECT_TRUE(near(at(canvas, 80, 135), kBlack));
}

TEST(Compositor, ScalesAnyDecoderFormat) {
  Canvas canvas(64, 64);
  SolidPicture p(16, 16, 200, 100, 150);
  p.view.format = AV_PIX_FMT_YUVJ420P;  // what some H.264 streams decode to
  EXPECT_TRUE(canvas.draw({0, 0, 64, 64}, p.view));
  EXPECT_GT(at(canvas, 32, 32).y, 150);
  PictureView empty;
  EXPECT_FALSE(canvas.draw({0, 0, 64, 64}, empty));
}

}  // namespace
}  // namespace callpy::rtc::record
