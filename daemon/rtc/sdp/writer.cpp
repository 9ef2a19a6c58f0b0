#include "rtc/sdp/writer.h"

#include <string_view>
#include <type_traits>

#include "rtc/sdp/text.h"

namespace callpy::rtc::sdp {

namespace {

using text::isIceChars;
using text::isVisible;

bool isDigits(std::string_view s) {
  if (s.empty() || s.size() > 20) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

bool isFingerprint(std::string_view v) {
  if (v.size() != 32 * 3 - 1) return false;
  for (std::size_t i = 0; i < v.size(); ++i) {
    const char c = v[i];
    if (i % 3 == 2) {
      if (c != ':') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

// A candidate value: printable ASCII with single inner spaces, starting "candidate:".
std::string_view candidateValue(std::string_view line) {
  if (line.substr(0, 2) == "a=") line.remove_prefix(2);
  if (line.substr(0, 10) != "candidate:" || line.size() > kMaxLineBytes - 2) return {};
  for (char c : line) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7F) return {};
  }
  return line;
}

bool validLocal(const LocalTransport& l) {
  if (!isIceChars(l.iceUfrag) || l.iceUfrag.size() < 4 || l.iceUfrag.size() > 256) return false;
  if (!isIceChars(l.icePwd) || l.icePwd.size() < 22 || l.icePwd.size() > 256) return false;
  if (!isFingerprint(l.fingerprintSha256)) return false;
  if (!isDigits(l.sessionId) || !isDigits(l.sessionVersion)) return false;
  for (const auto& c : l.candidates) {
    if (candidateValue(c).empty()) return false;
  }
  return true;
}

bool validTrack(const OutgoingTrack& t) {
  return isVisible(t.cname) && isVisible(t.streamId) && isVisible(t.trackId);
}

class Out {
 public:
  void line(std::string_view a) {
    s_.append(a);
    s_.append("\r\n");
  }
  template <typename... Parts>
  void line(std::string_view a, const Parts&... parts) {
    s_.append(a);
    (append(parts), ...);
    s_.append("\r\n");
  }
  std::string take() { return std::move(s_); }

 private:
  void append(std::string_view p) { s_.append(p); }
  void append(const std::string& p) { s_.append(p); }
  void append(const char* p) { s_.append(p); }
  template <typename N>
  void append(N n) requires std::is_integral_v<N> {
    s_.append(std::to_string(n));
  }
  std::string s_;
};

void writeRejected(Out& out, const MediaSection& m) {
  // Keep the offer's media and proto; one format is enough (the m= line needs one).
  out.line("m=", m.media, " 0 ", m.proto, " ", m.formats.front());
  out.line("c=IN IP4 0.0.0.0");
  if (!m.mid.empty()) out.line("a=mid:", m.mid);
  if (m.kind == MediaKind::Audio || m.kind == MediaKind::Video) {
    out.line("a=inactive");
    if (!m.codecs.empty() && !m.codecs.front().name.empty()) {
      const Codec& c = m.codecs.front();
      if (c.channels > 0) {
        out.line("a=rtpmap:", int(c.payloadType), " ", c.name, "/", c.clockRate, "/",
                 int(c.channels));
      } else {
        out.line("a=rtpmap:", int(c.payloadType), " ", c.name, "/", c.clockRate);
      }
    }
  }
}

void writeAccepted(Out& out, const MediaSection& m, const AcceptedMedia& a, const LocalTransport& l,
                   bool tag, const OutgoingTrack* track) {
  const Codec& c = a.codec;
  const int pt = c.payloadType;
  out.line("m=", m.media, " ", l.port, " UDP/TLS/RTP/SAVPF ", pt);
  out.line("c=IN IP4 0.0.0.0");
  // Transport attributes are repeated in every bundled section as browsers do themselves; the
  // values are identical, so it does not matter which section the peer reads them from.
  out.line("a=ice-ufrag:", l.iceUfrag);
  out.line("a=ice-pwd:", l.icePwd);
  out.line("a=ice-options:trickle");
  out.line("a=fingerprint:sha-256 ", l.fingerprintSha256);
  out.line("a=setup:passive");
  out.line("a=mid:", a.mid);
  if (a.midExtensionId) out.line("a=extmap:", *a.midExtensionId, " ", kMidExtensionUri);
  out.line("a=", directionName(a.direction));
  if (track != nullptr) out.line("a=msid:", track->streamId, " ", track->trackId);
  out.line("a=rtcp-mux");
  if (m.rtcpRsize) out.line("a=rtcp-rsize");
  if (c.channels > 0) {
    out.line("a=rtpmap:", pt, " ", c.name, "/", c.clockRate, "/", int(c.channels));
  } else {
    out.line("a=rtpmap:", pt, " ", c.name, "/", c.clockRate);
  }
  if (a.feedback.nack) out.line("a=rtcp-fb:", pt, " nack");
  if (a.feedback.pli) out.line("a=rtcp-fb:", pt, " nack pli");
  if (a.feedback.fir) out.line("a=rtcp-fb:", pt, " ccm fir");
  if (!c.fmtp.empty()) out.line("a=fmtp:", pt, " ", c.fmtp);
  if (track != nullptr) {
    out.line("a=ssrc:", track->ssrc, " cname:", track->cname);
    out.line("a=ssrc:", track->ssrc, " msid:", track->streamId, " ", track->trackId);
  }
  if (tag) {
    for (const auto& cand : l.candidates) out.line("a=", candidateValue(cand));
    if (l.endOfCandidates) out.line("a=end-of-candidates");
  }
}

}  // namespace

std::string writeAnswer(const SessionDescription& offer, const Negotiation& negotiation,
                        const LocalTransport& local,
                        const std::vector<std::optional<OutgoingTrack>>& outgoing) {
  if (!validLocal(local) || negotiation.sections.size() != offer.media.size()) return {};
  for (const auto& t : outgoing) {
    if (t && !validTrack(*t)) return {};
  }
  Out out;
  out.line("v=0");
  out.line("o=- ", local.sessionId, " ", local.sessionVersion, " IN IP4 127.0.0.1");
  out.line("s=-");
  out.line("t=0 0");
  if (!negotiation.bundleMids.empty()) {
    std::string group = "a=group:BUNDLE";
    for (const auto& mid : negotiation.bundleMids) group += " " + mid;
    out.line(group);
  }
  if (negotiation.extmapAllowMixed) out.line("a=extmap-allow-mixed");
  out.line("a=msid-semantic:WMS *");
  const std::string tagMid = negotiation.bundleMids.empty() ? "" : negotiation.bundleMids.front();
  for (std::size_t i = 0; i < offer.media.size(); ++i) {
    const MediaSection& m = offer.media[i];
    const auto& accepted = negotiation.sections[i].accepted;
    if (!accepted) {
      writeRejected(out, m);
      continue;
    }
    const bool sends =
        accepted->direction == Direction::SendRecv || accepted->direction == Direction::SendOnly;
    const OutgoingTrack* track =
        (sends && i < outgoing.size() && outgoing[i]) ? &*outgoing[i] : nullptr;
    writeAccepted(out, m, *accepted, local, accepted->mid == tagMid, track);
  }
  return out.take();
}

}  // namespace callpy::rtc::sdp
