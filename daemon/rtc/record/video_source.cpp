#include "rtc/record/video_source.h"

#include <utility>

#include "rtc/record/track_codec.h"

namespace callpy::rtc::record {

VideoSource::VideoSource(const std::string& path, std::uint64_t epochUs, VideoCodec codec)
    : codec_(codec), reader_(path), depacketizer_(64, codec), mapper_(90000, epochUs) {}

TimedFrame* VideoSource::peek() {
  while (!current_) {
    if (auto f = depacketizer_.pop()) {
      const std::int64_t pos = mapper_.map(f->ssrc, f->rtpTimestamp, f->arrivalUs);
      current_ = TimedFrame{pos / 90, std::move(*f)};
      break;
    }
    if (ended_) return nullptr;
    if (reader_.next(packet_)) {
      // By the recorded negotiation: only this track's codec goes to its depacketizer.
      const auto ours = [this](const RecordedCodec& c) { return videoCodecOf(c) == codec_; };
      if (classifyPacket(reader_.codecs(), packet_.bytes, ours) == PacketCodec::Skip) {
        depacketizer_.skipOtherCodec();
        continue;
      }
      depacketizer_.push(packet_.bytes.data(), packet_.bytes.size(), packet_.arrivalUs);
    } else {
      depacketizer_.flush();
      ended_ = true;
    }
  }
  return &*current_;
}

TimedFrame VideoSource::take() {
  TimedFrame f = std::move(*current_);
  current_.reset();
  return f;
}

}  // namespace callpy::rtc::record
