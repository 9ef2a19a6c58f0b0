#include "rtc/record/recording_writer.h"

#include <gtest/gtest.h>
#include <sched.h>
#include <unistd.h>

#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>

#include "fixture_support.h"
#include "rtc/record/raw_file.h"
#include "rtc/record/thread_priority.h"
#include "test_packets.h"
#include "writer_results.h"

namespace callpy::rtc::record {
namespace {

namespace fs = std::filesystem;
using testing::Bytes;
using testing::rtpPacket;

constexpr Track kVisitorAudio{Participant::Visitor, Kind::Audio};
constexpr Track kOperatorAudio{Participant::Operator, Kind::Audio};

class TempDir {
 public:
  TempDir() {
    path_ = fs::temp_directory_path() / ("callpy-record-test-" + std::to_string(::getpid()) + "-" +
                                         std::to_string(counter_++));
    fs::remove_all(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string str() const { return path_.string(); }
  std::vector<std::string> files() const {
    std::vector<std::string> out;
    if (fs::exists(path_)) {
      for (const auto& e : fs::directory_iterator(path_)) out.push_back(e.path().filename().string());
    }
    std::sort(out.begin(), out.end());
    return out;
  }

 private:
  static inline int counter_ = 0;
  fs::path path_;
};

using Results = testing::WriterResults;

Bytes opus(std::uint16_t seq, std::uint32_t ssrc) {
  return rtpPacket(111, seq, seq * 960u, ssrc, {0x78, static_cast<std::uint8_t>(seq)});
}

TEST(RecordingWriter, StoresPacketsAndMakesAnOggFile) {
  TempDir dir;
  Results results;
  {
    RecordingWriter writer;
    auto rec = writer.start(dir.str(), "call-1", results.callback());
    for (std::uint16_t i = 0; i < 50; ++i) {
      const Bytes v = opus(i, 1), o = opus(i, 2);
      rec->packet(kVisitorAudio, v.data(), v.size(), 1'000'000 + i * 20'000ull);
      rec->packet(kOperatorAudio, o.data(), o.size(), 1'001'000 + i * 20'000ull);
    }
    // While the call runs, the writer thread fills one raw file per track.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (dir.files().size() < 2 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    EXPECT_EQ(dir.files(), (std::vector<std::string>{"call-1.operator-audio.rtp",
                                                      "call-1.visitor-audio.rtp"}));
    rec->finish();
    rec->finish();  // idempotent
    const Bytes late = opus(99, 1);
    rec->packet(kVisitorAudio, late.data(), late.size(), 3'000'000);
    const auto r = results.wait();
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->ok) << r->error;
    EXPECT_EQ(r->callId, "call-1");
    EXPECT_EQ(r->mediaType, "audio/ogg");
    EXPECT_EQ(r->path, (fs::path(dir.str()) / "call-1.ogg").string());
    EXPECT_EQ(r->packets, 100u);
    EXPECT_EQ(r->dropped, 1u);  // the one after finish()
    EXPECT_EQ(r->conversion.audio.packets[0], 50u);
    EXPECT_EQ(r->conversion.audio.packets[1], 50u);
  }
  // Raw files are deleted; only the playable file stays.
  EXPECT_EQ(dir.files(), std::vector<std::string>{"call-1.ogg"});
  std::ifstream ogg((fs::path(dir.str()) / "call-1.ogg").string(), std::ios::binary);
  std::string magic(4, '\0');
  ogg.read(magic.data(), 4);
  EXPECT_EQ(magic, "OggS");
}

TEST(RecordingWriter, TheIdleWriterSleepsUntilARecordingStarts) {
  TempDir dir;
  Results results;
  RecordingWriter writer;  // drains every 20 ms while recording
  // Nothing records: the writer thread must not wake (it used to poll every 20 ms). Watching
  // for an absence needs a wait; 200 ms would have been ten wakeups.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(writer.writerPasses(), 0u);
  // start() wakes it: packets reach their raw file promptly.
  auto rec = writer.start(dir.str(), "wake", results.callback());
  const Bytes v = opus(1, 1);
  rec->packet(kVisitorAudio, v.data(), v.size(), 1'000'000);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (dir.files().empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  EXPECT_EQ(dir.files(), std::vector<std::string>{"wake.visitor-audio.rtp"});
  rec->finish();
  const auto r = results.wait();
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->ok) << r->error;
  EXPECT_EQ(r->packets, 1u);
  // Idle again after the recording: the pass count stops growing.
  const auto passes = writer.writerPasses();
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_LE(writer.writerPasses(), passes + 1);
}

TEST(RecordingWriter, AFullRingDropsAndCountsWithoutBlocking) {
  TempDir dir;
  Results results;
  // A drain interval far longer than the test: nothing is drained before finish().
  RecordingWriter writer(RecordingWriter::Options{8, std::chrono::hours(1)});
  auto rec = writer.start(dir.str(), "full", results.callback());
  for (std::uint16_t i = 0; i < 20; ++i) {
    const Bytes v = opus(i, 1);
    rec->packet(kVisitorAudio, v.data(), v.size(), i * 20'000ull);
  }
  const Bytes huge(kMaxRtpPacket + 1, 0x80);
  rec->packet(kVisitorAudio, huge.data(), huge.size(), 0);
  EXPECT_EQ(rec->packets(), 8u);
  EXPECT_EQ(rec->dropped(), 13u);
  rec->finish();
  const auto r = results.wait();
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->ok) << r->error;
  EXPECT_EQ(r->conversion.audio.packets[0], 8u);  // the first eight made it to the file
  EXPECT_EQ(r->dropped, 13u);
}

TEST(RecordingWriter, RejectsUnsafeCallIdsAndReportsEmptyRecordings) {
  TempDir dir;
  Results results;
  RecordingWriter writer;
  EXPECT_THROW(writer.start(dir.str(), "../evil", results.callback()), std::invalid_argument);
  EXPECT_THROW(writer.start(dir.str(), "", results.callback()), std::invalid_argument);
  EXPECT_THROW(writer.start("", "ok", results.callback()), std::invalid_argument);
  auto rec = writer.start(dir.str(), "empty", results.callback());
  rec->finish();
  const auto r = results.wait();
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->ok);
  EXPECT_EQ(r->error, "nothing was recorded");
}

TEST(RecordingWriter, DestructionFinishesRunningRecordings) {
  TempDir dir;
  Results results;
  {
    RecordingWriter writer;
    auto rec = writer.start(dir.str(), "shutdown", results.callback());
    const Bytes v = opus(1, 1);
    rec->packet(kVisitorAudio, v.data(), v.size(), 5);
  }
  ASSERT_EQ(results.all.size(), 1u);
  EXPECT_TRUE(results.all[0].ok) << results.all[0].error;
}

// Live calls first: the converter thread runs at SCHED_IDLE, and so does every thread it starts
// (libvpx's encoder workers), while the threads that record (and the rest of the process) keep
// their priority.
TEST(RecordingWriter, TheConverterThreadRunsAtIdlePriority) {
  TempDir dir;
  const ThreadPriority before = currentThreadPriority();
  ASSERT_EQ(before.policy, SCHED_OTHER);
  std::mutex m;
  std::condition_variable cv;
  std::optional<ThreadPriority> converter, child;
  std::optional<int> procPolicy;
  {
    RecordingWriter writer;
    auto rec = writer.start(dir.str(), "idle", [&](const RecordingResult&) {
      // The completion callback runs on the converter thread, right after the conversion.
      ThreadPriority mine = currentThreadPriority();
      // The kernel's view too: field 41 of /proc/self/task/<tid>/stat is the policy.
      std::ifstream stat("/proc/self/task/" + std::to_string(::gettid()) + "/stat");
      std::string line;
      std::getline(stat, line);
      std::istringstream fields(line.substr(line.rfind(')') + 2));  // after "pid (comm) "
      std::string field;
      for (int i = 3; i <= 41 && fields >> field; ++i) {
        if (i == 41) procPolicy = std::stoi(field);
      }
      ThreadPriority inherited;
      std::thread([&] { inherited = currentThreadPriority(); }).join();
      std::lock_guard lock(m);
      converter = mine;
      child = inherited;
      cv.notify_all();
    });
    const Bytes v = opus(1, 1);
    rec->packet(kVisitorAudio, v.data(), v.size(), 1'000'000);
    rec->finish();
    std::unique_lock lock(m);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(20), [&] { return converter.has_value(); }));
  }
  EXPECT_EQ(converter->policy, SCHED_IDLE);
  EXPECT_EQ(procPolicy, SCHED_IDLE);
  EXPECT_EQ(child->policy, SCHED_IDLE);
  // Only that thread: this one (and with it the media threads of a daemon) is unchanged.
  EXPECT_EQ(currentThreadPriority().policy, SCHED_OTHER);
  EXPECT_EQ(currentThreadPriority().nice, before.nice);
}

