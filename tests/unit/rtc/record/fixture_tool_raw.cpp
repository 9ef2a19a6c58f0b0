// rtc_record_fixture_tool --raw FIXTURE OUTDIR ID: the fixture's voices recorded as a daemon that
// stops during the call leaves them (issue 5, record/, "nothing lost"): a resumable recording
// whose writer stops before converting, so only "<ID>.<track>.rtp" stay in OUTDIR. Used by
// tests/integration/record_recovery.test.mjs, where the next daemon start converts them.
#include <algorithm>
#include <cstdio>
#include <string>

#include "fixture_support.h"
#include "rtc/record/recording_writer.h"

using namespace callpy::rtc::record;

int writeRawOnly(const char* fixture, const char* outDir, const char* id) {
  const auto packets = testing::readFixture(fixture);
  if (packets.empty()) {
    std::fprintf(stderr, "cannot read %s\n", fixture);
    return 1;
  }
  RecordingResult result;
  {
    RecordingWriter::Options options;
    options.ringSlots = std::max<std::size_t>(4096, packets.size());
    RecordingWriter writer(options);
    auto rec = writer.start(outDir, id, [&](const RecordingResult& r) { result = r; }, true);
    const RecordedCodec opus{111, "opus", 48000, 2, "minptime=10;useinbandfec=1"};
    for (std::size_t k = 0; k < kVoices; ++k)
      rec->setCodecs({k == 0 ? Participant::Visitor : operatorVoice(k - 1), Kind::Audio}, {opus});
    for (const auto& p : packets) {
      const Track t = trackAt(p.track);
      if (t.kind == Kind::Audio) rec->packet(t, p.bytes.data(), p.bytes.size(), p.arrivalUs);
    }
    // The writer stops with the recording still running, as at a daemon's shutdown.
  }
  std::printf("{\"callId\":\"%s\",\"deferred\":%s,\"packets\":%llu}\n", result.callId.c_str(),
              result.deferred ? "true" : "false", static_cast<unsigned long long>(result.packets));
  return result.deferred ? 0 : 1;
}
