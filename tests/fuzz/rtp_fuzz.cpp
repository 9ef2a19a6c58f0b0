// libFuzzer target for the RTP path. The first byte picks the payload format and the clock; the
// rest is a sequence of packets, each prefixed by a length byte and a control byte (switch source
// before it, time step). Every packet is parsed (header, all extension ids, VP8 descriptor), then
// rewritten on a copy through one OutgoingStream, stored in a retransmit buffer and counted in
// receiver stats. Invariants: the view stays inside the buffer; a rewritten packet still parses
// with the same layout, carries the stream's SSRC/PT and comes back from the buffer unchanged.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "rtc/rtp/demux.h"
#include "rtc/rtp/outgoing_stream.h"
#include "rtc/rtp/receiver_stats.h"
#include "rtc/rtp/retransmit_buffer.h"
#include "rtc/rtp/rtp_packet.h"
#include "rtc/rtp/vp8_descriptor.h"

using namespace callpy::rtc::rtp;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

void inspect(std::uint8_t* data, std::size_t len) {
  (void)classify(data, len);
  auto p = RtpPacket::parse(data, len);
  if (!p) return;
  check(p->headerLength() + p->paddingLength() + p->payloadLength() == len);
  check(p->headerLength() >= kRtpFixedHeader);
  for (unsigned id = 0; id < 256; ++id) {
    if (auto e = p->extension(static_cast<std::uint8_t>(id))) {
      check(e->data() >= data && e->data() + e->size() <= data + p->headerLength());
    }
  }
  if (auto d = parseVp8Descriptor(p->payload())) check(d->size <= p->payloadLength());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::uint8_t mode = data[0];
  const PayloadFormat format = (mode & 1) ? PayloadFormat::Vp8 : PayloadFormat::Generic;
  const std::uint32_t clock = (mode & 2) ? 90000 : 48000;
  OutgoingStream stream(0x0A0B0C0D, 100, clock, format);
  RetransmitBuffer buffer(16, 256);
  ReceiverStats stats(0x1234, clock);
  std::uint64_t now = 1'000'000;
  std::vector<std::uint8_t> copy;

  std::size_t pos = 1;
  while (pos + 2 <= size) {
    const std::size_t len = data[pos];
    const std::uint8_t control = data[pos + 1];
    pos += 2;
    const std::size_t n = std::min(len, size - pos);
    copy.assign(data + pos, data + pos + n);
    pos += n;

    inspect(copy.data(), copy.size());
    if (auto p = RtpPacket::parse(copy.data(), copy.size()))
      stats.onPacket(p->sequenceNumber(), p->timestamp(), now);
    if (control & 0x80) stream.switchSource();
    now += (control & 0x7F) * 1000u;

    std::vector<std::uint8_t> before = copy;
    if (stream.rewrite(copy.data(), copy.size(), now)) {
      auto p = RtpPacket::parse(copy.data(), copy.size());
      check(p.has_value());
      auto orig = RtpPacket::parse(before.data(), before.size());
      check(orig.has_value());
      check(p->headerLength() == orig->headerLength() && p->payloadLength() == orig->payloadLength());
      check(p->ssrc() == 0x0A0B0C0D && p->payloadType() == 100);
      check(p->marker() == orig->marker());
      if (format == PayloadFormat::Generic)
        check(std::memcmp(copy.data() + p->headerLength(), before.data() + p->headerLength(),
                          copy.size() - p->headerLength()) == 0);
      if (buffer.store(copy.data(), copy.size())) {
        auto found = buffer.find(p->sequenceNumber());
        check(found.size() == copy.size() && std::memcmp(found.data(), copy.data(), copy.size()) == 0);
      }
    } else {
      check(copy == before);  // a refused packet is never half-rewritten
    }
  }
  (void)stats.makeReportBlock(now);
  return 0;
}
