#pragma once
// Reads tests/fixtures/rtc_recording.bin (real Opus/VP8 RTP, see make_rtc_recording.py).
#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

namespace callpy::rtc::record::testing {

struct FixturePacket {
  std::uint8_t track = 0;
  std::uint64_t arrivalUs = 0;
  std::vector<std::uint8_t> bytes;
};

inline std::vector<FixturePacket> readFixture(const std::string& path) {
  std::vector<FixturePacket> out;
  std::ifstream in(path, std::ios::binary);
  char magic[8];
  if (!in.read(magic, 8) || std::string(magic, 8) != "CPYFIX1\n") return out;
  for (;;) {
    unsigned char h[13];
    if (!in.read(reinterpret_cast<char*>(h), 13)) break;
    FixturePacket p;
    p.track = h[0];
    std::uint32_t len = 0;
    for (int i = 1; i < 5; ++i) len = (len << 8) | h[i];
    for (int i = 5; i < 13; ++i) p.arrivalUs = (p.arrivalUs << 8) | h[i];
    p.bytes.resize(len);
    if (!in.read(reinterpret_cast<char*>(p.bytes.data()), len)) break;
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace callpy::rtc::record::testing
