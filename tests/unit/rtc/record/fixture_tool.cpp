// Feeds the real RTP of tests/fixtures/rtc_recording.bin through a RecordingWriter five times —
// the whole call (-> <out>/fixture-video.webm, every camera composed into one grid), the
// visitor's camera and every voice (-> fixture-visitor.webm, the VP8 passed through), the H.264
// camera alone with every voice (-> fixture-h264.webm), the same call with the operator's camera
// recorded as the visitor's screen share (-> fixture-screen.webm, the big tile) and the audio only
// (-> fixture-audio.ogg) — and prints one JSON line per result. Used by
// tests/integration/record_playback.test.mjs, which plays the files in Chromium.
#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <string>
#include <vector>

#include "fixture_support.h"
#include "rtc/record/recording_writer.h"

using namespace callpy::rtc::record;

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s FIXTURE OUTDIR\n", argv[0]);
    return 2;
  }
  const auto packets = testing::readFixture(argv[1]);
  if (packets.empty()) {
    std::fprintf(stderr, "cannot read %s\n", argv[1]);
    return 1;
  }
  std::mutex m;
  std::condition_variable cv;
  std::vector<RecordingResult> results;
  constexpr std::size_t kRuns = 5;
  {
    // The packets come all at once, not over the call's duration: room for all of them.
    RecordingWriter writer(RecordingWriter::Options{std::max<std::size_t>(4096, packets.size()),
                                                    std::chrono::milliseconds(20)});
    auto done = [&](const RecordingResult& r) {
      std::lock_guard lock(m);
      results.push_back(r);
      cv.notify_all();
    };
    auto video = writer.start(argv[2], "fixture-video", done);
    auto visitor = writer.start(argv[2], "fixture-visitor", done);
    auto h264 = writer.start(argv[2], "fixture-h264", done);
    auto screen = writer.start(argv[2], "fixture-screen", done);
    auto audio = writer.start(argv[2], "fixture-audio", done);
    constexpr Track kH264Camera{operatorVoice(1), Kind::Camera};
    constexpr Track kOperatorCamera{operatorVoice(0), Kind::Camera};
    for (const auto& p : packets) {
      const Track t = trackAt(p.track);
      video->packet(t, p.bytes.data(), p.bytes.size(), p.arrivalUs);
      if (t.kind == Kind::Audio || t.participant == Participant::Visitor) {
        visitor->packet(t, p.bytes.data(), p.bytes.size(), p.arrivalUs);
      }
      if (t.kind == Kind::Audio || t == kH264Camera) {
        h264->packet(t, p.bytes.data(), p.bytes.size(), p.arrivalUs);
      }
      if (t.kind == Kind::Audio || t == Track{Participant::Visitor, Kind::Camera} ||
          t == kH264Camera) {
        screen->packet(t, p.bytes.data(), p.bytes.size(), p.arrivalUs);
      }
      if (t == kOperatorCamera) {
        screen->packet({Participant::Visitor, Kind::Screen}, p.bytes.data(), p.bytes.size(),
                       p.arrivalUs);
      }
      if (t.kind == Kind::Audio) audio->packet(t, p.bytes.data(), p.bytes.size(), p.arrivalUs);
    }
    video->finish();
    visitor->finish();
    h264->finish();
    screen->finish();
    audio->finish();
    std::unique_lock lock(m);
    cv.wait_for(lock, std::chrono::seconds(120), [&] { return results.size() == kRuns; });
  }
  bool ok = results.size() == kRuns;
  for (const auto& r : results) {
    ok = ok && r.ok;
    std::printf(
        "{\"callId\":\"%s\",\"ok\":%s,\"path\":\"%s\",\"mediaType\":\"%s\",\"error\":\"%s\","
        "\"durationMs\":%.1f,\"packets\":%llu,\"dropped\":%llu,\"videoFrames\":%llu,"
        "\"width\":%d,\"height\":%d,\"channels\":%d,\"silence\":[%llu,%llu,%llu,%llu],"
        "\"composite\":%s,\"tiles\":%d,\"decoded\":%llu,\"decodeErrors\":%llu,"
        "\"convertMs\":%.1f,\"decodeMs\":%.1f,\"composeMs\":%.1f,\"encodeMs\":%.1f,"
        "\"encodedBytes\":%llu}\n",
        r.callId.c_str(), r.ok ? "true" : "false", r.path.c_str(), r.mediaType.c_str(),
        r.error.c_str(), r.durationMs, static_cast<unsigned long long>(r.packets),
        static_cast<unsigned long long>(r.dropped),
        static_cast<unsigned long long>(r.conversion.videoFrames), r.conversion.width,
        r.conversion.height, r.conversion.audioChannels,
        static_cast<unsigned long long>(r.conversion.audio.silence[0]),
        static_cast<unsigned long long>(r.conversion.audio.silence[1]),
        static_cast<unsigned long long>(r.conversion.audio.silence[2]),
        static_cast<unsigned long long>(r.conversion.audio.silence[3]),
        r.conversion.composite ? "true" : "false", r.conversion.tiles,
        static_cast<unsigned long long>(r.conversion.compositeStats.decoded),
        static_cast<unsigned long long>(r.conversion.compositeStats.decodeErrors),
        r.conversion.convertMs, r.conversion.compositeStats.decodeMs,
        r.conversion.compositeStats.composeMs, r.conversion.compositeStats.encodeMs,
        static_cast<unsigned long long>(r.conversion.compositeStats.encodedBytes));
  }
  return ok ? 0 : 1;
}
