#pragma once
// Data model of a parsed SDP description (RFC 8866 with the WebRTC/JSEP attributes the daemon
// needs). Only what negotiation and the answer writer use is kept; every string here passed the
// parser's character checks, so the writer may echo it into an answer without re-escaping.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace callpy::rtc::sdp {

// Hard limits the parser enforces (the input comes from a browser we do not trust).
inline constexpr std::size_t kMaxInputBytes = 64 * 1024;
inline constexpr std::size_t kMaxLineBytes = 4096;
inline constexpr std::size_t kMaxMediaSections = 64;
inline constexpr std::size_t kMaxCodecsPerSection = 64;
inline constexpr std::size_t kMaxFeedbackPerCodec = 16;
inline constexpr std::size_t kMaxExtensionsPerSection = 32;
inline constexpr std::size_t kMaxSsrcsPerSection = 64;
inline constexpr std::size_t kMaxSsrcGroupsPerSection = 32;
inline constexpr std::size_t kMaxCandidatesPerSection = 64;
inline constexpr std::size_t kMaxFingerprints = 8;
inline constexpr std::size_t kMaxGroups = 16;

enum class MediaKind { Audio, Video, Application, Other };
enum class Direction { SendRecv, SendOnly, RecvOnly, Inactive };
// None: no a=setup seen (RFC 4145 then means "active").
enum class Setup { None, ActPass, Active, Passive, HoldConn };

struct Codec {
  std::uint8_t payloadType = 0;
  std::string name;  // as written ("opus", "VP8", "H264"); empty for unknown static PTs
  std::uint32_t clockRate = 0;
  std::uint8_t channels = 0;          // 0 = not given (1 for audio by default)
  std::string fmtp;                   // parameters after "a=fmtp:<pt> ", empty when absent
  std::vector<std::string> feedback;  // "nack", "nack pli", "ccm fir", "transport-cc", ...
};

struct HeaderExtension {
  int id = 0;  // 1..255
  std::string uri;
};

struct Fingerprint {
  std::string algorithm;  // lower case ("sha-256")
  std::string value;      // upper-case hex pairs separated by ':'
};

// One SSRC the offerer sends in this section (a=ssrc lines).
struct SsrcInfo {
  std::uint32_t ssrc = 0;
  std::string cname;
  std::string streamId;  // from "a=ssrc:N msid:<stream> <track>"
  std::string trackId;
};

struct SsrcGroup {
  std::string semantics;  // "FID", "FEC-FR", "SIM", ...
  std::vector<std::uint32_t> ssrcs;
};

struct Group {
  std::string semantics;  // "BUNDLE", "LS", ...
  std::vector<std::string> mids;
};

struct MediaSection {
  MediaKind kind = MediaKind::Other;
  std::string media;  // the m= media token ("audio", "video", "application", ...)
  std::uint16_t port = 0;
  std::string proto;                 // "UDP/TLS/RTP/SAVPF", "UDP/DTLS/SCTP", ...
  std::vector<std::string> formats;  // m= line formats as written
  std::size_t line = 0;              // 1-based line of the m= line

  std::string mid;
  Direction direction = Direction::SendRecv;
  bool rtcpMux = false;
  bool rtcpRsize = false;
  bool bundleOnly = false;
  std::string iceUfrag;  // inherited from the session level when absent here
  std::string icePwd;
  std::vector<Fingerprint> fingerprints;  // inherited likewise
  Setup setup = Setup::None;              // inherited likewise
  std::vector<std::string> candidates;    // attribute values "candidate:...", unvalidated
  bool endOfCandidates = false;

  std::vector<Codec> codecs;  // RTP protos only, in m= line order
  std::vector<HeaderExtension> extensions;
  // SSRCs the offerer sends, primaries only: the secondaries of FID (RTX) and FEC-FR groups
  // are left out (they are in ssrcGroups).
  std::vector<SsrcInfo> ssrcs;
  std::vector<SsrcGroup> ssrcGroups;
  std::string msidStream;  // a=msid:<stream> <track>
  std::string msidTrack;

  const Codec* findCodec(std::uint8_t pt) const {
    for (const auto& c : codecs) {
      if (c.payloadType == pt) return &c;
    }
    return nullptr;
  }
  const HeaderExtension* findExtension(std::string_view uri) const {
    for (const auto& e : extensions) {
      if (e.uri == uri) return &e;
    }
    return nullptr;
  }
};

struct SessionDescription {
  std::string originUsername;
  std::string sessionId;
  std::string sessionVersion;
  std::vector<Group> groups;
  bool extmapAllowMixed = false;
  bool iceLite = false;
  // Session-level transport values (also copied into the sections that do not repeat them).
  std::string iceUfrag;
  std::string icePwd;
  std::vector<Fingerprint> fingerprints;
  Setup setup = Setup::None;
  std::vector<MediaSection> media;

  // The first BUNDLE group's mids, or nullptr when there is none.
  const std::vector<std::string>* bundle() const {
    for (const auto& g : groups) {
      if (g.semantics == "BUNDLE") return &g.mids;
    }
    return nullptr;
  }
  const MediaSection* findMid(std::string_view mid) const {
    for (const auto& m : media) {
      if (!m.mid.empty() && m.mid == mid) return &m;
    }
    return nullptr;
  }
};

std::string_view directionName(Direction d);
std::string_view setupName(Setup s);

}  // namespace callpy::rtc::sdp
