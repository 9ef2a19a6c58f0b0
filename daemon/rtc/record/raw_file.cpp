#include "rtc/record/raw_file.h"

#include <cstring>

namespace callpy::rtc::record {

bool writeRawHeader(std::FILE* f) {
  return std::fwrite(kRawMagic, 1, sizeof kRawMagic, f) == sizeof kRawMagic;
}

bool writeRawRecord(std::FILE* f, std::uint64_t arrivalUs, const std::uint8_t* data,
                    std::size_t len) {
  std::uint8_t h[kRawRecordHeader];
  for (int i = 0; i < 4; ++i) h[i] = static_cast<std::uint8_t>(len >> (8 * (3 - i)));
  for (int i = 0; i < 8; ++i) h[4 + i] = static_cast<std::uint8_t>(arrivalUs >> (8 * (7 - i)));
  return std::fwrite(h, 1, sizeof h, f) == sizeof h && std::fwrite(data, 1, len, f) == len;
}

RawTrackReader::RawTrackReader(const std::string& path) {
  file_ = std::fopen(path.c_str(), "rb");
  if (!file_) return;
  char magic[sizeof kRawMagic];
  if (std::fread(magic, 1, sizeof magic, file_) != sizeof magic ||
      std::memcmp(magic, kRawMagic, sizeof magic) != 0) {
    std::fclose(file_);
    file_ = nullptr;
  }
}

RawTrackReader::~RawTrackReader() {
  if (file_) std::fclose(file_);
}

bool RawTrackReader::next(RawPacket& out) {
  if (!file_) return false;
  std::uint8_t h[kRawRecordHeader];
  if (std::fread(h, 1, sizeof h, file_) != sizeof h) return false;
  std::size_t len = 0;
  for (int i = 0; i < 4; ++i) len = (len << 8) | h[i];
  std::uint64_t arrival = 0;
  for (int i = 0; i < 8; ++i) arrival = (arrival << 8) | h[4 + i];
  if (len > kMaxRtpPacket) return false;
  out.arrivalUs = arrival;
  out.bytes.resize(len);
  return std::fread(out.bytes.data(), 1, len, file_) == len;
}

std::vector<RawPacket> readRawTrack(const std::string& path) {
  std::vector<RawPacket> packets;
  RawTrackReader reader(path);
  RawPacket p;
  while (reader.next(p)) packets.push_back(std::move(p));
  return packets;
}

}  // namespace callpy::rtc::record
