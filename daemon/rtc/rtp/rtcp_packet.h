#pragma once
// Bounds-checked reading of (decrypted) compound RTCP packets, RFC 3550 §6 and RFC 4585/5104
// feedback: an iterator over the packets of a compound and small views for the types the media
// path uses. Nothing allocates; every view points into the caller's buffer. Unknown packet types
// are returned by the iterator and simply not parsed by anyone.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <type_traits>

namespace callpy::rtc::rtp {

namespace rtcp_type {
inline constexpr std::uint8_t kSr = 200;
inline constexpr std::uint8_t kRr = 201;
inline constexpr std::uint8_t kSdes = 202;
inline constexpr std::uint8_t kBye = 203;
inline constexpr std::uint8_t kApp = 204;
inline constexpr std::uint8_t kRtpfb = 205;
inline constexpr std::uint8_t kPsfb = 206;
}  // namespace rtcp_type

namespace rtcp_fmt {
inline constexpr std::uint8_t kNack = 1;  // RTPFB
inline constexpr std::uint8_t kPli = 1;   // PSFB
inline constexpr std::uint8_t kFir = 4;   // PSFB
}  // namespace rtcp_fmt

inline constexpr std::size_t kRtcpHeader = 4;

// One packet of a compound.
struct RtcpBlock {
  std::uint8_t type = 0;
  std::uint8_t count = 0;                 // RC / SC / FMT: the low 5 bits of the first byte
  std::size_t offset = 0;                 // of the packet inside the compound (in-place edits)
  std::span<const std::uint8_t> packet;   // the whole packet, header and padding included
  std::span<const std::uint8_t> body;     // after the 4-byte header, padding removed
};

// Walks a compound packet. next() stops (and error() turns true) at the first packet whose
// version, length or padding does not fit: nothing after it can be trusted.
class RtcpReader {
 public:
  RtcpReader(const std::uint8_t* data, std::size_t len) : data_(data), len_(data ? len : 0) {}
  bool next(RtcpBlock& out);
  bool error() const { return error_; }

 private:
  const std::uint8_t* data_;
  std::size_t len_;
  std::size_t pos_ = 0;
  bool error_ = false;
};

struct ReportBlock {
  std::uint32_t ssrc = 0;
  std::uint8_t fractionLost = 0;
  std::int32_t cumulativeLost = 0;  // 24-bit signed on the wire
  std::uint32_t extendedHighestSeq = 0;
  std::uint32_t jitter = 0;
  std::uint32_t lastSr = 0;            // middle 32 bits of the last SR's NTP time
  std::uint32_t delaySinceLastSr = 0;  // units of 1/65536 s
};
inline constexpr std::size_t kReportBlockSize = 24;

struct SenderInfo {
  std::uint32_t ntpSeconds = 0;
  std::uint32_t ntpFraction = 0;
  std::uint32_t rtpTimestamp = 0;
  std::uint32_t packetCount = 0;
  std::uint32_t octetCount = 0;
  std::uint32_t ntpMiddle() const { return (ntpSeconds << 16) | (ntpFraction >> 16); }
};

struct ReceiverReport {
  std::uint32_t ssrc = 0;                    // of the reporter
  std::size_t reportCount = 0;
  std::span<const std::uint8_t> blocks;      // reportCount * 24 bytes
  ReportBlock reportBlock(std::size_t i) const;  // i < reportCount
};

struct SenderReport : ReceiverReport {
  SenderInfo info;
};

std::optional<SenderReport> parseSenderReport(const RtcpBlock& b);
std::optional<ReceiverReport> parseReceiverReport(const RtcpBlock& b);

// SDES items chunk by chunk (END items and chunk padding skipped).
struct SdesItem {
  std::uint32_t ssrc = 0;
  std::uint8_t type = 0;  // 1 = CNAME
  std::string_view text;
};
class SdesReader {
 public:
  explicit SdesReader(const RtcpBlock& b);
  bool next(SdesItem& out);  // false at the end or on a malformed chunk (error())
  bool error() const { return error_; }

 private:
  std::span<const std::uint8_t> body_;
  std::size_t chunksLeft_ = 0;
  std::size_t pos_ = 0;
  bool inChunk_ = false;
  std::uint32_t ssrc_ = 0;
  bool error_ = false;
};

struct Bye {
  std::size_t count = 0;
  std::span<const std::uint8_t> ssrcs;
  std::uint32_t ssrc(std::size_t i) const;
  std::string_view reason;
};
std::optional<Bye> parseBye(const RtcpBlock& b);

// Feedback messages share sender SSRC + media SSRC (RFC 4585 §6.1).
struct NackItem {
  std::uint16_t pid = 0;
  std::uint16_t blp = 0;
};
struct Nack {
  std::uint32_t senderSsrc = 0;
  std::uint32_t mediaSsrc = 0;
  std::size_t itemCount = 0;
  std::span<const std::uint8_t> fci;
  NackItem item(std::size_t i) const;
};
std::optional<Nack> parseNack(const RtcpBlock& b);
// The sequence numbers one PID/BLP pair names, PID first; returns how many (1..17).
std::size_t expandNackItem(NackItem item, std::uint16_t (&out)[17]);
template <class F>
void forEachNackedSeq(const Nack& n, F&& f) {
  std::uint16_t seqs[17];
  for (std::size_t i = 0; i < n.itemCount; ++i) {
    const std::size_t k = expandNackItem(n.item(i), seqs);
    for (std::size_t j = 0; j < k; ++j) f(seqs[j]);
  }
}

struct Pli {
  std::uint32_t senderSsrc = 0;
  std::uint32_t mediaSsrc = 0;
};
std::optional<Pli> parsePli(const RtcpBlock& b);

struct FirEntry {
  std::uint32_t ssrc = 0;
  std::uint8_t seqNr = 0;
};
struct Fir {
  std::uint32_t senderSsrc = 0;
  std::size_t entryCount = 0;
  std::span<const std::uint8_t> fci;
  FirEntry entry(std::size_t i) const;
};
std::optional<Fir> parseFir(const RtcpBlock& b);

// In-place SSRC rewriting over a whole compound. `map(field, oldSsrc)` returns the new value for
// each SSRC field found: the packet sender (SR/RR/RTPFB/PSFB), each report block's source, the
// media source of feedback, each FIR entry and BYE SSRCs. SDES, APP and unknown types are left
// alone (SDES is never forwarded between legs). Returns false if the compound was malformed (the packets before the fault are rewritten).
enum class SsrcField : std::uint8_t { Sender, ReportSource, Media, FirTarget, Bye };
using SsrcMapFn = std::uint32_t (*)(void* ctx, SsrcField field, std::uint32_t ssrc);
bool rewriteSsrcs(std::uint8_t* data, std::size_t len, SsrcMapFn fn, void* ctx);
template <class F>
bool rewriteSsrcs(std::uint8_t* data, std::size_t len, F&& map) {
  return rewriteSsrcs(
      data, len,
      [](void* ctx, SsrcField field, std::uint32_t ssrc) -> std::uint32_t {
        return (*static_cast<std::remove_reference_t<F>*>(ctx))(field, ssrc);
      },
      const_cast<void*>(static_cast<const void*>(&map)));
}

}  // namespace callpy::rtc::rtp
