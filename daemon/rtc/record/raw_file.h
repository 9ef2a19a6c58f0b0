#pragma once
// The raw files a recording writes while the call runs, one per track: an 8-byte magic, then
// records of {u32 length, u64 arrival time in µs (steady clock), the decrypted RTP packet}, all
// big-endian. A record cut short by a crash is ignored when the file is read back.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace callpy::rtc::record {

inline constexpr char kRawMagic[8] = {'C', 'P', 'Y', 'R', 'T', 'P', '1', '\n'};
inline constexpr std::size_t kRawRecordHeader = 12;
inline constexpr std::size_t kMaxRtpPacket = 1500;

struct RawPacket {
  std::uint64_t arrivalUs = 0;
  std::vector<std::uint8_t> bytes;
};

bool writeRawHeader(std::FILE* f);
bool writeRawRecord(std::FILE* f, std::uint64_t arrivalUs, const std::uint8_t* data,
                    std::size_t len);

// Reads a raw file record by record.
class RawTrackReader {
 public:
  explicit RawTrackReader(const std::string& path);
  ~RawTrackReader();
  RawTrackReader(const RawTrackReader&) = delete;
  RawTrackReader& operator=(const RawTrackReader&) = delete;

  bool ok() const { return file_ != nullptr; }  // opened and the magic matched
  // False at the end of the file (or at a truncated/oversized record).
  bool next(RawPacket& out);

 private:
  std::FILE* file_ = nullptr;
};

// Every packet of a raw file; empty when the file is missing or not a raw file.
std::vector<RawPacket> readRawTrack(const std::string& path);

}  // namespace callpy::rtc::record
