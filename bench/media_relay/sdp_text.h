#pragma once
// The SDP the benchmark client writes: an offer like a browser's (Unified Plan, BUNDLE,
// rtcp-mux, a=setup:actpass, one Opus and one VP8 section with a=ssrc lines) and an answer to a
// relay's offer (Janus VideoCall offers to the callee), a=setup:active.
#include <cstdint>
#include <string>
#include <vector>

#include "rtc/sdp/session_description.h"

namespace callpy::bench::media {

inline constexpr std::uint8_t kOpusPt = 111;
inline constexpr std::uint8_t kVp8Pt = 96;

struct LocalMedia {
  std::string ufrag, pwd, fingerprint;  // fingerprint "AB:CD:.."
  std::vector<std::string> candidates;  // "candidate:..." (no a=)
  std::uint32_t audioSsrc = 0, videoSsrc = 0;
  std::string cname;
};

std::string writeOffer(const LocalMedia& local, bool video);

struct Answer {
  std::string sdp;
  int audioPt = -1, videoPt = -1;  // what we send with (the offer's payload types)
  std::string error;
};
// Accepts the first audio section with Opus and the first video section with VP8; every other
// section is rejected (port 0).
Answer writeAnswer(const rtc::sdp::SessionDescription& offer, const LocalMedia& local);

// The transport values of a remote description (first section, session values inherited).
struct RemoteTransport {
  std::string ufrag, pwd, fingerprint;
  rtc::sdp::Setup setup = rtc::sdp::Setup::None;
  std::vector<std::string> candidates;
  bool endOfCandidates = false;
  std::string error;
};
RemoteTransport remoteTransport(const rtc::sdp::SessionDescription& d);

}  // namespace callpy::bench::media
