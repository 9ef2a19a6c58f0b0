#include "rtc/record/converter.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <optional>

#include "rtc/record/raw_file.h"
#include "rtc/record/time_mapper.h"
#include "rtc/record/track_codec.h"
#include "rtc/record/video_source.h"
#include "rtc/record/webm_writer.h"

namespace callpy::rtc::record {

namespace {

ConvertResult convertFiles(const TrackPaths& raw, const std::string& outputBase,
                           const CompositeOptions& options, const std::atomic<bool>* cancel);

bool cancelled(const std::atomic<bool>* cancel) {
  return cancel && cancel->load(std::memory_order_relaxed);
}

// A cancelled conversion leaves nothing: the raw files are converted afresh next time.
ConvertResult& cancelResult(ConvertResult& r) {
  r.ok = false;
  r.cancelled = true;
  r.path.clear();
  r.error = "conversion cancelled";
  return r;
}

constexpr std::int64_t kScreenIdleMs = 1000;  // no screen frame for this long = sharing ended

// The visitor's video as one track: the camera, or the screen while it is being shared. A switch
// happens only at a keyframe of the source switched to, so the track always decodes.
class VideoSelector {
 public:
  VideoSelector(const TrackPaths& raw, std::uint64_t epochUs)
      : camera_(raw[trackIndex({Participant::Visitor, Kind::Camera})], epochUs),
        screen_(raw[trackIndex({Participant::Visitor, Kind::Screen})], epochUs) {}

  std::optional<TimedFrame> next() {
    for (;;) {
      TimedFrame* c = camera_.peek();
      TimedFrame* s = screen_.peek();
      if (!c && !s) return std::nullopt;
      const bool fromScreen = s && (!c || s->timeMs <= c->timeMs);
      TimedFrame f = fromScreen ? screen_.take() : camera_.take();
      if (fromScreen) {
        lastScreenMs_ = f.timeMs;
        if (source_ != Source::Screen && !f.frame.keyframe) continue;
        source_ = Source::Screen;
      } else {
        if (source_ == Source::Screen &&
            (f.timeMs - lastScreenMs_ < kScreenIdleMs || !f.frame.keyframe)) {
          continue;
        }
        if (source_ == Source::None && !f.frame.keyframe) continue;
        source_ = Source::Camera;
      }
      f.timeMs = std::max(f.timeMs, lastMs_);  // re-anchoring must not go back in time
      lastMs_ = f.timeMs;
      return f;
    }
  }
  const Vp8Stats& cameraStats() const { return camera_.stats(); }
  const Vp8Stats& screenStats() const { return screen_.stats(); }

