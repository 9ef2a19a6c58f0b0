// Feeds the real RTP of tests/fixtures/rtc_recording.bin through a RecordingWriter twice — the
// whole call (-> <out>/fixture-video.webm) and its audio only (-> <out>/fixture-audio.ogg) — and
// prints one JSON line per result. Used by tests/integration/record_playback.test.mjs, which
// plays both files in Chromium.
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
  {
    RecordingWriter writer(RecordingWriter::Options{4096, std::chrono::milliseconds(20)});
    auto done = [&](const RecordingResult& r) {
      std::lock_guard lock(m);
      results.push_back(r);
      cv.notify_all();
    };
    auto video = writer.start(argv[2], "fixture-video", done);
    auto audio = writer.start(argv[2], "fixture-audio", done);
    for (const auto& p : packets) {
      const Track t = trackAt(p.track);
      video->packet(t, p.bytes.data(), p.bytes.size(), p.arrivalUs);
      if (t.kind == Kind::Audio) audio->packet(t, p.bytes.data(), p.bytes.size(), p.arrivalUs);
    }
    video->finish();
    audio->finish();
    std::unique_lock lock(m);
    cv.wait_for(lock, std::chrono::seconds(30), [&] { return results.size() == 2; });
  }
  bool ok = results.size() == 2;
  for (const auto& r : results) {
    ok = ok && r.ok;
    std::printf(
        "{\"callId\":\"%s\",\"ok\":%s,\"path\":\"%s\",\"mediaType\":\"%s\",\"error\":\"%s\","
        "\"durationMs\":%.1f,\"packets\":%llu,\"dropped\":%llu,\"videoFrames\":%llu,"
        "\"width\":%d,\"height\":%d,\"channels\":%d,\"silence\":[%llu,%llu,%llu,%llu]}\n",
        r.callId.c_str(), r.ok ? "true" : "false", r.path.c_str(), r.mediaType.c_str(),
        r.error.c_str(), r.durationMs, static_cast<unsigned long long>(r.packets),
        static_cast<unsigned long long>(r.dropped),
        static_cast<unsigned long long>(r.conversion.videoFrames), r.conversion.width,
        r.conversion.height, r.conversion.audioChannels,
        static_cast<unsigned long long>(r.conversion.audio.silence[0]),
        static_cast<unsigned long long>(r.conversion.audio.silence[1]),
        static_cast<unsigned long long>(r.conversion.audio.silence[2]),
        static_cast<unsigned long long>(r.conversion.audio.silence[3]));
  }
  return ok ? 0 : 1;
}
