#pragma once
// VP8 frames from RTP packets (RFC 7741 §4): packets are put back in sequence order (a small
// window absorbs reordering and late retransmissions), a frame is the packets of one timestamp
// from the one starting partition 0 (S=1, PID=0) to the one with the marker bit, with no
// sequence gap. A frame with a hole is dropped, and so is every frame after it until the next
// keyframe, since a decoder could not use them. Keyframes carry their size (RFC 6386 §9.1).
// The same assembly serves H.264 (RFC 6184, packetization mode 1) when constructed for it: a
// frame is then an Annex B access unit, a keyframe one with an IDR slice (size left 0).
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <vector>

#include "rtc/record/video_codec.h"

namespace callpy::rtc::record {

struct Vp8Frame {
  std::uint32_t ssrc = 0;
  std::uint32_t rtpTimestamp = 0;
  std::uint64_t arrivalUs = 0;  // of the frame's first packet
  bool keyframe = false;
  int width = 0, height = 0;    // keyframes only
  std::vector<std::uint8_t> data;
};

struct Vp8Stats {
  std::uint64_t frames = 0;        // complete frames emitted
  std::uint64_t dropped = 0;       // incomplete, or waiting for a keyframe
  std::uint64_t lostPackets = 0;   // sequence gaps
  std::uint64_t badPackets = 0;    // not RTP / no VP8 descriptor
  std::uint64_t otherCodec = 0;    // payload type not negotiated for this codec: never pushed
};

// Keyframe header check: P bit clear, start code 9d 01 2a, non-zero size.
bool parseVp8Keyframe(const std::uint8_t* frame, std::size_t len, int& width, int& height);

class Vp8Depacketizer {
 public:
  explicit Vp8Depacketizer(std::size_t reorderWindow = 64, VideoCodec codec = VideoCodec::Vp8)
      : window_(reorderWindow), codec_(codec) {}

  void push(const std::uint8_t* rtp, std::size_t len, std::uint64_t arrivalUs);
  // Counts a packet its source left out (another codec by the track's negotiation).
  void skipOtherCodec() { ++stats_.otherCodec; }
  // Releases everything still held back (end of input).
  void flush();
  std::optional<Vp8Frame> pop();
  const Vp8Stats& stats() const { return stats_; }

 private:
  struct Held {
    std::vector<std::uint8_t> bytes;
    std::uint64_t arrivalUs = 0;
  };
  void release(std::int64_t seq, Held& packet);
  void abandonFrame();

  std::size_t window_;
  VideoCodec codec_;
  std::map<std::int64_t, Held> held_;  // by extended sequence number
  std::optional<std::uint32_t> ssrc_;
  std::int64_t highestSeq_ = 0;
  std::optional<std::int64_t> lastReleased_;
  // The frame being assembled.
  bool inFrame_ = false;
  bool frameBroken_ = false;
  Vp8Frame frame_;
  bool needKeyframe_ = true;
  std::deque<Vp8Frame> ready_;
  Vp8Stats stats_;
};

}  // namespace callpy::rtc::record