 private:
  enum class Source { None, Camera, Screen };
  VideoSource camera_, screen_;
  Source source_ = Source::None;
  std::int64_t lastScreenMs_ = std::numeric_limits<std::int64_t>::min() / 2;
  std::int64_t lastMs_ = std::numeric_limits<std::int64_t>::min();
};

std::optional<std::uint64_t> firstArrival(const TrackPaths& raw) {
  std::optional<std::uint64_t> epoch;
  for (const auto& path : raw) {
    if (path.empty()) continue;
    RawTrackReader reader(path);
    RawPacket p;
    if (reader.next(p) && (!epoch || p.arrivalUs < *epoch)) epoch = p.arrivalUs;
  }
  return epoch;
}

bool finishFile(std::ofstream& out, const std::string& part, const std::string& final,
                ConvertResult& r) {
  out.flush();
  const bool good = out.good();
  out.close();
  std::error_code ec;
  if (!good) {
    std::filesystem::remove(part, ec);
    r.error = "cannot write " + part;
    return false;
  }
  std::filesystem::rename(part, final, ec);
  if (ec) {
    std::filesystem::remove(part, ec);
    r.error = "cannot rename " + part + ": " + ec.message();
    return false;
  }
  r.ok = true;
  r.path = final;
  return true;
}

template <typename Video>
void writeWebm(const StereoAudio& audio, Video& video, const TimedFrame& first, std::ostream& out,
               ConvertResult& r, const std::atomic<bool>* cancel) {
  WebmWriter webm(out);
  WebmAudioTrack a;
  a.codecPrivate = opusHeadMultistream(audio.channels);
  a.channels = audio.channels;
  a.codecDelayNs = std::uint64_t{kOpusPreSkip} * 1'000'000'000 / 48000;
  webm.begin(WebmVideoTrack{first.frame.width, first.frame.height},
             audio.empty() ? std::nullopt : std::optional<WebmAudioTrack>(a));
  const std::int64_t audioStartMs = audio.firstSlot * 20;
  const std::int64_t offset = audio.empty() ? first.timeMs : std::min(first.timeMs, audioStartMs);
  std::optional<TimedFrame> frame = first;
  std::size_t ai = 0;
  std::int64_t endMs = 0;
  while (frame || ai < audio.packets.size()) {
    // Per block: each video block may have cost a decode, compose and encode (composite_video.h).
    if (cancelled(cancel)) {
      r.cancelled = true;
      return;
    }
    const std::int64_t audioMs = audioStartMs + static_cast<std::int64_t>(ai) * 20;
    if (frame && (ai >= audio.packets.size() || frame->timeMs <= audioMs)) {
      webm.addBlock(webm.videoTrack(), frame->timeMs - offset, frame->frame.keyframe,
                    frame->frame.data);
      endMs = std::max(endMs, frame->timeMs - offset + 33);
      ++r.videoFrames;
      frame = video.next();
    } else {
      webm.addBlock(webm.audioTrack(), audioMs - offset, true, audio.packets[ai]);
      endMs = std::max(endMs, audioMs - offset + 20);
      ++ai;
    }
  }
  webm.finish(static_cast<double>(endMs));
  r.durationMs = static_cast<double>(endMs);
}

}  // namespace

VideoPlan planVideo(const std::vector<RecordedVideoTrack>& tracks) {
  bool any = false, onlyVisitorVp8 = true;
  for (const auto& t : tracks) {
    if (t.codec == VideoCodec::Unknown) continue;  // nothing decodable was recorded
    any = true;
    if (t.track.participant != Participant::Visitor || t.codec != VideoCodec::Vp8) {
      onlyVisitorVp8 = false;
    }
  }
  if (!any) return VideoPlan::None;
  return onlyVisitorVp8 ? VideoPlan::Passthrough : VideoPlan::Composite;
}

ConvertResult convertRecording(const TrackPaths& raw, const std::string& outputBase,
                               const CompositeOptions& video, const std::atomic<bool>* cancel) {
  const auto started = std::chrono::steady_clock::now();
  ConvertResult r = convertFiles(raw, outputBase, video, cancel);
  r.convertMs =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  return r;
}

namespace {

ConvertResult convertFiles(const TrackPaths& raw, const std::string& outputBase,
                           const CompositeOptions& options, const std::atomic<bool>* cancel) {
  ConvertResult r;
  if (cancelled(cancel)) return cancelResult(r);
  const auto epoch = firstArrival(raw);
  if (!epoch) {
    r.error = "nothing was recorded";
    return r;
  }
  r.negotiatedCodecs = negotiationRecorded(raw);
  StereoAudio audio;
  {
    // One channel per voice: the visitor first, then each operator who sent audio while this
    // recording ran (in joining order); at least two, so a 1:1 call stays visitor-left,
    // operator-right. Three voices get a fourth, silent channel: 3.0 (L,C,R) is no speaker
    // layout of Web Audio, which then mixes "discrete" and drops the centre on stereo output,
    // while quad (FL,FR,RL,RR) downmixes with every voice in it everywhere.
    std::vector<std::vector<RawPacket>> voices;
    voices.push_back(
        readOpusTrack(raw[trackIndex({Participant::Visitor, Kind::Audio})], r.skippedPackets));
    for (std::size_t k = 0; k + 1 < kVoices; ++k) {
      const auto& path = raw[trackIndex({operatorVoice(k), Kind::Audio})];
      if (!path.empty()) voices.push_back(readOpusTrack(path, r.skippedPackets));
    }
    if (voices.size() < 2 || voices.size() == 3) voices.emplace_back();
    std::vector<std::span<const RawPacket>> spans(voices.begin(), voices.end());
    audio = mixOpusVoices(spans, *epoch);
  }
  r.audio = audio.stats;
  r.audioChannels = audio.empty() ? 0 : audio.channels;
  if (cancelled(cancel)) return cancelResult(r);

  std::vector<RecordedVideoTrack> videoTracks;
  for (std::size_t i = 0; i < kTracks; ++i) {
    const Track t = trackAt(i);
    if (t.kind == Kind::Audio || raw[i].empty()) continue;
    // The negotiated codec where the raw file recorded it, else sniffed (track_codec.h).
    const TrackCodec codec = recordedVideoCodec(raw[i]);
    r.skippedPackets += codec.skipped;
    videoTracks.push_back({t, codec.codec});
  }
  const VideoPlan plan = planVideo(videoTracks);
  const auto writeVideo = [&](auto& video) {
    std::optional<TimedFrame> first = video.next();
    if (!first) return false;
    r.width = first->frame.width;
    r.height = first->frame.height;
    r.mediaType = "video/webm";
    const std::string final = outputBase + ".webm", part = final + ".part";
    std::ofstream out(part, std::ios::binary | std::ios::trunc);
    if (out) writeWebm(audio, video, *first, out, r, cancel);
    if (r.cancelled) {
      out.close();
      std::error_code ec;
      std::filesystem::remove(part, ec);
      cancelResult(r);
      return true;
    }
    finishFile(out, part, final, r);
    return true;
  };
  if (plan == VideoPlan::Passthrough) {
    VideoSelector video(raw, *epoch);
    const bool written = writeVideo(video);
    r.camera = video.cameraStats();
    r.screen = video.screenStats();
    if (written) return r;
  } else if (plan == VideoPlan::Composite) {
    std::vector<CompositeTrack> tracks;
    for (const auto& v : videoTracks)
      tracks.push_back({v.track, raw[trackIndex(v.track)], v.codec});
    CompositeVideo video(std::move(tracks), *epoch, options);
    const bool written = writeVideo(video);
    r.composite = written;
    r.tiles = video.tracks();
    r.compositeStats = video.stats();
    r.camera = video.trackStats({Participant::Visitor, Kind::Camera});
    r.screen = video.trackStats({Participant::Visitor, Kind::Screen});
    if (written) return r;
  }
  if (audio.empty()) {
    r.error = "no playable audio or video was recorded";
    return r;
  }
  if (cancelled(cancel)) return cancelResult(r);
  r.mediaType = "audio/ogg";
  const std::string final = outputBase + ".ogg", part = final + ".part";
  std::ofstream out(part, std::ios::binary | std::ios::trunc);
  if (out) writeOggOpus(audio, out, static_cast<std::uint32_t>(*epoch));
  r.durationMs = static_cast<double>(audio.packets.size() * 20) - kOpusPreSkip / 48.0;
  finishFile(out, part, final, r);
  return r;
}

}  // namespace

}  // namespace callpy::rtc::record
