// libFuzzer target for the call recording's raw track files (daemon/rtc/record/raw_file.h): the
// input is read as a file (magic, records, codec records) and, on its own, as a codec record's
// body. Invariants: nothing read is bigger than its limit; a codec map that parses encodes back
// to exactly the same bytes, and what the encoder writes always parses.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "rtc/record/raw_file.h"

using namespace callpy::rtc::record;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 0) {
    std::vector<std::uint8_t> copy(data, data + size);  // fmemopen reads in place
    RawTrackReader reader(fmemopen(copy.data(), copy.size(), "rb"));
    RawPacket p;
    std::size_t packets = 0;
    while (reader.next(p)) {
      check(p.bytes.size() <= kMaxRtpPacket);
      check(reader.codecs().size() <= kMaxRecordedCodecs);
      for (const auto& c : reader.codecs()) {
        check(c.payloadType <= 127 && !c.name.empty() && c.name.size() <= kMaxCodecName &&
              c.fmtp.size() <= kMaxCodecFmtp);
      }
      ++packets;
    }
    check(packets * kRawRecordHeader <= size);
  }
  const auto map = decodeCodecMap({data, size});
  if (map) {
    const auto again = encodeCodecMap(*map);
    check(again.size() == size && std::equal(again.begin(), again.end(), data));
    // Written and read back through a file: the same map.
    std::FILE* f = std::tmpfile();
    if (f) {
      check(writeRawHeader(f, *map, 1));
      std::rewind(f);
      RawTrackReader reader(f);
      RawPacket p;
      check(!reader.next(p));
      check(reader.codecs() == *map);
    }
  }
  return 0;
}
