#include "rtc/record/composite_video.h"

#include <algorithm>
#include <chrono>
#include <limits>

namespace callpy::rtc::record {

namespace {

double msSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

Vp8EncoderOptions encoderOptions(const CompositeOptions& o) {
  Vp8EncoderOptions e;
  e.fps = o.fps;
  e.threads = o.encoderThreads;
  // About the same quality at every size: the bits per pixel of 1500 kbps at 1280x720 (the rate
  // the recordings were tuned with), with a floor of 200 kbps for the smallest canvases.
  const std::int64_t area = std::int64_t{o.width} * o.height;
  e.bitrateKbps = o.bitrateKbps > 0
                      ? o.bitrateKbps
                      : static_cast<int>(std::max<std::int64_t>(200, 1500 * area / (1280 * 720)));
  return e;
}

}  // namespace

CompositeVideo::CompositeVideo(std::vector<CompositeTrack> tracks, std::uint64_t epochUs,
                               CompositeOptions options)
    : options_(options),
      canvas_(options.width, options.height),
      encoder_(canvas_.width(), canvas_.height(), encoderOptions(options)) {
  std::sort(tracks.begin(), tracks.end(), [](const CompositeTrack& a, const CompositeTrack& b) {
    return trackIndex(a.track) < trackIndex(b.track);
  });
  for (auto& t : tracks) {
    if (t.codec == VideoCodec::Unknown || t.path.empty()) continue;
    Source s{t.track, std::make_unique<VideoSource>(t.path, epochUs, t.codec),
             std::make_unique<VideoDecoder>(t.codec)};
    if (!s.decoder->ok() || !s.frames->peek()) continue;  // no decodable frame at all
    sources_.push_back(std::move(s));
  }
}

Vp8Stats CompositeVideo::trackStats(Track t) const {
  for (const auto& s : sources_) {
    if (s.track == t) return s.frames->stats();
  }
  return {};
}

bool CompositeVideo::composeNext() {
  if (!startMs_) {
    std::int64_t first = std::numeric_limits<std::int64_t>::max();
    for (auto& s : sources_) {
      if (auto* f = s.frames->peek()) first = std::min(first, f->timeMs);
    }
    if (first == std::numeric_limits<std::int64_t>::max()) return false;
    startMs_ = first;
  }
  const std::int64_t t = *startMs_ + tick_ * 1000 / options_.fps;
  auto stage = std::chrono::steady_clock::now();
  bool more = false;
  std::vector<const PictureView*> pictures;
  std::vector<int> layout;  // the tracks with a tile in this frame
  int big = -1;
  for (auto& s : sources_) {
    // Every frame up to this output time goes through the decoder (later frames refer to it).
    while (TimedFrame* f = s.frames->peek()) {
      if (f->timeMs > t) break;
      const TimedFrame frame = s.frames->take();
      lastInputMs_ = std::max(lastInputMs_, frame.timeMs);
      if (s.decoder->decode(frame.frame.data)) {
        ++stats_.decoded;
        s.lastPictureMs = frame.timeMs;
        s.havePicture = true;
      }
    }
    more = more || s.frames->peek() != nullptr;
    const std::int64_t hold =
        s.track.kind == Kind::Screen ? options_.screenHoldMs : options_.cameraHoldMs;
    const bool shown = s.havePicture && t - s.lastPictureMs <= hold;
    // A camera keeps its tile (black while off); a screen has one only while it is shared.
    if (s.track.kind == Kind::Screen && !shown) continue;
    if (s.track == Track{Participant::Visitor, Kind::Screen})
      big = static_cast<int>(pictures.size());
    layout.push_back(static_cast<int>(trackIndex(s.track)));
    pictures.push_back(shown ? s.decoder->picture() : nullptr);
  }
  if (layout != layout_ || big != big_) {
    layout_ = std::move(layout);
    big_ = big;
    tiles_ = layoutTiles(static_cast<int>(pictures.size()), big, canvas_.width(), canvas_.height());
  }
  stats_.decodeMs += msSince(stage);
  stats_.decodeErrors = 0;
  for (const auto& s : sources_) stats_.decodeErrors += s.decoder->errors();
  stage = std::chrono::steady_clock::now();
  canvas_.compose(tiles_, pictures);
  stats_.composeMs += msSince(stage);
  stage = std::chrono::steady_clock::now();
  std::vector<EncodedVideoFrame> out;
  const bool encoded = encoder_.encode(canvas_, t - *startMs_, out);
  stats_.encodeMs += msSince(stage);
  if (!encoded) return false;
  ++stats_.composed;
  for (auto& e : out) {
    e.timeMs += *startMs_;
    stats_.encodedBytes += e.data.size();
    ready_.push_back(std::move(e));
  }
  ++tick_;
  // The last output frame is the one covering the last input frame.
  if (!more && t >= lastInputMs_) {
    out.clear();
    encoder_.flush(out);
    for (auto& e : out) {
      e.timeMs += *startMs_;
      ready_.push_back(std::move(e));
    }
    return false;
  }
  return true;
}

std::optional<TimedFrame> CompositeVideo::next() {
  while (ready_.empty() && !done_) {
    if (!ok() || !composeNext()) done_ = true;
  }
  if (ready_.empty()) return std::nullopt;
  EncodedVideoFrame e = std::move(ready_.front());
  ready_.pop_front();
  TimedFrame f;
  f.timeMs = e.timeMs;
  f.frame.keyframe = e.keyframe;
  f.frame.width = canvas_.width();
  f.frame.height = canvas_.height();
  f.frame.data = std::move(e.data);
  return f;
}

}  // namespace callpy::rtc::record
