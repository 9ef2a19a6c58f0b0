#pragma once
// The raw files a recording writes while the call runs, one per track. All numbers big-endian.
//
//   magic    8 bytes: "CPYRTP2\n" (version 2) or "CPYRTP1\n" (version 1, still read)
//   records  u32 word, u64 arrival time in µs (steady clock), body
//
// Version 1: word = body length (at most 1500), body = one decrypted RTP packet.
// Version 2: word = type << 24 | body length, so an RTP record is byte for byte a v1 record:
//   type 0  RTP     body = one decrypted RTP packet, at most 1500 bytes
//   type 1  codecs  body = the track's negotiated payload types (a codec map, at most 4096 bytes):
//                   u8 count (at most 16), then per codec: u8 payload type (0-127), u32 clock
//                   rate, u8 channels (0 = not given), u8 name length (1-32), the name
//                   ("opus", "VP8", "H264": [A-Za-z0-9._-]), u16 fmtp length (at most 1024),
//                   the fmtp parameters as in SDP ("packetization-mode=1;profile-level-id=42e01f",
//                   printable ASCII).
//   other types (a later version) are skipped by their length.
// A v2 file starts with a codec record (the header record, written when the file is opened); a
// later one (the track renegotiated, or its sender moved to another device) replaces the map for
// the packets after it. An empty map (count 0) means the negotiation is not known: the converter
// then recognises the codec from the payloads, as it does for every v1 file.
// Reading is bounded and never trusts the file: a record cut short by a crash ends the file, a
// length over its type's limit ends it too, and a codec record whose body does not parse (a
// damaged file) is counted and leaves the map not known rather than half applied.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace callpy::rtc::record {

inline constexpr char kRawMagic[8] = {'C', 'P', 'Y', 'R', 'T', 'P', '2', '\n'};
inline constexpr char kRawMagicV1[8] = {'C', 'P', 'Y', 'R', 'T', 'P', '1', '\n'};
inline constexpr std::size_t kRawRecordHeader = 12;
inline constexpr std::size_t kMaxRtpPacket = 1500;
inline constexpr std::uint8_t kRawRecordRtp = 0, kRawRecordCodecs = 1;
inline constexpr std::size_t kMaxCodecRecord = 4096;
inline constexpr std::size_t kMaxRecordedCodecs = 16;
inline constexpr std::size_t kMaxCodecName = 32;
inline constexpr std::size_t kMaxCodecFmtp = 1024;

// One negotiated payload type of a track (from the SDP: a=rtpmap and a=fmtp).
struct RecordedCodec {
  std::uint8_t payloadType = 0;
  std::string name;  // as the SDP wrote it: "opus", "VP8", "H264"
  std::uint32_t clockRate = 0;
  std::uint8_t channels = 0;
  std::string fmtp;
  friend bool operator==(const RecordedCodec&, const RecordedCodec&) = default;
};
using CodecMap = std::vector<RecordedCodec>;

// The codec of a payload type, nullptr when the map does not have it.
const RecordedCodec* findCodec(const CodecMap& map, std::uint8_t payloadType);
// A codec record's body. Codecs that cannot be stored (PT over 127, a name that is empty, too
// long or not [A-Za-z0-9._-], a repeated PT, beyond kMaxRecordedCodecs) are left out, and an
// fmtp that is too long or not printable is stored empty.
std::vector<std::uint8_t> encodeCodecMap(const CodecMap& map);
// nullopt when the body is not exactly a well-formed codec map.
std::optional<CodecMap> decodeCodecMap(std::span<const std::uint8_t> body);

struct RawPacket {
  std::uint64_t arrivalUs = 0;
  std::vector<std::uint8_t> bytes;
};

// The magic of the current version and the header record (`codecs` may be empty: not known).
bool writeRawHeader(std::FILE* f, const CodecMap& codecs = {}, std::uint64_t arrivalUs = 0);
// A codec record: the packets written after it are of `codecs`.
bool writeCodecRecord(std::FILE* f, std::uint64_t arrivalUs, const CodecMap& codecs);
bool writeRawRecord(std::FILE* f, std::uint64_t arrivalUs, const std::uint8_t* data,
                    std::size_t len);

// Reads a raw file record by record.
class RawTrackReader {
 public:
  explicit RawTrackReader(const std::string& path);
  // Takes ownership of an open file (tests and the fuzz target read from memory, fmemopen).
  explicit RawTrackReader(std::FILE* file);
  ~RawTrackReader();
  RawTrackReader(const RawTrackReader&) = delete;
  RawTrackReader& operator=(const RawTrackReader&) = delete;

  bool ok() const { return file_ != nullptr; }  // opened and the magic matched
  int version() const { return version_; }      // 1 or 2 (0 when !ok())
  // The next RTP packet: false at the end of the file (or at a truncated/oversized record).
  // Codec records on the way are applied to codecs().
  bool next(RawPacket& out);
  // The codec map in force for the packet next() returned last (empty: not known; always for v1).
  const CodecMap& codecs() const { return codecs_; }
  std::uint64_t codecRecords() const { return codecRecords_; }  // read so far
  std::uint64_t badRecords() const { return badRecords_; }      // codec records that did not parse

 private:
  void open();
  std::FILE* file_ = nullptr;
  int version_ = 0;
  CodecMap codecs_;
  std::uint64_t codecRecords_ = 0, badRecords_ = 0;
  std::vector<std::uint8_t> body_;
};

// Every packet of a raw file; empty when the file is missing or not a raw file.
std::vector<RawPacket> readRawTrack(const std::string& path);

}  // namespace callpy::rtc::record
