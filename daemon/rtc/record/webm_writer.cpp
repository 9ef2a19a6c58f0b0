#include "rtc/record/webm_writer.h"

#include <bit>
#include <cstring>

namespace callpy::rtc::record {

namespace ebml {

void putId(Buffer& b, std::uint32_t id) {
  int bytes = id > 0xFFFFFF ? 4 : id > 0xFFFF ? 3 : id > 0xFF ? 2 : 1;
  for (int i = bytes - 1; i >= 0; --i) b.push_back(static_cast<std::uint8_t>(id >> (8 * i)));
}

void putSize(Buffer& b, std::uint64_t size, int width) {
  if (width == 0) {
    width = 1;
    // 2^(7w) - 1 is reserved (unknown size), so a value must stay below it.
    while (width < 8 && size >= (std::uint64_t{1} << (7 * width)) - 1) ++width;
  }
  const std::uint64_t v = size | (std::uint64_t{1} << (7 * width));
  for (int i = width - 1; i >= 0; --i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

void putUint(Buffer& b, std::uint32_t id, std::uint64_t value, int width) {
  if (width == 0) {
    width = 1;
    while (width < 8 && (value >> (8 * width)) != 0) ++width;
  }
  putId(b, id);
  putSize(b, static_cast<std::uint64_t>(width));
  for (int i = width - 1; i >= 0; --i) b.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
}

void putFloat(Buffer& b, std::uint32_t id, double value) {
  putUint(b, id, std::bit_cast<std::uint64_t>(value), 8);
}

void putBytes(Buffer& b, std::uint32_t id, std::span<const std::uint8_t> data) {
  putId(b, id);
  putSize(b, data.size());
  b.insert(b.end(), data.begin(), data.end());
}

void putString(Buffer& b, std::uint32_t id, const char* text) {
  putBytes(b, id, {reinterpret_cast<const std::uint8_t*>(text), std::strlen(text)});
}

void putMaster(Buffer& b, std::uint32_t id, const Buffer& children) { putBytes(b, id, children); }

}  // namespace ebml

using namespace ebml;

namespace {

void write(std::ostream& out, const Buffer& b) {
  out.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}

constexpr std::uint64_t kTimestampScaleNs = 1'000'000;  // 1 ms
constexpr std::int64_t kMaxClusterMs = 5000;

}  // namespace

std::uint64_t WebmWriter::segmentOffset() const {
  return static_cast<std::uint64_t>(out_.tellp() - segmentDataAt_);
}

void WebmWriter::writeSeekHead(std::uint64_t infoPos, std::uint64_t tracksPos,
                               std::uint64_t cuesPos) {
  Buffer seeks;
  const std::pair<std::uint32_t, std::uint64_t> entries[] = {
      {kInfo, infoPos}, {kTracks, tracksPos}, {kCues, cuesPos}};
  for (const auto& [id, pos] : entries) {
    Buffer seek, idBytes;
    putId(idBytes, id);
    putBytes(seek, kSeekId, idBytes);
    putUint(seek, kSeekPosition, pos, 8);  // fixed width: patched in place at the end
    putMaster(seeks, kSeek, seek);
  }
  Buffer head;
  putMaster(head, kSeekHead, seeks);
  write(out_, head);
}

void WebmWriter::begin(const std::optional<WebmVideoTrack>& video,
                       const std::optional<WebmAudioTrack>& audio) {
  Buffer header, h;
  putUint(h, kEbmlVersion, 1);
  putUint(h, kEbmlReadVersion, 1);
  putUint(h, kEbmlMaxIdLength, 4);
  putUint(h, kEbmlMaxSizeLength, 8);
  putString(h, kDocType, "webm");
  putUint(h, kDocTypeVersion, 4);
  putUint(h, kDocTypeReadVersion, 2);
  putMaster(header, kEbml, h);
  putId(header, kSegment);
  write(out_, header);
  segmentSizeAt_ = out_.tellp();
  Buffer size;
  putSize(size, 0, 8);
  write(out_, size);
  segmentDataAt_ = out_.tellp();

  seekHeadAt_ = out_.tellp();
  writeSeekHead(0, 0, 0);

  infoPos_ = segmentOffset();
  Buffer info, infoEl;
  putUint(info, kTimestampScale, kTimestampScaleNs);
  putString(info, kMuxingApp, "callpy");
  putString(info, kWritingApp, "callpy");
  const std::size_t durationValueAt = info.size() + 3;  // after ID (2) and size (1)
  putFloat(info, kDuration, 0.0);
  putMaster(infoEl, kInfo, info);
  durationAt_ = out_.tellp() + static_cast<std::streamoff>(infoEl.size() - info.size() +
                                                           durationValueAt);
  write(out_, infoEl);

  tracksPos_ = segmentOffset();
  Buffer tracks;
  std::uint64_t next = 1;
  if (video) {
    videoTrack_ = next++;
    Buffer e, v;
    putUint(e, kTrackNumber, videoTrack_);
    putUint(e, kTrackUid, videoTrack_);
    putUint(e, kTrackType, 1);
    putUint(e, kFlagLacing, 0);
    putString(e, kCodecId, "V_VP8");
    putUint(v, kPixelWidth, static_cast<std::uint64_t>(video->width));
    putUint(v, kPixelHeight, static_cast<std::uint64_t>(video->height));
    putMaster(e, kVideo, v);
    putMaster(tracks, kTrackEntry, e);
  }
  if (audio) {
    audioTrack_ = next++;
    Buffer e, a;
    putUint(e, kTrackNumber, audioTrack_);
    putUint(e, kTrackUid, audioTrack_);
    putUint(e, kTrackType, 2);
    putUint(e, kFlagLacing, 0);
    putString(e, kCodecId, "A_OPUS");
    putBytes(e, kCodecPrivate, audio->codecPrivate);
    putUint(e, kCodecDelay, audio->codecDelayNs);
    putUint(e, kSeekPreRoll, audio->seekPreRollNs);
    putFloat(a, kSamplingFrequency, audio->sampleRate);
    putUint(a, kChannels, static_cast<std::uint64_t>(audio->channels));
    putMaster(e, kAudio, a);
    putMaster(tracks, kTrackEntry, e);
  }
  Buffer tracksEl;
  putMaster(tracksEl, kTracks, tracks);
  write(out_, tracksEl);
}

void WebmWriter::closeCluster() {
  if (!clusterOpen_) return;
  Buffer el;
  putMaster(el, kCluster, cluster_);
  write(out_, el);
  cluster_.clear();
  clusterOpen_ = false;
}

void WebmWriter::addBlock(std::uint64_t track, std::int64_t timeMs, bool keyframe,
                          std::span<const std::uint8_t> data) {
  // A new Cluster at each video keyframe (a seek point) and at least every 5 s.
  const bool seekPoint = keyframe && (track == videoTrack_ || videoTrack_ == 0);
  const bool startVideoCluster = track == videoTrack_ && keyframe && clusterOpen_;
  if (!clusterOpen_ || startVideoCluster || timeMs - clusterTime_ >= kMaxClusterMs ||
      timeMs < clusterTime_) {
    closeCluster();
    clusterOpen_ = true;
    clusterTime_ = timeMs;
    putUint(cluster_, kTimestamp, static_cast<std::uint64_t>(timeMs));
    if (seekPoint) cues_.push_back({timeMs, track, segmentOffset()});
  }
  Buffer block;
  putSize(block, track);
  const auto rel = static_cast<std::int16_t>(timeMs - clusterTime_);
  block.push_back(static_cast<std::uint8_t>(static_cast<std::uint16_t>(rel) >> 8));
  block.push_back(static_cast<std::uint8_t>(rel));
  block.push_back(keyframe ? 0x80 : 0x00);
  block.insert(block.end(), data.begin(), data.end());
  putBytes(cluster_, kSimpleBlock, block);
}

void WebmWriter::finish(double durationMs) {
  closeCluster();
  const std::uint64_t cuesPos = segmentOffset();
  Buffer cues;
  for (const Cue& c : cues_) {
    Buffer point, positions;
    putUint(point, kCueTime, static_cast<std::uint64_t>(c.timeMs));
    putUint(positions, kCueTrack, c.track);
    putUint(positions, kCueClusterPosition, c.clusterPos);
    putMaster(point, kCueTrackPositions, positions);
    putMaster(cues, kCuePoint, point);
  }
  if (!cues_.empty()) {
    Buffer cuesEl;
    putMaster(cuesEl, kCues, cues);
    write(out_, cuesEl);
  }
  const std::streamoff end = out_.tellp();
  Buffer size;
  putSize(size, static_cast<std::uint64_t>(end - segmentDataAt_), 8);
  out_.seekp(segmentSizeAt_);
  write(out_, size);
  out_.seekp(seekHeadAt_);
  writeSeekHead(infoPos_, tracksPos_, cues_.empty() ? 0 : cuesPos);
  Buffer duration;
  const auto bits = std::bit_cast<std::uint64_t>(durationMs);
  for (int i = 7; i >= 0; --i) duration.push_back(static_cast<std::uint8_t>(bits >> (8 * i)));
  out_.seekp(durationAt_);
  write(out_, duration);
  out_.seekp(end);
  out_.flush();
}

}  // namespace callpy::rtc::record
