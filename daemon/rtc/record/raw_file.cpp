#include "rtc/record/raw_file.h"

#include <algorithm>
#include <cstring>

namespace callpy::rtc::record {

namespace {

bool validName(const std::string& name) {
  return !name.empty() && name.size() <= kMaxCodecName &&
         std::all_of(name.begin(), name.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '.' || c == '_' || c == '-';
         });
}

bool validFmtp(std::span<const std::uint8_t> fmtp) {
  return fmtp.size() <= kMaxCodecFmtp && std::all_of(fmtp.begin(), fmtp.end(), [](std::uint8_t c) {
           return c >= 0x20 && c < 0x7F;
         });
}

void put(std::vector<std::uint8_t>& out, std::uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

bool writeRecord(std::FILE* f, std::uint8_t type, std::uint64_t arrivalUs, const std::uint8_t* data,
                 std::size_t len) {
  std::uint8_t h[kRawRecordHeader];
  const std::uint32_t word = (std::uint32_t{type} << 24) | static_cast<std::uint32_t>(len);
  for (int i = 0; i < 4; ++i) h[i] = static_cast<std::uint8_t>(word >> (8 * (3 - i)));
  for (int i = 0; i < 8; ++i) h[4 + i] = static_cast<std::uint8_t>(arrivalUs >> (8 * (7 - i)));
  return std::fwrite(h, 1, sizeof h, f) == sizeof h &&
         (len == 0 || std::fwrite(data, 1, len, f) == len);
}

// Reads big-endian numbers from a body, refusing to run past its end.
struct Cursor {
  std::span<const std::uint8_t> data;
  std::size_t at = 0;
  bool take(std::size_t n, std::uint64_t& v) {
    if (data.size() - at < n) return false;
    v = 0;
    for (std::size_t i = 0; i < n; ++i) v = (v << 8) | data[at + i];
    at += n;
    return true;
  }
  bool bytes(std::size_t n, std::span<const std::uint8_t>& out) {
    if (data.size() - at < n) return false;
    out = data.subspan(at, n);
    at += n;
    return true;
  }
};

}  // namespace

const RecordedCodec* findCodec(const CodecMap& map, std::uint8_t payloadType) {
  for (const auto& c : map) {
    if (c.payloadType == payloadType) return &c;
  }
  return nullptr;
}

std::vector<std::uint8_t> encodeCodecMap(const CodecMap& map) {
  std::vector<std::uint8_t> out{0};
  std::size_t count = 0;
  for (std::size_t i = 0; i < map.size() && count < kMaxRecordedCodecs; ++i) {
    const auto& c = map[i];
    if (c.payloadType > 127 || !validName(c.name)) continue;
    const bool repeated = std::any_of(map.begin(), map.begin() + static_cast<std::ptrdiff_t>(i),
                                      [&](const RecordedCodec& d) {
                                        return d.payloadType == c.payloadType && validName(d.name);
                                      });
    if (repeated) continue;
    const auto* f = reinterpret_cast<const std::uint8_t*>(c.fmtp.data());
    const bool fmtpOk = validFmtp({f, c.fmtp.size()});
    const std::size_t fmtpLen = fmtpOk ? c.fmtp.size() : 0;
    // 16 codecs with the longest names and fmtp would not fit one record: those that do not
    // are left out (a browser offers a few, with fmtp lines of tens of bytes).
    if (out.size() + 9 + c.name.size() + fmtpLen > kMaxCodecRecord) continue;
    put(out, c.payloadType, 1);
    put(out, c.clockRate, 4);
    put(out, c.channels, 1);
    put(out, c.name.size(), 1);
    out.insert(out.end(), c.name.begin(), c.name.end());
    put(out, fmtpLen, 2);
    out.insert(out.end(), c.fmtp.begin(), c.fmtp.begin() + static_cast<std::ptrdiff_t>(fmtpLen));
    ++count;
  }
  out[0] = static_cast<std::uint8_t>(count);
  return out;
}

std::optional<CodecMap> decodeCodecMap(std::span<const std::uint8_t> body) {
  if (body.size() > kMaxCodecRecord) return std::nullopt;
  Cursor c{body};
  std::uint64_t count = 0;
  if (!c.take(1, count) || count > kMaxRecordedCodecs) return std::nullopt;
  CodecMap map;
  map.reserve(count);
  for (std::uint64_t i = 0; i < count; ++i) {
    std::uint64_t pt = 0, clock = 0, channels = 0, nameLen = 0, fmtpLen = 0;
    std::span<const std::uint8_t> name, fmtp;
    if (!c.take(1, pt) || pt > 127 || !c.take(4, clock) || !c.take(1, channels) ||
        !c.take(1, nameLen) || !c.bytes(nameLen, name) || !c.take(2, fmtpLen) ||
        fmtpLen > kMaxCodecFmtp || !c.bytes(fmtpLen, fmtp) || !validFmtp(fmtp)) {
      return std::nullopt;
    }
    RecordedCodec codec;
    codec.payloadType = static_cast<std::uint8_t>(pt);
    codec.name.assign(name.begin(), name.end());
    codec.clockRate = static_cast<std::uint32_t>(clock);
    codec.channels = static_cast<std::uint8_t>(channels);
    codec.fmtp.assign(fmtp.begin(), fmtp.end());
    if (!validName(codec.name) || findCodec(map, codec.payloadType)) return std::nullopt;
    map.push_back(std::move(codec));
  }
  if (c.at != body.size()) return std::nullopt;  // trailing bytes: not what a writer makes
  return map;
}

bool writeRawHeader(std::FILE* f, const CodecMap& codecs, std::uint64_t arrivalUs) {
  return std::fwrite(kRawMagic, 1, sizeof kRawMagic, f) == sizeof kRawMagic &&
         writeCodecRecord(f, arrivalUs, codecs);
}

bool writeCodecRecord(std::FILE* f, std::uint64_t arrivalUs, const CodecMap& codecs) {
  const auto body = encodeCodecMap(codecs);
  return writeRecord(f, kRawRecordCodecs, arrivalUs, body.data(), body.size());
}

bool writeRawRecord(std::FILE* f, std::uint64_t arrivalUs, const std::uint8_t* data,
                    std::size_t len) {
  if (len > kMaxRtpPacket) return false;
  return writeRecord(f, kRawRecordRtp, arrivalUs, data, len);
}

RawTrackReader::RawTrackReader(const std::string& path) {
  file_ = std::fopen(path.c_str(), "rb");
  open();
}

RawTrackReader::RawTrackReader(std::FILE* file) : file_(file) { open(); }

void RawTrackReader::open() {
  if (!file_) return;
  char magic[sizeof kRawMagic];
  if (std::fread(magic, 1, sizeof magic, file_) == sizeof magic) {
    if (std::memcmp(magic, kRawMagic, sizeof magic) == 0)
      version_ = 2;
    else if (std::memcmp(magic, kRawMagicV1, sizeof magic) == 0)
      version_ = 1;
  }
  if (version_ == 0) {
    std::fclose(file_);
    file_ = nullptr;
  }
}

RawTrackReader::~RawTrackReader() {
  if (file_) std::fclose(file_);
}

bool RawTrackReader::next(RawPacket& out) {
  if (!file_) return false;
  for (;;) {
    std::uint8_t h[kRawRecordHeader];
    if (std::fread(h, 1, sizeof h, file_) != sizeof h) return false;
    std::uint32_t word = 0;
    for (int i = 0; i < 4; ++i) word = (word << 8) | h[i];
    std::uint64_t arrival = 0;
    for (int i = 0; i < 8; ++i) arrival = (arrival << 8) | h[4 + i];
    // v1 has no types: its length word is all length (and never over 1500).
    const std::uint8_t type = version_ == 1 ? kRawRecordRtp : static_cast<std::uint8_t>(word >> 24);
    const std::size_t len = version_ == 1 ? word : (word & 0xFFFFFF);
    if (type == kRawRecordRtp) {
      if (len > kMaxRtpPacket) return false;
      out.arrivalUs = arrival;
      out.bytes.resize(len);
      return std::fread(out.bytes.data(), 1, len, file_) == len;
    }
    if (len > kMaxCodecRecord) return false;  // no record of any type is this long: damaged
    body_.resize(len);
    if (std::fread(body_.data(), 1, len, file_) != len) return false;
    if (type != kRawRecordCodecs) continue;  // a later version's record
    ++codecRecords_;
    if (auto map = decodeCodecMap({body_.data(), body_.size()})) {
      codecs_ = std::move(*map);
    } else {
      ++badRecords_;
      codecs_.clear();  // not known: the payloads are sniffed, never a half-read map trusted
    }
  }
}

std::vector<RawPacket> readRawTrack(const std::string& path) {
  std::vector<RawPacket> packets;
  RawTrackReader reader(path);
  RawPacket p;
  while (reader.next(p)) packets.push_back(std::move(p));
  return packets;
}

}  // namespace callpy::rtc::record
