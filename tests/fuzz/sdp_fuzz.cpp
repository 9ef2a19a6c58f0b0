// libFuzzer target for the SDP path a browser offer takes: parse(); when it parses, negotiate();
// when that succeeds, writeAnswer() and parse the answer again, which must always succeed and keep
// the offer's m= lines and mids in order. Candidate lines found in the offer go through
// parseCandidate(), and what formatCandidate() writes must parse back to the same text.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rtc/sdp/candidate.h"
#include "rtc/sdp/negotiation.h"
#include "rtc/sdp/parser.h"
#include "rtc/sdp/writer.h"

namespace sdp = callpy::rtc::sdp;

namespace {

void checkCandidate(std::string_view line) {
  const sdp::CandidateResult r = sdp::parseCandidate(line);
  if (!r.ok()) {
    if (r.error.empty()) std::abort();
    return;
  }
  const std::string once = sdp::formatCandidate(*r.candidate);
  const sdp::CandidateResult again = sdp::parseCandidate(once);
  if (!again.ok() || sdp::formatCandidate(*again.candidate) != once) std::abort();
  (void)sdp::rewriteAddress(once, "203.0.113.50");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  checkCandidate(input.substr(0, 300));
  const sdp::ParseResult offer = sdp::parse(input);
  if (!offer.ok()) {
    if (offer.error.message.empty()) std::abort();
    return 0;
  }
  const sdp::SessionDescription& d = *offer.description;
  if (d.media.size() > sdp::kMaxMediaSections) std::abort();
  for (const auto& m : d.media) {
    if (m.codecs.size() > sdp::kMaxCodecsPerSection) std::abort();
    for (const auto& c : m.candidates) checkCandidate(c);
  }
  const sdp::NegotiationResult n = sdp::negotiate(d);
  if (!n.ok()) {
    if (n.error.empty()) std::abort();
    return 0;
  }
  if (n.negotiation->sections.size() != d.media.size() || n.negotiation->bundleMids.empty()) {
    std::abort();
  }
  sdp::LocalTransport local;
  local.iceUfrag = "cPyU";
  local.icePwd = "k3Qz9vW2xR7tY1uI5oP8aS4d";
  local.fingerprintSha256 =
      "0F:1E:2D:3C:4B:5A:69:78:87:96:A5:B4:C3:D2:E1:F0:0F:1E:2D:3C:4B:5A:69:78:87:96:A5:B4:C3:D2:"
      "E1:F0";
  local.candidates = {"candidate:1 1 udp 2130706431 192.0.2.10 40000 typ host"};
  std::vector<std::optional<sdp::OutgoingTrack>> out;
  for (std::size_t i = 0; i < d.media.size(); ++i) {
    out.push_back(sdp::OutgoingTrack{static_cast<std::uint32_t>(1000 + i), "callpy", "s",
                                     "t" + std::to_string(i)});
  }
  const std::string answer = sdp::writeAnswer(d, *n.negotiation, local, out);
  if (answer.empty()) std::abort();
  const sdp::ParseResult back = sdp::parse(answer);
  if (!back.ok()) std::abort();
  if (back.description->media.size() != d.media.size()) std::abort();
  for (std::size_t i = 0; i < d.media.size(); ++i) {
    const auto& a = back.description->media[i];
    if (a.mid != d.media[i].mid) std::abort();
    if ((a.port == 0) != !n.negotiation->sections[i].accepted.has_value()) std::abort();
  }
  return 0;
}
