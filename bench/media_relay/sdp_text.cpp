#include "sdp_text.h"

#include <string_view>

namespace callpy::bench::media {

namespace {

void transport(std::string& s, const LocalMedia& l, const char* setup) {
  s += "c=IN IP4 0.0.0.0\r\na=rtcp:9 IN IP4 0.0.0.0\r\n";
  s += "a=ice-ufrag:" + l.ufrag + "\r\na=ice-pwd:" + l.pwd + "\r\na=ice-options:trickle\r\n";
  s += "a=fingerprint:sha-256 " + l.fingerprint + "\r\n";
  s += std::string("a=setup:") + setup + "\r\n";
}

// Candidates go into the first section only (BUNDLE: one transport).
void candidates(std::string& s, const LocalMedia& l) {
  for (const auto& c : l.candidates) s += "a=" + c + "\r\n";
  s += "a=end-of-candidates\r\n";
}

void ssrc(std::string& s, std::uint32_t ssrc, const LocalMedia& l, const char* track) {
  const auto n = std::to_string(ssrc);
  s += "a=msid:" + l.cname + " " + track + "\r\n";
  s += "a=ssrc:" + n + " cname:" + l.cname + "\r\n";
  s += "a=ssrc:" + n + " msid:" + l.cname + " " + track + "\r\n";
}

void audioCodec(std::string& s, int pt) {
  const auto p = std::to_string(pt);
  s += "a=rtpmap:" + p + " opus/48000/2\r\na=fmtp:" + p + " minptime=10;useinbandfec=1\r\n";
}

void videoCodec(std::string& s, int pt) {
  const auto p = std::to_string(pt);
  s += "a=rtpmap:" + p + " VP8/90000\r\n";
  s += "a=rtcp-fb:" + p + " nack\r\na=rtcp-fb:" + p + " nack pli\r\na=rtcp-fb:" + p + " ccm fir\r\n";
}

std::string header(const char* bundle) {
  std::string s = "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";
  s += std::string("a=group:BUNDLE ") + bundle + "\r\na=msid-semantic: WMS\r\n";
  return s;
}

}  // namespace

std::string writeOffer(const LocalMedia& l, bool video) {
  std::string s = header(video ? "0 1" : "0");
  s += "m=audio 9 UDP/TLS/RTP/SAVPF " + std::to_string(kOpusPt) + "\r\n";
  transport(s, l, "actpass");
  candidates(s, l);
  s += "a=mid:0\r\na=sendrecv\r\na=rtcp-mux\r\n";
  audioCodec(s, kOpusPt);
  ssrc(s, l.audioSsrc, l, "audio");
  if (video) {
    s += "m=video 9 UDP/TLS/RTP/SAVPF " + std::to_string(kVp8Pt) + "\r\n";
    transport(s, l, "actpass");
    s += "a=mid:1\r\na=sendrecv\r\na=rtcp-mux\r\na=rtcp-rsize\r\n";
    videoCodec(s, kVp8Pt);
    ssrc(s, l.videoSsrc, l, "video");
  }
  return s;
}

Answer writeAnswer(const rtc::sdp::SessionDescription& offer, const LocalMedia& l) {
  using rtc::sdp::Direction;
  using rtc::sdp::MediaKind;
  Answer a;
  std::string body, bundle;
  bool first = true;
  for (const auto& m : offer.media) {
    int pt = -1;
    const bool audio = m.kind == MediaKind::Audio && a.audioPt < 0;
    const bool video = m.kind == MediaKind::Video && a.videoPt < 0;
    for (const auto& c : m.codecs) {
      if (pt >= 0) break;
      if (audio && (c.name == "opus" || c.name == "OPUS") && c.clockRate == 48000) pt = c.payloadType;
      if (video && (c.name == "VP8" || c.name == "vp8")) pt = c.payloadType;
    }
    if (pt < 0 || m.port == 0) {
      body += "m=" + m.media + " 0 " + m.proto + " " + (m.formats.empty() ? "0" : m.formats[0]) + "\r\n";
      body += "c=IN IP4 0.0.0.0\r\n";
      if (!m.mid.empty()) body += "a=mid:" + m.mid + "\r\n";
      body += "a=inactive\r\n";
      continue;
    }
    (audio ? a.audioPt : a.videoPt) = pt;
    body += "m=" + m.media + " 9 UDP/TLS/RTP/SAVPF " + std::to_string(pt) + "\r\n";
    transport(body, l, "active");
    if (first) candidates(body, l);
    first = false;
    body += "a=mid:" + m.mid + "\r\n";
    switch (m.direction) {
      case Direction::SendOnly: body += "a=recvonly\r\n"; break;
      case Direction::RecvOnly: body += "a=sendonly\r\n"; break;
      case Direction::Inactive: body += "a=inactive\r\n"; break;
      default: body += "a=sendrecv\r\n";
    }
    body += "a=rtcp-mux\r\n";
    if (audio) audioCodec(body, pt);
    else videoCodec(body, pt);
    if (m.direction == Direction::SendRecv || m.direction == Direction::RecvOnly) {
      ssrc(body, audio ? l.audioSsrc : l.videoSsrc, l, audio ? "audio" : "video");
    }
    bundle += (bundle.empty() ? "" : " ") + m.mid;
  }
  if (a.audioPt < 0 && a.videoPt < 0) {
    a.error = "the offer has neither Opus nor VP8";
    return a;
  }
  a.sdp = header(bundle.c_str()) + body;
  return a;
}

RemoteTransport remoteTransport(const rtc::sdp::SessionDescription& d) {
  RemoteTransport r;
  for (const auto& m : d.media) {
    if (m.port == 0) continue;
    if (r.ufrag.empty()) {
      r.ufrag = m.iceUfrag;
      r.pwd = m.icePwd;
      r.setup = m.setup;
      for (const auto& f : m.fingerprints) {
        if (f.algorithm == "sha-256") r.fingerprint = f.value;
      }
    }
    r.candidates.insert(r.candidates.end(), m.candidates.begin(), m.candidates.end());
    r.endOfCandidates = r.endOfCandidates || m.endOfCandidates;
  }
  if (r.ufrag.empty() || r.pwd.empty()) r.error = "no ICE credentials";
  else if (r.fingerprint.empty()) r.error = "no sha-256 fingerprint";
  return r;
}

}  // namespace callpy::bench::media
