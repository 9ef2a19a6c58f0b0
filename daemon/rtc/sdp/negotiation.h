#pragma once
// Answer-side negotiation of a browser offer for the daemon's SFU legs: one Opus audio codec,
// one VP8 (else H.264 constrained-baseline/baseline, packetization-mode=1) video codec per
// section, BUNDLE + rtcp-mux + DTLS-SRTP mandatory, no RTX/RED/ULPFEC, feedback limited to what
// the media path implements (generic NACK, PLI, FIR).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rtc/sdp/session_description.h"

namespace callpy::rtc::sdp {

inline constexpr std::string_view kMidExtensionUri = "urn:ietf:params:rtp-hdrext:sdes:mid";

struct Feedback {
  bool nack = false;  // a=rtcp-fb:<pt> nack
  bool pli = false;   // a=rtcp-fb:<pt> nack pli
  bool fir = false;   // a=rtcp-fb:<pt> ccm fir
};

struct AcceptedMedia {
  std::string mid;
  MediaKind kind = MediaKind::Audio;
  Codec codec;        // the offer's codec (its PT and fmtp), feedback as offered
  Feedback feedback;  // the subset of the offer's feedback we answer with
  Direction direction = Direction::SendRecv;  // the answer's direction (mirror of the offer's)
  std::vector<SsrcInfo> remoteSsrcs;          // what the browser sends here (primaries)
  std::optional<int> midExtensionId;          // sdes:mid extension id when offered
};

// One entry per offer m= line, same order.
struct SectionAnswer {
  std::optional<AcceptedMedia> accepted;  // empty: rejected (port 0 in the answer)
  std::string rejectReason;               // why, when rejected
};

struct Negotiation {
  std::vector<SectionAnswer> sections;
  std::vector<std::string> bundleMids;  // accepted mids, first = the answerer BUNDLE tag
  // The remote transport: taken from the first accepted section (the BUNDLE tag).
  std::string remoteIceUfrag;
  std::string remoteIcePwd;
  std::string remoteFingerprintSha256;  // "AB:CD:..", upper case
  Setup remoteSetup = Setup::ActPass;   // ActPass or Active; we answer passive either way
  bool extmapAllowMixed = false;
};

struct NegotiationResult {
  std::optional<Negotiation> negotiation;
  std::string error;  // English, for logs and the call-failed frame
  bool ok() const { return negotiation.has_value(); }
};

NegotiationResult negotiate(const SessionDescription& offer);

// Exposed for tests: H.264 profile class of an fmtp profile-level-id (RFC 6184 + the
// constrained-baseline patterns of RFC 6184 §8.1 / libwebrtc).
enum class H264Profile { Unknown, ConstrainedBaseline, Baseline, Other };
H264Profile h264Profile(std::string_view fmtp);
// The value of one fmtp parameter ("a=b;c=d"), empty when absent.
std::string_view fmtpParameter(std::string_view fmtp, std::string_view key);

}  // namespace callpy::rtc::sdp
