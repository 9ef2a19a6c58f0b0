// Feeds the real RTP of tests/fixtures/rtc_recording.bin through a RecordingWriter five times —
// the whole call (-> <out>/fixture-video.webm, every camera composed into one grid), the
// visitor's camera and every voice (-> fixture-visitor.webm, the VP8 passed through), the H.264
// camera alone with every voice (-> fixture-h264.webm), the same call with the operator's camera
// recorded as the visitor's screen share (-> fixture-screen.webm, the big tile) and the audio only
// (-> fixture-audio.ogg) — and prints one JSON line per result. Used by
// tests/integration/record_playback.test.mjs, which plays the files in Chromium.
// Every track's negotiated payload types are given to the recordings as a call leg does
// (Recording::setCodecs), so the raw files are v2 with a codec map. In the whole call the
// visitor's camera changes payload type half-way (96 -> 98, as a move to another device may), so
// the converter meets a codec record in the middle of a file. A sixth run (-> fixture-
// misnegotiated.webm) is the whole call with the second operator's camera negotiated as VP8 only:
// its H.264 packets (payload type 102) must be left out, not decoded.
#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <string>
#include <vector>

#include "fixture_support.h"
#include "rtc/record/recording_writer.h"

using namespace callpy::rtc::record;

int writeRawOnly(const char* fixture, const char* outDir, const char* id);  // fixture_tool_raw.cpp

int main(int argc, char** argv) {
  if (argc == 5 && std::string(argv[1]) == "--raw") return writeRawOnly(argv[2], argv[3], argv[4]);
  // Optional: the composed video's size and encoder threads (rtc.recording), as the daemon
  // would be configured; for measuring the conversion with them (make_rtc_recording.py --bench).
  RecordingWriter::Options options;
  if (argc < 3 || argc > 5 ||
      (argc >= 4 &&
       std::sscanf(argv[3], "%dx%d", &options.video.width, &options.video.height) != 2) ||
      (argc == 5 && std::sscanf(argv[4], "%d", &options.video.encoderThreads) != 1)) {
    std::fprintf(stderr, "usage: %s FIXTURE OUTDIR [WIDTHxHEIGHT [ENCODER_THREADS]]\n", argv[0]);
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
  constexpr std::size_t kRuns = 6;
  {
    // The packets come all at once, not over the call's duration: room for all of them.
    options.ringSlots = std::max<std::size_t>(4096, packets.size());
    RecordingWriter writer(options);
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
    auto wrong = writer.start(argv[2], "fixture-misnegotiated", done);
    constexpr Track kH264Camera{operatorVoice(1), Kind::Camera};
    constexpr Track kOperatorCamera{operatorVoice(0), Kind::Camera};
    constexpr Track kVisitorCamera{Participant::Visitor, Kind::Camera};
    // What the fixture's senders negotiated (make_rtc_recording.py: Opus 111, VP8 96, H.264 102).
    const RecordedCodec opus{111, "opus", 48000, 2, "minptime=10;useinbandfec=1"};
    const RecordedCodec vp8{96, "VP8", 90000, 0, ""};
    const RecordedCodec vp8Moved{98, "VP8", 90000, 0, ""};
    const RecordedCodec avc{
        102, "H264", 90000, 0,
        "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f"};
    for (auto* r :
         {video.get(), visitor.get(), h264.get(), screen.get(), audio.get(), wrong.get()}) {
      for (std::size_t k = 0; k < kVoices; ++k) {
        const auto who = k == 0 ? Participant::Visitor : operatorVoice(k - 1);
        r->setCodecs({who, Kind::Audio}, {opus});
        r->setCodecs({who, Kind::Camera}, {who == kH264Camera.participant ? avc : vp8});
        r->setCodecs({who, Kind::Screen}, {vp8});
      }
    }
    wrong->setCodecs(kH264Camera, {vp8});
    // The visitor's camera takes payload type 98 from 1.5 s after its first packet on (whole call).
    std::uint64_t cameraStart = 0;
    bool moved = false;
    std::vector<std::uint8_t> copy;
    for (const auto& p : packets) {
      const Track t = trackAt(p.track);
      wrong->packet(t, p.bytes.data(), p.bytes.size(), p.arrivalUs);
      if (t == kVisitorCamera && cameraStart == 0) cameraStart = p.arrivalUs;
      if (t == kVisitorCamera && p.arrivalUs >= cameraStart + 1'500'000 && p.bytes.size() > 1) {
        if (!moved) video->setCodecs(kVisitorCamera, {vp8Moved});
        moved = true;
        copy = p.bytes;
        copy[1] = static_cast<std::uint8_t>((copy[1] & 0x80) | vp8Moved.payloadType);
        video->packet(t, copy.data(), copy.size(), p.arrivalUs);
      } else {
        video->packet(t, p.bytes.data(), p.bytes.size(), p.arrivalUs);
      }
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
    wrong->finish();
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
        "\"encodedBytes\":%llu,\"negotiated\":%s,\"skipped\":%llu}\n",
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
        static_cast<unsigned long long>(r.conversion.compositeStats.encodedBytes),
        r.conversion.negotiatedCodecs ? "true" : "false",
        static_cast<unsigned long long>(r.conversion.skippedPackets));
  }
  return ok ? 0 : 1;
}
