#pragma once
// A WebM (Matroska subset) writer, enough for a recording: the EBML header, one Segment with a
// SeekHead, Info (1 ms timestamps, Duration), Tracks (V_VP8 and/or A_OPUS), Clusters of
// SimpleBlocks and Cues. Sizes and positions that are only known at the end (Segment size,
// Duration, the SeekHead's Cues position) are written as fixed-width placeholders and patched,
// so the output stream must be seekable.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <ostream>
#include <span>
#include <vector>

namespace callpy::rtc::record::ebml {

// Element IDs used here (with their length marker bits, as they appear in the file).
inline constexpr std::uint32_t kEbml = 0x1A45DFA3, kEbmlVersion = 0x4286,
                               kEbmlReadVersion = 0x42F7, kEbmlMaxIdLength = 0x42F2,
                               kEbmlMaxSizeLength = 0x42F3, kDocType = 0x4282,
                               kDocTypeVersion = 0x4287, kDocTypeReadVersion = 0x4285;
inline constexpr std::uint32_t kSegment = 0x18538067, kSeekHead = 0x114D9B74, kSeek = 0x4DBB,
                               kSeekId = 0x53AB, kSeekPosition = 0x53AC, kInfo = 0x1549A966,
                               kTimestampScale = 0x2AD7B1, kDuration = 0x4489,
                               kMuxingApp = 0x4D80, kWritingApp = 0x5741;
inline constexpr std::uint32_t kTracks = 0x1654AE6B, kTrackEntry = 0xAE, kTrackNumber = 0xD7,
                               kTrackUid = 0x73C5, kTrackType = 0x83, kFlagLacing = 0x9C,
                               kCodecId = 0x86, kCodecPrivate = 0x63A2, kCodecDelay = 0x56AA,
                               kSeekPreRoll = 0x56BB, kVideo = 0xE0, kPixelWidth = 0xB0,
                               kPixelHeight = 0xBA, kAudio = 0xE1, kSamplingFrequency = 0xB5,
                               kChannels = 0x9F;
inline constexpr std::uint32_t kCluster = 0x1F43B675, kTimestamp = 0xE7, kSimpleBlock = 0xA3,
                               kCues = 0x1C53BB6B, kCuePoint = 0xBB, kCueTime = 0xB3,
                               kCueTrackPositions = 0xB7, kCueTrack = 0xF7,
                               kCueClusterPosition = 0xF1;

using Buffer = std::vector<std::uint8_t>;
void putId(Buffer& b, std::uint32_t id);
// Data size as an EBML variable-length integer; `width` 0 = shortest, else exactly `width` bytes.
void putSize(Buffer& b, std::uint64_t size, int width = 0);
void putUint(Buffer& b, std::uint32_t id, std::uint64_t value, int width = 0);
void putFloat(Buffer& b, std::uint32_t id, double value);
void putBytes(Buffer& b, std::uint32_t id, std::span<const std::uint8_t> data);
void putString(Buffer& b, std::uint32_t id, const char* text);
void putMaster(Buffer& b, std::uint32_t id, const Buffer& children);

}  // namespace callpy::rtc::record::ebml

namespace callpy::rtc::record {

struct WebmVideoTrack {
  int width = 0, height = 0;
};
struct WebmAudioTrack {
  std::vector<std::uint8_t> codecPrivate;  // OpusHead
  int channels = 2;
  double sampleRate = 48000;
  std::uint64_t codecDelayNs = 0;
  std::uint64_t seekPreRollNs = 80'000'000;
};

class WebmWriter {
 public:
  explicit WebmWriter(std::ostream& out) : out_(out) {}

  // Writes everything up to the first Cluster. Video is track 1 when present, audio follows.
  void begin(const std::optional<WebmVideoTrack>& video, const std::optional<WebmAudioTrack>& audio);
  std::uint64_t videoTrack() const { return videoTrack_; }  // 0 = none
  std::uint64_t audioTrack() const { return audioTrack_; }

  // Blocks must come in non-decreasing time (ms) across tracks.
  void addBlock(std::uint64_t track, std::int64_t timeMs, bool keyframe,
                std::span<const std::uint8_t> data);
  // Closes the last Cluster, writes Cues and patches sizes, Duration and the SeekHead.
  void finish(double durationMs);

 private:
  void closeCluster();
  std::uint64_t segmentOffset() const;
  void writeSeekHead(std::uint64_t infoPos, std::uint64_t tracksPos, std::uint64_t cuesPos);

  std::ostream& out_;
  std::uint64_t videoTrack_ = 0, audioTrack_ = 0;
  std::streamoff segmentSizeAt_ = 0, segmentDataAt_ = 0, seekHeadAt_ = 0, durationAt_ = 0;
  std::uint64_t infoPos_ = 0, tracksPos_ = 0;
  ebml::Buffer cluster_;
  bool clusterOpen_ = false;
  std::int64_t clusterTime_ = 0;
  struct Cue {
    std::int64_t timeMs;
    std::uint64_t track;
    std::uint64_t clusterPos;
  };
  std::vector<Cue> cues_;
  std::optional<Cue> pendingCue_;
};

}  // namespace callpy::rtc::record
