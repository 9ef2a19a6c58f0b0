#pragma once
// RFC 6455 frame codec for the server side: an incremental parser for client frames and an encoder
// for (unmasked) server frames. The parser is fed whatever the socket returned, down to one byte at
// a time, keeps no buffer while a connection is idle and reports complete messages.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace callpy::realtime {

enum class Opcode : std::uint8_t {
  Continuation = 0x0,
  Text = 0x1,
  Binary = 0x2,
  Close = 0x8,
  Ping = 0x9,
  Pong = 0xA,
};

// Close codes we send or see (RFC 6455 §7.4.1).
namespace close_code {
inline constexpr std::uint16_t kNormal = 1000;
inline constexpr std::uint16_t kGoingAway = 1001;
inline constexpr std::uint16_t kProtocolError = 1002;
inline constexpr std::uint16_t kUnsupportedData = 1003;
inline constexpr std::uint16_t kNoStatus = 1005;   // never on the wire: a close frame without code
inline constexpr std::uint16_t kAbnormal = 1006;   // never on the wire: the TCP connection dropped
inline constexpr std::uint16_t kInvalidPayload = 1007;
inline constexpr std::uint16_t kPolicyViolation = 1008;
inline constexpr std::uint16_t kMessageTooBig = 1009;
inline constexpr std::uint16_t kInternalError = 1011;
inline constexpr std::uint16_t kTryAgainLater = 1013;
}  // namespace close_code

// True for a code a peer may put in a close frame.
bool isValidCloseCode(std::uint16_t code);

// One encoded frame shared by every connection it is queued to (fan-out encodes once).
using SharedBuffer = std::shared_ptr<const std::string>;

struct FrameLimits {
  std::size_t maxFrame = 64 * 1024;     // payload bytes of one frame
  std::size_t maxMessage = 256 * 1024;  // payload bytes of a whole (possibly fragmented) message
};

// Receives what the parser decodes. Views are valid only during the call.
class FrameSink {
 public:
  virtual ~FrameSink() = default;
  // A complete data message (opcode Text or Binary); text is valid UTF-8.
  virtual void onMessage(Opcode opcode, std::string_view payload) = 0;
  virtual void onPing(std::string_view payload) = 0;
  virtual void onPong(std::string_view payload) = 0;
  // code is close_code::kNoStatus when the frame carried none; reason is valid UTF-8.
  virtual void onClose(std::uint16_t code, std::string_view reason) = 0;
};

// Incremental UTF-8 validator (rejects overlongs, surrogates and code points above U+10FFFF).
class Utf8Validator {
 public:
  // false once the input seen so far cannot be valid UTF-8.
  bool feed(const unsigned char* p, std::size_t n);
  // true when the input seen so far is valid and ends on a character boundary.
  bool complete() const { return state_ == 0; }
  void reset() { state_ = 0; }

 private:
  std::uint8_t state_ = 0;
};

bool isValidUtf8(std::string_view s);

class FrameParser {
 public:
  enum class Status : std::uint8_t {
    Ok,      // all input consumed, more may follow
    Closed,  // a close frame arrived; bytes after it were not looked at
    Failed,  // the peer broke the protocol: send errorCode() and drop the connection
  };

  // limits must outlive the parser (the event loop shares one per loop).
  explicit FrameParser(const FrameLimits& limits) : limits_(&limits) {}

  // Consumes data; unmasks payloads in place, hence the mutable buffer. Once Closed or Failed,
  // further calls return the same status without consuming anything.
  Status feed(char* data, std::size_t size, FrameSink& sink);

  Status status() const { return status_; }
  std::uint16_t errorCode() const { return errorCode_; }
  const char* errorReason() const { return errorReason_; }
  // Drops buffers kept for a partial message (the connection is idle or going away).
  void releaseMemory();
  // Bytes held for partial frames/messages (for memory accounting).
  std::size_t bufferedBytes() const;

 private:
  Status fail(std::uint16_t code, const char* reason);
  bool parseHeader();
  bool payload(char* data, std::size_t n, FrameSink& sink, std::size_t& used);
  bool finishFrame(std::string_view payload, FrameSink& sink);
  bool deliverControl(std::string_view payload, FrameSink& sink);

  const FrameLimits* limits_;
  // Parts of a message or control frame split across reads; null while none is.
  std::unique_ptr<std::string> message_;
  std::unique_ptr<std::string> control_;
  std::uint64_t remaining_ = 0;  // payload bytes of the current frame still to come
  std::uint32_t frameLength_ = 0;
  std::uint8_t mask_[4] = {0, 0, 0, 0};
  std::uint8_t header_[14];
  std::uint8_t headerSize_ = 0;  // bytes of header_ collected
  std::uint8_t maskOffset_ = 0;  // position in mask_ of the next payload byte
  std::uint8_t opcode_ = 0;      // of the current frame
  std::uint8_t messageOpcode_ = 0;  // Text/Binary while a fragmented message is open, else 0
  bool inPayload_ = false;
  bool fin_ = false;
  Status status_ = Status::Ok;
  std::uint16_t errorCode_ = 0;
  Utf8Validator utf8_;
  const char* errorReason_ = "";
};

// Server frames are never masked.
std::string encodeFrame(Opcode opcode, std::string_view payload, bool fin = true);
SharedBuffer encodeText(std::string_view payload);
SharedBuffer encodeBinary(std::string_view payload);
std::string encodePing(std::string_view payload = {});
std::string encodePong(std::string_view payload);
// The reason is cut to fit the 125-byte control frame limit (on a UTF-8 boundary).
std::string encodeClose(std::uint16_t code, std::string_view reason = {});

}  // namespace callpy::realtime
