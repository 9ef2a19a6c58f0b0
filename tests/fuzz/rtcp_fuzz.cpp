// libFuzzer target for compound RTCP. The input is parsed block by block with every parser
// (SR/RR report blocks, SDES items, BYE, NACK expansion, PLI, FIR); views must stay inside the
// input. Then SSRCs are rewritten on a copy: the identity map must leave the bytes unchanged, a
// constant map must keep the block structure. Expanded NACK sequence numbers are packed again
// with buildNack and must expand to the same set.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "rtc/rtp/rtcp_builder.h"
#include "rtc/rtp/rtcp_packet.h"

using namespace callpy::rtc::rtp;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

struct Range {
  const std::uint8_t* begin;
  const std::uint8_t* end;
  bool contains(std::span<const std::uint8_t> s) const {
    return s.empty() || (s.data() >= begin && s.data() + s.size() <= end);
  }
};

std::vector<std::uint16_t> expand(const Nack& n) {
  std::vector<std::uint16_t> seqs;
  forEachNackedSeq(n, [&](std::uint16_t s) { seqs.push_back(s); });
  return seqs;
}

std::vector<std::pair<std::uint8_t, std::size_t>> structure(const std::uint8_t* d, std::size_t n) {
  std::vector<std::pair<std::uint8_t, std::size_t>> out;
  RtcpReader r(d, n);
  RtcpBlock b;
  while (r.next(b)) out.emplace_back(b.type, b.packet.size());
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const Range all{data, data + size};
  RtcpReader reader(data, size);
  RtcpBlock b;
  std::size_t total = 0;
  while (reader.next(b)) {
    check(all.contains(b.packet) && all.contains(b.body));
    check(b.offset == total);
    total += b.packet.size();
    if (auto sr = parseSenderReport(b)) {
      check(all.contains(sr->blocks));
      for (std::size_t i = 0; i < sr->reportCount; ++i) (void)sr->reportBlock(i);
    }
    if (auto rr = parseReceiverReport(b)) {
      check(all.contains(rr->blocks));
      for (std::size_t i = 0; i < rr->reportCount; ++i) (void)rr->reportBlock(i);
    }
    SdesReader sdes(b);
    SdesItem item;
    while (sdes.next(item)) {
      check(all.contains({reinterpret_cast<const std::uint8_t*>(item.text.data()), item.text.size()}));
    }
    if (auto bye = parseBye(b)) {
      check(all.contains(bye->ssrcs));
      check(all.contains({reinterpret_cast<const std::uint8_t*>(bye->reason.data()), bye->reason.size()}));
    }
    if (auto nack = parseNack(b)) {
      check(all.contains(nack->fci));
      const auto seqs = expand(*nack);
      if (!seqs.empty()) {
        std::vector<std::uint8_t> out(16 + 4 * seqs.size());
        const std::size_t n = buildNack(out, 1, 2, seqs);
        check(n > 0);
        RtcpReader again(out.data(), n);
        RtcpBlock blk;
        check(again.next(blk));
        auto rebuilt = parseNack(blk);
        check(rebuilt.has_value());
        auto a = seqs;
        auto c = expand(*rebuilt);
        std::sort(a.begin(), a.end());
        a.erase(std::unique(a.begin(), a.end()), a.end());
        std::sort(c.begin(), c.end());
        c.erase(std::unique(c.begin(), c.end()), c.end());
        check(a == c);
      }
    }
    if (auto pli = parsePli(b)) (void)pli->mediaSsrc;
    if (auto fir = parseFir(b)) {
      check(all.contains(fir->fci));
      for (std::size_t i = 0; i < fir->entryCount; ++i) (void)fir->entry(i);
    }
  }
  check(reader.error() || total == size);

  std::vector<std::uint8_t> copy(data, data + size);
  const bool okIdentity =
      rewriteSsrcs(copy.data(), copy.size(), [](SsrcField, std::uint32_t s) { return s; });
  check(okIdentity == !reader.error());
  check(std::equal(copy.begin(), copy.end(), data));
  rewriteSsrcs(copy.data(), copy.size(), [](SsrcField, std::uint32_t) { return 0xDEADBEEFu; });
  check(structure(copy.data(), copy.size()) == structure(data, size));
  return 0;
}