// Real Opus, VP8 and H.264 RTP (tests/fixtures/make_rtc_recording.py): the visitor's camera and
// voice, the operator's camera and voice from 0.5 s on with every 25th audio packet lost, a second
// operator's voice and H.264 camera 1.0-2.2 s. Every camera is in the video (composed).
TEST(RecordingWriter, RealCallBecomesAWebm) {
  const auto packets = testing::readFixture(std::string(CALLPY_SOURCE_DIR) +
                                            "/tests/fixtures/rtc_recording.bin");
  ASSERT_GT(packets.size(), 300u);
  TempDir dir;
  Results results;
  RecordingWriter writer(RecordingWriter::Options{4096, std::chrono::milliseconds(20)});
  auto rec = writer.start(dir.str(), "real", results.callback());
  for (const auto& p : packets) rec->packet(trackAt(p.track), p.bytes.data(), p.bytes.size(), p.arrivalUs);
  rec->finish();
  const auto r = results.wait();
  ASSERT_TRUE(r);
  ASSERT_TRUE(r->ok) << r->error;
  EXPECT_EQ(r->mediaType, "video/webm");
  EXPECT_TRUE(r->conversion.composite);
  EXPECT_EQ(r->conversion.tiles, 3);
  EXPECT_EQ(r->conversion.width, 1280);
  EXPECT_EQ(r->conversion.height, 720);
  EXPECT_EQ(r->conversion.videoFrames, 75u);  // 3 s at 25 fps
  EXPECT_EQ(r->conversion.camera.dropped, 0u);
  EXPECT_EQ(r->conversion.compositeStats.decoded, 45u + 37u + 18u);  // every camera frame
  EXPECT_EQ(r->conversion.compositeStats.decodeErrors, 0u);
  EXPECT_EQ(r->conversion.audio.packets[0], 150u);
  EXPECT_EQ(r->conversion.audio.packets[1], 120u);
  EXPECT_EQ(r->conversion.audio.silence[1], 30u);  // 25 slots before joining + 5 lost
  // The second operator (1.0-2.2 s) has a channel of their own, silent outside that stretch.
  EXPECT_EQ(r->conversion.audioChannels, 4);  // quad: the 4th channel stays silent
  EXPECT_EQ(r->conversion.audio.silence[3], 150u);
  EXPECT_EQ(r->conversion.audio.packets[2], 60u);
  EXPECT_EQ(r->conversion.audio.silence[2], 90u);  // 50 slots before joining + 40 after leaving
  EXPECT_NEAR(r->durationMs, 3000, 40);
  // The raw files go right after the callback (it stores the result first: a crash before that
  // converts them again at the next start).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (dir.files().size() > 1 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(dir.files(), std::vector<std::string>{"real.webm"});
}

}  // namespace
}  // namespace callpy::rtc::record
