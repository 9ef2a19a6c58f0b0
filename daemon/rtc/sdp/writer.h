#pragma once
// Writes the daemon's SDP answer for a negotiated browser offer (JSEP answer rules, RFC 8843
// BUNDLE): every offer m= line in order with its mid; rejected ones with port 0; accepted ones
// with the chosen codec only, a=setup:passive (the browser is the DTLS client), rtcp-mux, our ICE
// credentials and fingerprint; candidates and a=end-of-candidates in the BUNDLE-tag section; and
// a=msid + a=ssrc for the track the daemon sends in a section. CRLF line ends.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rtc/sdp/negotiation.h"
#include "rtc/sdp/session_description.h"

namespace callpy::rtc::sdp {

struct LocalTransport {
  std::string iceUfrag;                 // 4-256 ice-chars
  std::string icePwd;                   // 22-256 ice-chars
  std::string fingerprintSha256;        // "AB:CD:.." (32 bytes)
  std::vector<std::string> candidates;  // "candidate:..." (an "a=" prefix is accepted too)
  bool endOfCandidates = true;          // false while still gathering (trickle the rest)
  std::uint16_t port = 9;               // m= port of accepted sections (9 = "see candidates")
  std::string sessionId = "1";          // o= sess-id (digits)
  std::string sessionVersion = "2";     // o= sess-version (digits)
};

// What the daemon sends in one offer m= line.
struct OutgoingTrack {
  std::uint32_t ssrc = 0;
  std::string cname;
  std::string streamId;
  std::string trackId;
};

// Returns the answer, or an empty string when a local input is not valid SDP (bad credentials,
// fingerprint, candidate or track ids: these come from the daemon, so that is a bug, never a
// browser's doing). outgoing is indexed like offer.media (missing entries = nothing sent); a
// track is only written where the negotiated direction lets the daemon send.
std::string writeAnswer(const SessionDescription& offer, const Negotiation& negotiation,
                        const LocalTransport& local,
                        const std::vector<std::optional<OutgoingTrack>>& outgoing);

}  // namespace callpy::rtc::sdp
