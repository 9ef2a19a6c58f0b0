// libFuzzer target for the WebSocket frame parser. The first byte picks limits and a seed; the
// rest is a client byte stream, parsed once whole and once in random chunk splits. Both runs must
// report the same events and end in the same state, and every reported message must respect the
// limits and, for text, be UTF-8.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "realtime/ws_frame.h"

namespace {

using callpy::realtime::FrameLimits;
using callpy::realtime::FrameParser;
using callpy::realtime::FrameSink;
using callpy::realtime::Opcode;

// Independent of the parser's own validator: decode code points the slow, obvious way.
bool slowUtf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t len;
    std::uint32_t cp;
    if (c < 0x80) { len = 1; cp = c; }
    else if ((c & 0xE0) == 0xC0) { len = 2; cp = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { len = 3; cp = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { len = 4; cp = c & 0x07; }
    else return false;
    if (i + len > s.size()) return false;
    for (std::size_t k = 1; k < len; ++k) {
      const auto d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    const std::uint32_t minimum[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < minimum[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

struct Recorder : FrameSink {
  const FrameLimits* limits;
  std::string log;
  void add(char kind, std::string_view p, std::uint16_t code = 0) {
    log.push_back(kind);
    log.append(std::to_string(p.size()));
    log.push_back(':');
    log.append(p);
    log.append(std::to_string(code));
  }
  void onMessage(Opcode op, std::string_view p) override {
    if (p.size() > limits->maxMessage) std::abort();
    if (op == Opcode::Text && !slowUtf8(p)) std::abort();
    if (op != Opcode::Text && op != Opcode::Binary) std::abort();
    add(op == Opcode::Text ? 'T' : 'B', p);
  }
  void onPing(std::string_view p) override {
    if (p.size() > 125) std::abort();
    add('i', p);
  }
  void onPong(std::string_view p) override {
    if (p.size() > 125) std::abort();
    add('o', p);
  }
  void onClose(std::uint16_t code, std::string_view reason) override {
    if (!slowUtf8(reason) || reason.size() > 123) std::abort();
    add('C', reason, code);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  FrameLimits limits;
  const std::uint8_t mode = data[0];
  if (mode & 1) {  // small limits reach the 1009 paths with short inputs
    limits.maxFrame = 1 + (mode >> 1) * 4;
    limits.maxMessage = limits.maxFrame * (1 + (mode >> 5));
  }
  const std::string input(reinterpret_cast<const char*>(data) + 1, size - 1);

  Recorder whole;
  whole.limits = &limits;
  FrameParser a(limits);
  std::string bufA = input;
  const auto statusA = a.feed(bufA.data(), bufA.size(), whole);

  Recorder split;
  split.limits = &limits;
  FrameParser b(limits);
  std::string bufB = input;
  std::uint32_t rng = 0x9E3779B9u ^ mode ^ static_cast<std::uint32_t>(size);
  std::size_t pos = 0;
  auto statusB = b.status();
  while (pos < bufB.size() && statusB == FrameParser::Status::Ok) {
    rng = rng * 1664525u + 1013904223u;
    const std::size_t n = std::min<std::size_t>(bufB.size() - pos, 1 + (rng >> 24) % 17);
    statusB = b.feed(bufB.data() + pos, n, split);
    pos += n;
  }
  if (statusA != statusB || whole.log != split.log) std::abort();
  if (statusA == FrameParser::Status::Failed && a.errorCode() != b.errorCode()) std::abort();
  return 0;
}
