#include "rtc/record/opus_packet.h"

namespace callpy::rtc::record {

namespace {

// Reads a frame length (RFC 6716 §3.2.1) at `pos`; false when it runs past the end.
bool readLength(std::span<const std::uint8_t> p, std::size_t& pos, std::size_t& length) {
  if (pos >= p.size()) return false;
  const std::size_t b0 = p[pos];
  if (b0 < 252) {
    length = b0;
    pos += 1;
    return true;
  }
  if (pos + 1 >= p.size()) return false;
  length = p[pos + 1] * 4 + b0;
  pos += 2;
  return true;
}

}  // namespace

int opusSamplesPerFrame(std::uint8_t toc) {
  const int config = toc >> 3;
  if (config < 12) {  // SILK-only: 10, 20, 40, 60 ms
    static constexpr int kSilk[] = {480, 960, 1920, 2880};
    return kSilk[config & 3];
  }
  if (config < 16) return (config & 1) ? 960 : 480;  // hybrid: 10, 20 ms
  return 120 << (config & 3);                       // CELT-only: 2.5, 5, 10, 20 ms
}

std::optional<OpusPacketInfo> parseOpusPacket(std::span<const std::uint8_t> p) {
  if (p.empty()) return std::nullopt;  // R1
  OpusPacketInfo info;
  info.toc = p[0];
  info.code = p[0] & 3;
  info.samplesPerFrame = opusSamplesPerFrame(p[0]);
  std::size_t pos = 1;
  switch (info.code) {
    case 0:
      info.frameCount = 1;
      info.frameSize[0] = static_cast<std::uint16_t>(p.size() - 1);
      break;
    case 1:
      if ((p.size() - 1) % 2 != 0) return std::nullopt;  // R3
      info.frameCount = 2;
      info.frameSize[0] = info.frameSize[1] = static_cast<std::uint16_t>((p.size() - 1) / 2);
      break;
    case 2: {
      std::size_t n1 = 0;
      if (!readLength(p, pos, n1) || n1 > p.size() - pos) return std::nullopt;  // R4
      info.frameCount = 2;
      info.frameSize[0] = static_cast<std::uint16_t>(n1);
      info.frameSize[1] = static_cast<std::uint16_t>(p.size() - pos - n1);
      break;
    }
    default: {
      if (p.size() < 2) return std::nullopt;  // R6
      const std::uint8_t count = p[1];
      const bool vbr = (count & 0x80) != 0;
      const bool padded = (count & 0x40) != 0;
      info.frameCount = count & 0x3F;
      pos = 2;
      if (info.frameCount == 0 ||
          static_cast<int>(info.frameCount) * info.samplesPerFrame > 5760) {  // R5
        return std::nullopt;
      }
      if (padded) {
        for (;;) {
          if (pos >= p.size()) return std::nullopt;
          const std::uint8_t b = p[pos++];
          info.paddingLength += b == 255 ? 254 : b;
          if (b != 255) break;
        }
      }
      if (pos > p.size() || info.paddingLength > p.size() - pos) return std::nullopt;  // R6/R7
      const std::size_t end = p.size() - info.paddingLength;
      if (vbr) {
        std::size_t used = 0;
        for (std::size_t i = 0; i + 1 < info.frameCount; ++i) {
          std::size_t n = 0;
          if (!readLength(p, pos, n)) return std::nullopt;
          info.frameSize[i] = static_cast<std::uint16_t>(n);
          used += n;
        }
        if (pos > end || used > end - pos) return std::nullopt;  // R7
        info.frameSize[info.frameCount - 1] = static_cast<std::uint16_t>(end - pos - used);
      } else {
        const std::size_t total = end - pos;
        if (total % info.frameCount != 0) return std::nullopt;  // R6
        for (std::size_t i = 0; i < info.frameCount; ++i) {
          info.frameSize[i] = static_cast<std::uint16_t>(total / info.frameCount);
        }
      }
    }
  }
  info.headerLength = pos;
  for (std::size_t i = 0; i < info.frameCount; ++i) {
    if (info.frameSize[i] > kOpusMaxFrameSize) return std::nullopt;  // R2
  }
  return info;
}

void appendFrameLength(std::size_t length, std::vector<std::uint8_t>& out) {
  if (length < 252) {
    out.push_back(static_cast<std::uint8_t>(length));
    return;
  }
  const std::size_t b0 = 252 + (length & 3);
  out.push_back(static_cast<std::uint8_t>(b0));
  out.push_back(static_cast<std::uint8_t>((length - b0) >> 2));
}

void appendSelfDelimited(std::span<const std::uint8_t> packet, const OpusPacketInfo& info,
                         std::vector<std::uint8_t>& out) {
  // Appendix B: the normal framing plus the size of the last frame (for codes 0, 1 and CBR
  // code 3 that is the size every frame has), inserted right after the sizes already present.
  out.insert(out.end(), packet.begin(), packet.begin() + static_cast<long>(info.headerLength));
  appendFrameLength(info.frameSize[info.frameCount - 1], out);
  out.insert(out.end(), packet.begin() + static_cast<long>(info.headerLength), packet.end());
}

}  // namespace callpy::rtc::record
