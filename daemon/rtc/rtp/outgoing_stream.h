#pragma once
// One outgoing track of a call leg: the daemon sends it with its own SSRC and payload type and
// forwards into it whatever source currently feeds it. Sources change (device switch, another
// participant, a sender that restarted with a new SSRC); the receiving browser must see one
// continuous stream, so sequence numbers, timestamps and, for VP8, PictureID and TL0PICIDX are
// mapped into the outgoing space with offsets that are re-based at each source change.
// Used only on the media thread; rewrite() does not allocate.
#include <cstddef>
#include <cstdint>

namespace callpy::rtc::rtp {

enum class PayloadFormat : std::uint8_t { Generic, Vp8 };

class OutgoingStream {
 public:
  OutgoingStream(std::uint32_t ssrc, std::uint8_t payloadType, std::uint32_t clockRate,
                 PayloadFormat format = PayloadFormat::Generic);

  // Rewrites the (decrypted) RTP packet in place for this stream: SSRC, PT, seq, timestamp and
  // the VP8 descriptor. False = drop it: malformed RTP or VP8 descriptor, a straggler of the
  // previous source, or a packet of the current source older than its first forwarded one
  // (its outgoing seq would collide with the previous source's). nowUs: a monotonic clock.
  bool rewrite(std::uint8_t* pkt, std::size_t len, std::uint64_t nowUs);

  // The next packet starts a new source (even with the same SSRC): it gets the next outgoing
  // seq, and a timestamp advanced by the wall-clock time since the last forwarded frame.
  void switchSource() { switchPending_ = true; }

  std::uint32_t ssrc() const { return ssrc_; }
  std::uint8_t payloadType() const { return payloadType_; }
  std::uint32_t clockRate() const { return clockRate_; }
  bool hasSource() const { return haveSource_; }
  std::uint32_t sourceSsrc() const { return sourceSsrc_; }  // for PLI/FIR/NACK to the sender

  // Newest forwarded values, for sender reports: lastTimestamp() was sent at lastTimestampUs().
  bool hasSent() const { return haveOut_; }
  std::uint16_t lastSequence() const { return lastSeq_; }
  std::uint32_t lastTimestamp() const { return lastTs_; }
  std::uint64_t lastTimestampUs() const { return lastTsUs_; }
  std::uint32_t packetCount() const { return packetCount_; }
  std::uint32_t octetCount() const { return octetCount_; }  // payload octets (RFC 3550 SR)

 private:
  std::uint32_t ssrc_;
  std::uint8_t payloadType_;
  std::uint32_t clockRate_;
  PayloadFormat format_;

  bool haveSource_ = false;
  bool switchPending_ = false;
  std::uint32_t sourceSsrc_ = 0;
  bool havePrevious_ = false;
  std::uint32_t previousSsrc_ = 0;
  std::uint16_t baseSourceSeq_ = 0;  // first forwarded seq of the current source

  std::uint16_t seqOffset_ = 0;
  std::uint32_t tsOffset_ = 0;
  bool haveOut_ = false;
  std::uint16_t lastSeq_ = 0;
  std::uint32_t lastTs_ = 0;
  std::uint64_t lastTsUs_ = 0;

  // VP8: re-based on the first packet of a new source that carries the field.
  bool pidRebase_ = false;
  bool havePid_ = false;
  std::uint16_t pidOffset_ = 0;
  std::uint16_t lastPid_ = 0;
  bool tl0Rebase_ = false;
  bool haveTl0_ = false;
  std::uint8_t tl0Offset_ = 0;
  std::uint8_t lastTl0_ = 0;

  std::uint32_t packetCount_ = 0;
  std::uint32_t octetCount_ = 0;
};

}  // namespace callpy::rtc::rtp
