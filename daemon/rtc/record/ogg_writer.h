#pragma once
// An Ogg bitstream writer (RFC 3533) for one logical stream: packets are cut into 255-byte
// lacing segments, collected into pages of at most 255 segments (a packet that does not fit
// continues on the next page) and each page carries the CRC-32 of RFC 3533 §6.
#include <cstddef>
#include <cstdint>
#include <ostream>
#include <span>
#include <vector>

namespace callpy::rtc::record {

// CRC-32 of Ogg pages: polynomial 0x04C11DB7, MSB first, initial value 0, no final xor.
std::uint32_t oggCrc(std::span<const std::uint8_t> data, std::uint32_t crc = 0);

class OggWriter {
 public:
  OggWriter(std::ostream& out, std::uint32_t serial) : out_(out), serial_(serial) {}

  // Adds a packet whose last sample has granule position `granule`. With `endOfStream` the
  // packet ends the last page (EOS flag). A page is written once it holds `flushBytes`.
  void addPacket(std::span<const std::uint8_t> packet, std::int64_t granule,
                 bool endOfStream = false);
  // Writes out the current page (e.g. the OpusHead and OpusTags packets end their pages).
  void flush(bool endOfStream = false);

  std::uint32_t pagesWritten() const { return pageSequence_; }
  void setFlushBytes(std::size_t n) { flushBytes_ = n; }

 private:
  std::ostream& out_;
  std::uint32_t serial_;
  std::uint32_t pageSequence_ = 0;
  std::size_t flushBytes_ = 4096;
  std::vector<std::uint8_t> lacing_;
  std::vector<std::uint8_t> body_;
  std::int64_t granule_ = -1;     // of the last packet completed on the current page
  bool continued_ = false;        // the page starts with the rest of a packet
};

}  // namespace callpy::rtc::record
