// A recording survives a daemon stop (issue 5, record/, "nothing lost"): a stopping writer
// leaves a resumable recording's raw files and sidecar instead of converting them, and
// convertExisting() converts them at the next start.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <sstream>

#include "rtc/record/recording_writer.h"
#include "test_packets.h"

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

struct Results {
  std::mutex m;
  std::condition_variable cv;
  std::vector<RecordingResult> all;
  std::vector<std::vector<std::string>> filesSeen;  // the directory while each callback ran
  RecordingDone callback(const Dir& dir) {
    return [this, &dir](const RecordingResult& r) {
      std::lock_guard lock(m);
      all.push_back(r);
      filesSeen.push_back(dir.files());
      cv.notify_all();
    };
  }
  std::optional<RecordingResult> wait() {
    std::unique_lock lock(m);
    if (!cv.wait_for(lock, std::chrono::seconds(20), [&] { return !all.empty(); })) return {};
    return all.back();
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

}  // namespace
}  // namespace callpy::rtc::record
