#include "rtc/sdp/negotiation.h"

#include <algorithm>
#include <new>

#include "rtc/sdp/text.h"

namespace callpy::rtc::sdp {

namespace {

using text::iequals;

constexpr std::string_view kSecureProto = "UDP/TLS/RTP/SAVPF";

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool isOpus(const Codec& c) {
  return iequals(c.name, "opus") && c.clockRate == 48000 && c.channels == 2;
}
bool isVp8(const Codec& c) { return iequals(c.name, "VP8") && c.clockRate == 90000; }
bool isH264(const Codec& c) { return iequals(c.name, "H264") && c.clockRate == 90000; }

const Codec* chooseCodec(const MediaSection& m) {
  if (m.kind == MediaKind::Audio) {
    for (const auto& c : m.codecs) {
      if (isOpus(c)) return &c;
    }
    return nullptr;
  }
  for (const auto& c : m.codecs) {
    if (isVp8(c)) return &c;
  }
  // H.264: packetization-mode=1 only (mode 0 cannot carry our frame sizes in one NAL per packet);
  // constrained baseline first since every browser decodes it, then plain baseline.
  const Codec* baseline = nullptr;
  for (const auto& c : m.codecs) {
    if (!isH264(c) || fmtpParameter(c.fmtp, "packetization-mode") != "1") continue;
    const H264Profile p = h264Profile(c.fmtp);
    if (p == H264Profile::ConstrainedBaseline) return &c;
    if (p == H264Profile::Baseline && baseline == nullptr) baseline = &c;
  }
  return baseline;
}

Feedback feedbackOf(const Codec& c) {
  Feedback f;
  for (const auto& fb : c.feedback) {
    if (fb == "nack")
      f.nack = true;
    else if (fb == "nack pli")
      f.pli = true;
    else if (fb == "ccm fir")
      f.fir = true;
  }
  return f;
}

Direction mirror(Direction d) {
  switch (d) {
    case Direction::SendOnly:
      return Direction::RecvOnly;
    case Direction::RecvOnly:
      return Direction::SendOnly;
    default:
      return d;
  }
}

const Fingerprint* sha256Of(const MediaSection& m) {
  for (const auto& f : m.fingerprints) {
    if (f.algorithm == "sha-256" && f.value.size() == 32 * 3 - 1) return &f;
  }
  return nullptr;
}

std::string label(const MediaSection& m, std::size_t index) {
  std::string s = "m= section " + std::to_string(index + 1);
  if (!m.mid.empty()) s += " (mid " + m.mid + ")";
  return s;
}

NegotiationResult failWith(std::string message) {
  NegotiationResult r;
  r.error = std::move(message);
  return r;
}

NegotiationResult run(const SessionDescription& offer) {
  if (offer.media.empty()) return failWith("the offer has no m= sections");
  Negotiation n;
  n.extmapAllowMixed = offer.extmapAllowMixed;
  n.sections.resize(offer.media.size());
  const std::vector<std::string>* bundle = offer.bundle();
  std::size_t firstAccepted = offer.media.size();

  for (std::size_t i = 0; i < offer.media.size(); ++i) {
    const MediaSection& m = offer.media[i];
    SectionAnswer& out = n.sections[i];
    if (m.kind != MediaKind::Audio && m.kind != MediaKind::Video) {
      out.rejectReason = "media type '" + m.media + "' is not supported";
      continue;
    }
    if (m.port == 0 && !m.bundleOnly) {
      out.rejectReason = "the offer disabled this section (port 0)";
      continue;
    }
    const Codec* codec = chooseCodec(m);
    if (codec == nullptr) {
      out.rejectReason = m.kind == MediaKind::Audio
                             ? "no Opus/48000/2 codec offered"
                             : "no VP8 or H.264 (packetization-mode=1, baseline) codec offered";
      continue;
    }
    // A section we could use: from here on, what is missing is an error for the whole offer.
    if (m.proto != kSecureProto) {
      return failWith(label(m, i) + ": transport must be UDP/TLS/RTP/SAVPF, not " + m.proto);
    }
    if (m.mid.empty()) return failWith(label(m, i) + ": a=mid is missing");
    if (bundle == nullptr || std::find(bundle->begin(), bundle->end(), m.mid) == bundle->end()) {
      return failWith(label(m, i) + ": not in an a=group:BUNDLE group (BUNDLE is required)");
    }
    if (!m.rtcpMux) return failWith(label(m, i) + ": a=rtcp-mux is required");
    AcceptedMedia a;
    a.mid = m.mid;
    a.kind = m.kind;
    a.codec = *codec;
    a.feedback = feedbackOf(*codec);
    a.direction = mirror(m.direction);
    if (m.direction == Direction::SendRecv || m.direction == Direction::SendOnly) {
      a.remoteSsrcs = m.ssrcs;
    }
    if (const auto* ext = m.findExtension(kMidExtensionUri)) a.midExtensionId = ext->id;
    out.accepted = std::move(a);
    if (firstAccepted == offer.media.size()) firstAccepted = i;
  }
  if (firstAccepted == offer.media.size()) {
    std::string why;
    for (std::size_t i = 0; i < n.sections.size(); ++i) {
      why += (i ? "; " : "") + label(offer.media[i], i) + ": " + n.sections[i].rejectReason;
    }
    return failWith("no usable audio or video section in the offer (" + why + ")");
  }

  // The BUNDLE transport is the first accepted section's; every accepted section must agree with
  // it on the DTLS role so the single DTLS association fits all of them.
  const MediaSection& tag = offer.media[firstAccepted];
  if (tag.iceUfrag.empty() || tag.icePwd.empty()) {
    return failWith(label(tag, firstAccepted) + ": a=ice-ufrag and a=ice-pwd are required");
  }
  const Fingerprint* fp = sha256Of(tag);
  if (fp == nullptr) {
    return failWith(label(tag, firstAccepted) + ": a sha-256 a=fingerprint is required");
  }
  for (std::size_t i = 0; i < offer.media.size(); ++i) {
    if (!n.sections[i].accepted) continue;
    const Setup s = offer.media[i].setup;
    if (s != Setup::ActPass && s != Setup::Active && s != Setup::None) {
      return failWith(label(offer.media[i], i) + ": a=setup must be actpass or active, not " +
                      std::string(setupName(s)));
    }
  }
  n.remoteIceUfrag = tag.iceUfrag;
  n.remoteIcePwd = tag.icePwd;
  n.remoteFingerprintSha256 = fp->value;
  n.remoteSetup = tag.setup == Setup::ActPass ? Setup::ActPass : Setup::Active;
  for (const auto& mid : *bundle) {
    for (const auto& s : n.sections) {
      if (s.accepted && s.accepted->mid == mid &&
          std::find(n.bundleMids.begin(), n.bundleMids.end(), mid) == n.bundleMids.end()) {
        n.bundleMids.push_back(mid);
      }
    }
  }
  // The answerer tag goes first (RFC 8843 §7.3.1).
  if (n.bundleMids.front() != tag.mid) {
    n.bundleMids.erase(std::find(n.bundleMids.begin(), n.bundleMids.end(), tag.mid));
    n.bundleMids.insert(n.bundleMids.begin(), tag.mid);
  }
  NegotiationResult r;
  r.negotiation = std::move(n);
  return r;
}

}  // namespace

std::string_view fmtpParameter(std::string_view fmtp, std::string_view key) {
  std::size_t pos = 0;
  while (pos <= fmtp.size()) {
    std::size_t end = fmtp.find(';', pos);
    if (end == std::string_view::npos) end = fmtp.size();
    const std::string_view item = trim(fmtp.substr(pos, end - pos));
    const std::size_t eq = item.find('=');
    if (eq != std::string_view::npos && iequals(trim(item.substr(0, eq)), key)) {
      return trim(item.substr(eq + 1));
    }
    pos = end + 1;
  }
  return {};
}

H264Profile h264Profile(std::string_view fmtp) {
  std::string_view id = fmtpParameter(fmtp, "profile-level-id");
  if (id.empty()) return H264Profile::Baseline;  // RFC 6184 §8.1 default 42000A
  if (id.size() != 6) return H264Profile::Unknown;
  int v[3];
  for (int i = 0; i < 3; ++i) {
    const int hi = hexValue(id[2 * i]);
    const int lo = hexValue(id[2 * i + 1]);
    if (hi < 0 || lo < 0) return H264Profile::Unknown;
    v[i] = hi * 16 + lo;
  }
  const int idc = v[0];
  const int iop = v[1];
  // profile_idc/profile-iop patterns as in libwebrtc's h264_profile_level_id.cc.
  if ((idc == 0x42 && (iop & 0x4F) == 0x40) || (idc == 0x4D && (iop & 0x8F) == 0x80) ||
      (idc == 0x58 && (iop & 0xCF) == 0xC0)) {
    return H264Profile::ConstrainedBaseline;
  }
  if ((idc == 0x42 && (iop & 0x4F) == 0x00) || (idc == 0x58 && (iop & 0xCF) == 0x80)) {
    return H264Profile::Baseline;
  }
  return H264Profile::Other;
}

NegotiationResult negotiate(const SessionDescription& offer) {
  try {
    return run(offer);
  } catch (const std::bad_alloc&) {
    return failWith("out of memory while negotiating");
  }
}

}  // namespace callpy::rtc::sdp
