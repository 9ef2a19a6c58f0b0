// A recording survives a daemon stop (issue 5, record/, "nothing lost"): a stopping writer
// leaves a resumable recording's raw files and sidecar instead of converting them, and
// convertExisting() converts them at the next start.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <memory>
#include <optional>
#include <sstream>
#include <thread>

#include "fixture_support.h"
#include "rtc/record/raw_file.h"
#include "rtc/record/recording_writer.h"
#include "test_packets.h"
#include "writer_results.h"

namespace callpy::rtc::record {
namespace {

namespace fs = std::filesystem;
using testing::Bytes;
using testing::rtpPacket;

constexpr Track kVisitorAudio{Participant::Visitor, Kind::Audio};
constexpr Track kOperatorAudio{Participant::Operator, Kind::Audio};

struct Dir {
  fs::path path = fs::temp_directory_path() /
                  ("callpy-resume-test-" + std::to_string(::getpid()) + "-" +
                   ::testing::UnitTest::GetInstance()->current_test_info()->name());
  Dir() {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~Dir() { fs::remove_all(path); }
  std::string str() const { return path.string(); }
  std::vector<std::string> files() const {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(path)) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
  }
  void write(const std::string& name, const std::string& bytes) const {
    std::ofstream(path / name, std::ios::binary) << bytes;
  }
  std::string read(const std::string& name) const {
    std::ifstream in(path / name, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }
};

// Also keeps the directory's listing as each callback saw it.
struct Results : testing::WriterResults {
  std::vector<std::vector<std::string>> filesSeen;
  RecordingDone callback(const Dir& dir) {
    onEach = [this, &dir] { filesSeen.push_back(dir.files()); };
    return WriterResults::callback();
  }
};

Bytes opus(std::uint16_t seq, std::uint32_t ssrc) {
  return rtpPacket(111, seq, seq * 960u, ssrc, {0x78, static_cast<std::uint8_t>(seq)});
}

// Records 50 packets of two voices as "<id>" and stops the writer while the recording runs.
void recordAndStop(const Dir& dir, Results& results, const std::string& id) {
  RecordingWriter writer;
  dir.write(id + ".json", "{\"sidecar\":true}");  // the caller's sidecar (recording_sidecar.h)
  auto rec = writer.start(dir.str(), id, results.callback(dir), true);
  for (std::uint16_t i = 0; i < 50; ++i) {
    const Bytes v = opus(i, 1), o = opus(i, 2);
    rec->packet(kVisitorAudio, v.data(), v.size(), 1'000'000 + i * 20'000ull);
    rec->packet(kOperatorAudio, o.data(), o.size(), 1'001'000 + i * 20'000ull);
  }
}

TEST(RecordingResume, AStoppingWriterKeepsAResumableRecordingsRawFiles) {
  Dir dir;
  Results results;
  recordAndStop(dir, results, "call-1");
  // The destructor returned: the callback ran (deferred), nothing was converted or removed, and
  // the last packets were flushed to the raw files.
  ASSERT_EQ(results.all.size(), 1u);
  EXPECT_TRUE(results.all[0].deferred);
  EXPECT_FALSE(results.all[0].ok);
  EXPECT_EQ(dir.files(), (std::vector<std::string>{"call-1.json", "call-1.operator-audio.rtp",
                                                    "call-1.visitor-audio.rtp"}));
  const auto raw = RecordingWriter::rawFiles(dir.str(), "call-1");
  EXPECT_FALSE(raw[trackIndex(kVisitorAudio)].empty());
  EXPECT_FALSE(raw[trackIndex(kOperatorAudio)].empty());
  EXPECT_EQ(std::count_if(raw.begin(), raw.end(), [](const auto& p) { return !p.empty(); }), 2);
}

TEST(RecordingResume, ConvertExistingConvertsLeftFilesAndReplacesAPartialOutput) {
  Dir dir;
  Results stopped;
  recordAndStop(dir, stopped, "call-2");
  // A conversion killed half-way left its temporary output, and an older run a finished one.
  const std::string junk(200'000, 'J');
  dir.write("call-2.ogg.part", junk);
  dir.write("call-2.ogg", junk);
  Results results;
  {
    RecordingWriter writer;
    ASSERT_TRUE(writer.convertExisting(dir.str(), "call-2", results.callback(dir)));
    const auto r = results.wait();
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->ok) << r->error;
    EXPECT_FALSE(r->deferred);
    EXPECT_EQ(r->callId, "call-2");
    EXPECT_EQ(r->mediaType, "audio/ogg");
    EXPECT_EQ(r->conversion.audio.packets[0], 50u);
    EXPECT_EQ(r->conversion.audio.packets[1], 50u);
  }
  // While the callback stored the result, the raw files and the sidecar were still there (a
  // crash then converts again); afterwards only the playable file is left.
  ASSERT_EQ(results.filesSeen.size(), 1u);
  EXPECT_EQ(results.filesSeen[0], (std::vector<std::string>{"call-2.json", "call-2.ogg",
                                                             "call-2.operator-audio.rtp",
                                                             "call-2.visitor-audio.rtp"}));
  EXPECT_EQ(dir.files(), std::vector<std::string>{"call-2.ogg"});
  const auto ogg = dir.read("call-2.ogg");
  EXPECT_EQ(ogg.substr(0, 4), "OggS");
  EXPECT_EQ(ogg.find("JJJJ"), std::string::npos);
}

TEST(RecordingResume, AfterBeginShutdownAFinishedRecordingIsNotConverted) {
  // The daemon's drain ends the calls (and so their recordings) before it destroys the writer:
  // those must not start a conversion either.
  Dir dir;
  Results results;
  RecordingWriter writer;
  dir.write("ended-1.json", "{}");
  auto rec = writer.start(dir.str(), "ended-1", results.callback(dir), true);
  const Bytes v = opus(1, 1);
  rec->packet(kVisitorAudio, v.data(), v.size(), 5);
  writer.beginShutdown();
  rec->finish();
  const auto r = results.wait();
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->deferred);
  EXPECT_EQ(dir.files(), (std::vector<std::string>{"ended-1.json", "ended-1.visitor-audio.rtp"}));
}

TEST(RecordingResume, ConvertExistingNeedsRawFilesAndASafeId) {
  Dir dir;
  Results results;
  RecordingWriter writer;
  EXPECT_FALSE(writer.convertExisting(dir.str(), "nothing-here", results.callback(dir)));
  EXPECT_THROW(writer.convertExisting(dir.str(), "../etc", results.callback(dir)),
               std::invalid_argument);
  EXPECT_THROW(writer.convertExisting("", "x", results.callback(dir)), std::invalid_argument);
  EXPECT_EQ(RecordingWriter::sidecarPath("/d", "c-1"), "/d/c-1.json");
}

TEST(RecordingResume, ANonResumableRecordingIsStillConvertedAtShutdown) {
  Dir dir;
  Results results;
  {
    RecordingWriter writer;
    auto rec = writer.start(dir.str(), "plain", results.callback(dir));
    const Bytes v = opus(1, 1);
    rec->packet(kVisitorAudio, v.data(), v.size(), 5);
  }
  ASSERT_EQ(results.all.size(), 1u);
  EXPECT_TRUE(results.all[0].ok) << results.all[0].error;
  EXPECT_FALSE(results.all[0].deferred);
  EXPECT_EQ(dir.files(), std::vector<std::string>{"plain.ogg"});
}


// The fixture's every track (Opus voices, VP8 and H.264 cameras: a composite) repeated `times`
// times one after the other (arrival, RTP sequence and timestamp shifted), as the raw files of
// recording `id`: a conversion that takes seconds even at the test's small scale.
void writeLongRecording(const Dir& dir, const std::string& id, int times) {
  const auto packets = testing::readFixture(testing::fixturePath());
  ASSERT_FALSE(packets.empty());
  std::uint64_t first = packets.front().arrivalUs, last = first;
  for (const auto& p : packets) {
    first = std::min(first, p.arrivalUs);
    last = std::max(last, p.arrivalUs);
  }
  const std::uint64_t spanUs = last - first + 100'000;
  std::FILE* files[kTracks] = {};
  for (int k = 0; k < times; ++k) {
    for (const auto& p : packets) {
      if (p.track >= kTracks || p.bytes.size() < 12) continue;
      std::FILE*& f = files[p.track];
      if (!f) {
        const auto path = dir.path / (id + "." + std::string(trackName(trackAt(p.track))) + ".rtp");
        f = std::fopen(path.c_str(), "wb");
        ASSERT_TRUE(f);
        ASSERT_TRUE(writeRawHeader(f));
      }
      auto bytes = p.bytes;
      const bool audio = trackAt(p.track).kind == Kind::Audio;
      const std::uint16_t seq = static_cast<std::uint16_t>(((bytes[2] << 8) | bytes[3]) + k * 4000);
      std::uint32_t ts = (std::uint32_t{bytes[4]} << 24) | (bytes[5] << 16) | (bytes[6] << 8) | bytes[7];
      ts += static_cast<std::uint32_t>(k * (spanUs / 1000) * (audio ? 48 : 90));
      bytes[2] = seq >> 8, bytes[3] = seq & 0xff;
      for (int b = 0; b < 4; ++b) bytes[4 + b] = static_cast<std::uint8_t>(ts >> (24 - 8 * b));
      ASSERT_TRUE(writeRawRecord(f, p.arrivalUs + k * spanUs, bytes.data(), bytes.size()));
    }
  }
  for (std::FILE* f : files) {
    if (f) std::fclose(f);
  }
}

RecordingWriter::Options longOptions() {
  RecordingWriter::Options o;
  o.video.width = 1280;
  o.video.height = 720;
  return o;
}

TEST(RecordingResume, BeginShutdownCancelsARunningConversionOfAResumableRecording) {
  using Clock = std::chrono::steady_clock;
  // The full conversion, measured: what a stop would have waited for before. Made longer until
  // it takes seconds, whatever the build (sanitizers or not) and the machine.
  int times = 16;
  double fullMs = 0;
  for (;; times *= 2) {
    Dir full;
    writeLongRecording(full, "long", times);
    Results fullResults;
    RecordingWriter writer(longOptions());
    const auto t0 = Clock::now();
    ASSERT_TRUE(writer.convertExisting(full.str(), "long", fullResults.callback(full)));
    std::unique_lock lock(fullResults.m);
    ASSERT_TRUE(fullResults.cv.wait_for(lock, std::chrono::minutes(5),
                                        [&] { return !fullResults.all.empty(); }));
    fullMs = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    ASSERT_TRUE(fullResults.all[0].ok) << fullResults.all[0].error;
    EXPECT_EQ(fullResults.all[0].mediaType, "video/webm");
    EXPECT_TRUE(fullResults.all[0].conversion.composite);
    if (fullMs > 3000 || times >= 256) break;
  }
  // Otherwise the comparison below says nothing.
  ASSERT_GT(fullMs, 3000.0) << "the fixture conversion is too short to test cancelling";

  Dir dir;
  writeLongRecording(dir, "long", times);
  dir.write("long.json", "{\"sidecar\":true}");
  const auto before = dir.files();
  Results results;
  auto writer = std::make_unique<RecordingWriter>(longOptions());
  ASSERT_TRUE(writer->convertExisting(dir.str(), "long", results.callback(dir)));
  // Mid-way: the output has been growing for a while.
  const auto part = dir.path / "long.webm.part";
  const auto deadline = Clock::now() + std::chrono::minutes(2);
  std::error_code ec;
  while (!(fs::exists(part, ec) && fs::file_size(part, ec) > 20'000) && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // a poll, bounded by the deadline
  }
  ASSERT_TRUE(fs::exists(part, ec)) << "the conversion never started writing";
  ASSERT_TRUE(results.all.empty()) << "the conversion ended before it could be cancelled";
  const auto t0 = Clock::now();
  writer->beginShutdown();
  writer.reset();
  const double stopMs = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
  EXPECT_LT(stopMs, 2000.0) << "the full conversion took " << fullMs << " ms";
  EXPECT_LT(stopMs, fullMs / 2) << "the full conversion took " << fullMs << " ms";
  // Reported like a queued one at shutdown; the raw files and the sidecar stay, no output.
  ASSERT_EQ(results.all.size(), 1u);
  EXPECT_TRUE(results.all[0].deferred);
  EXPECT_FALSE(results.all[0].ok);
  EXPECT_TRUE(results.all[0].conversion.cancelled);
  EXPECT_EQ(dir.files(), before);
}

TEST(RecordingResume, CancelLeavesNoOutputAndSparesANonResumableConversion) {
  // Without a sidecar nothing could convert it later: a stop still waits for it.
  Dir dir;
  writeLongRecording(dir, "plain", 1);
  const auto raw = RecordingWriter::rawFiles(dir.str(), "plain");
  std::atomic<bool> cancel{true};
  const auto r = convertRecording(raw, (dir.path / "plain").string(), longOptions().video, &cancel);
  EXPECT_TRUE(r.cancelled);
  EXPECT_FALSE(r.ok);
  EXPECT_FALSE(fs::exists(dir.path / "plain.webm"));
  EXPECT_FALSE(fs::exists(dir.path / "plain.webm.part"));
  Results results;
  {
    RecordingWriter writer(longOptions());
    auto rec = writer.start(dir.str(), "plain-live", results.callback(dir));  // not resumable
    const Bytes v = opus(1, 1);
    rec->packet(kVisitorAudio, v.data(), v.size(), 5);
    writer.beginShutdown();
  }
  ASSERT_EQ(results.all.size(), 1u);
  EXPECT_TRUE(results.all[0].ok) << results.all[0].error;
  EXPECT_FALSE(results.all[0].conversion.cancelled);
}

}  // namespace
}  // namespace callpy::rtc::record
