#include "rtc/record/ogg_writer.h"

#include <array>

namespace callpy::rtc::record {

namespace {

constexpr std::array<std::uint32_t, 256> makeTable() {
  std::array<std::uint32_t, 256> t{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t r = i << 24;
    for (int k = 0; k < 8; ++k) r = (r & 0x80000000u) ? (r << 1) ^ 0x04C11DB7u : r << 1;
    t[i] = r;
  }
  return t;
}
constexpr auto kCrcTable = makeTable();

void putLe(std::uint8_t* p, std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}

}  // namespace

std::uint32_t oggCrc(std::span<const std::uint8_t> data, std::uint32_t crc) {
  for (const std::uint8_t b : data) crc = (crc << 8) ^ kCrcTable[((crc >> 24) ^ b) & 0xFF];
  return crc;
}

void OggWriter::addPacket(std::span<const std::uint8_t> packet, std::int64_t granule,
                          bool endOfStream) {
  std::size_t left = packet.size();
  const std::uint8_t* p = packet.data();
  // A packet is lacing values of 255 and one final value below 255 (0 for an exact multiple).
  for (bool first = true;; first = false) {
    if (lacing_.size() == 255) {
      flush();
      continued_ = !first;  // the rest of this packet opens the next page
    }
    const std::size_t seg = left < 255 ? left : 255;
    lacing_.push_back(static_cast<std::uint8_t>(seg));
    body_.insert(body_.end(), p, p + seg);
    p += seg;
    left -= seg;
    if (seg < 255) break;
  }
  granule_ = granule;
  if (endOfStream) {
    flush(true);
  } else if (body_.size() >= flushBytes_) {
    flush();
  }
}

void OggWriter::flush(bool endOfStream) {
  if (lacing_.empty() && !endOfStream) return;
  std::vector<std::uint8_t> page(27 + lacing_.size());
  page[0] = 'O';
  page[1] = 'g';
  page[2] = 'g';
  page[3] = 'S';
  page[4] = 0;  // version
  page[5] = static_cast<std::uint8_t>((continued_ ? 0x01 : 0) | (pageSequence_ == 0 ? 0x02 : 0) |
                                      (endOfStream ? 0x04 : 0));
  putLe(&page[6], static_cast<std::uint64_t>(granule_), 8);
  putLe(&page[14], serial_, 4);
  putLe(&page[18], pageSequence_, 4);
  page[26] = static_cast<std::uint8_t>(lacing_.size());
  for (std::size_t i = 0; i < lacing_.size(); ++i) page[27 + i] = lacing_[i];
  std::uint32_t crc = oggCrc(page);  // CRC field is still zero
  crc = oggCrc(body_, crc);
  putLe(&page[22], crc, 4);
  out_.write(reinterpret_cast<const char*>(page.data()), static_cast<std::streamsize>(page.size()));
  out_.write(reinterpret_cast<const char*>(body_.data()), static_cast<std::streamsize>(body_.size()));
  ++pageSequence_;
  lacing_.clear();
  body_.clear();
  granule_ = -1;
  continued_ = false;
}

}  // namespace callpy::rtc::record
