#pragma once
// Reads tests/fixtures/rtc_recording.bin (real Opus/VP8 RTP, see make_rtc_recording.py).
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "rtc/record/raw_file.h"
#include "rtc/record/track.h"

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

#ifdef CALLPY_SOURCE_DIR
inline std::string fixturePath() {
  return std::string(CALLPY_SOURCE_DIR) + "/tests/fixtures/rtc_recording.bin";
}
#endif

// The raw files a recording would have written for the fixture's tracks that `keep(Track)`
// accepts, as "<dir>/<track>.rtp".
template <typename Keep>
TrackPaths writeRawTracks(const std::vector<FixturePacket>& packets, const std::string& dir,
                          Keep keep) {
  TrackPaths paths;
  std::FILE* files[kTracks] = {};
  for (const auto& p : packets) {
    if (p.track >= kTracks || !keep(trackAt(p.track))) continue;
    if (!files[p.track]) {
      paths[p.track] = dir + "/" + std::string(trackName(trackAt(p.track))) + ".rtp";
      files[p.track] = std::fopen(paths[p.track].c_str(), "wb");
      if (!files[p.track]) return {};
      writeRawHeader(files[p.track]);
    }
    writeRawRecord(files[p.track], p.arrivalUs, p.bytes.data(), p.bytes.size());
  }
  for (std::FILE* f : files) {
    if (f) std::fclose(f);
  }
  return paths;
}

}  // namespace callpy::rtc::record::testing
