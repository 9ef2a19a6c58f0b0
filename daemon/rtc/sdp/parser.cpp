#include "rtc/sdp/parser.h"

#include <algorithm>
#include <new>
#include <utility>

#include "rtc/sdp/text.h"

namespace callpy::rtc::sdp {

namespace {

using text::isIceChars;
using text::isToken;
using text::isVisible;
using text::parseUint;
using text::splitSpaces;

// Printable ASCII including inner spaces, no leading/trailing space (fmtp values).
bool isPrintable(std::string_view s) {
  if (s.empty() || s.front() == ' ' || s.back() == ' ') return false;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7F) return false;
  }
  return true;
}

bool isHexDigit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// "AB:CD:.." (1..64 bytes) -> upper case, or empty when malformed.
std::string normaliseFingerprint(std::string_view v) {
  if (v.size() < 2 || v.size() > 64 * 3 - 1 || (v.size() + 1) % 3 != 0) return {};
  std::string out(v);
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (i % 3 == 2) {
      if (out[i] != ':') return {};
    } else {
      if (!isHexDigit(out[i])) return {};
      if (out[i] >= 'a' && out[i] <= 'f') out[i] = static_cast<char>(out[i] - 'a' + 'A');
    }
  }
  return out;
}

struct SectionState {
  std::vector<bool> rtpmapSeen;
  std::vector<bool> fmtpSeen;
  std::vector<SsrcInfo> allSsrcs;
  bool rtp = false;
};

class Parser {
 public:
  ParseResult run(std::string_view input);

 private:
  bool fail(std::string message) {
    error_.line = line_;
    error_.message = std::move(message);
    return false;
  }
  bool handleLine(char type, std::string_view value);
  bool handleMediaLine(std::string_view value);
  bool handleAttribute(std::string_view name, std::string_view value, bool hasValue);
  bool handleTransportAttribute(std::string_view name, std::string_view value, bool& handled);
  bool handleRtpAttribute(std::string_view name, std::string_view value, bool& handled);
  bool handleSsrc(std::string_view value);
  bool handleSsrcGroup(std::string_view value);
  bool finishSection();
  bool finish();
  Codec* codecFor(std::string_view ptText, std::size_t& index);

  SessionDescription d_;
  MediaSection* m_ = nullptr;  // current media section (nullptr at session level)
  SectionState st_;
  ParseError error_;
  std::size_t line_ = 0;
  bool sawVersion_ = false;
};

ParseResult Parser::run(std::string_view input) {
  ParseResult result;
  line_ = 0;
  if (input.size() > kMaxInputBytes) {
    result.error = {0, "description is larger than 64 KiB"};
    return result;
  }
  std::size_t pos = 0;
  bool ok = true;
  while (pos < input.size() && ok) {
    std::size_t end = input.find('\n', pos);
    if (end == std::string_view::npos) end = input.size();
    std::string_view ln = input.substr(pos, end - pos);
    pos = end + 1;
    ++line_;
    if (!ln.empty() && ln.back() == '\r') ln.remove_suffix(1);
    if (ln.empty()) continue;  // stray blank lines (a trailing one is common)
    if (ln.size() > kMaxLineBytes) {
      ok = fail("line is longer than 4096 bytes");
      break;
    }
    for (char c : ln) {
      const auto u = static_cast<unsigned char>(c);
      if (u < 0x20 || u == 0x7F) {
        ok = fail("control character in line");
        break;
      }
    }
    if (!ok) break;
    if (ln.size() < 2 || ln[1] != '=' || ln[0] < 'a' || ln[0] > 'z') {
      ok = fail("expected '<letter>=' at the start of the line");
      break;
    }
    if (!sawVersion_) {
      if (ln != "v=0") {
        ok = fail("description must start with v=0");
        break;
      }
      sawVersion_ = true;
      continue;
    }
    ok = handleLine(ln[0], ln.substr(2));
  }
  if (ok && !sawVersion_) {
    line_ = 0;
    ok = fail("empty description");
  }
  if (ok) ok = finish();
  if (ok) {
    result.description = std::move(d_);
  } else {
    result.error = error_;
  }
  return result;
}

bool Parser::handleLine(char type, std::string_view value) {
  switch (type) {
    case 'v':
      return fail("duplicate v= line");
    case 'o': {
      if (m_ != nullptr) return fail("o= line inside a media section");
      const auto f = splitSpaces(value, 6);
      if (f.size() != 6) return fail("o= line needs 6 fields");
      if (!isVisible(f[0]) || !isVisible(f[1]) || !isVisible(f[2])) {
        return fail("o= line has invalid fields");
      }
      d_.originUsername = std::string(f[0]);
      d_.sessionId = std::string(f[1]);
      d_.sessionVersion = std::string(f[2]);
      return true;
    }
    case 'm':
      return handleMediaLine(value);
    case 'a': {
      const std::size_t colon = value.find(':');
      if (colon == std::string_view::npos) return handleAttribute(value, {}, false);
      return handleAttribute(value.substr(0, colon), value.substr(colon + 1), true);
    }
    default:
      return true;  // s=, t=, c=, b=, i=, ... carry nothing the daemon needs
  }
}

bool Parser::handleMediaLine(std::string_view value) {
  if (m_ != nullptr && !finishSection()) return false;
  if (d_.media.size() >= kMaxMediaSections) return fail("more than 64 m= sections");
  const auto f = splitSpaces(value, 3 + kMaxCodecsPerSection);
  if (f.size() < 4) return fail("m= line needs media, port, proto and at least one format");
  if (f.size() > 3 + kMaxCodecsPerSection) return fail("m= line has more than 64 formats");
  if (!isToken(f[0])) return fail("m= line has an invalid media type");
  std::string_view portText = f[1];
  if (const auto slash = portText.find('/'); slash != std::string_view::npos) {
    if (!parseUint(portText.substr(slash + 1), 65535)) return fail("m= line has a bad port count");
    portText = portText.substr(0, slash);
  }
  const auto port = parseUint(portText, 65535);
  if (!port) return fail("m= line has an invalid port");
  for (std::size_t i = 0, start = 0; i <= f[2].size(); ++i) {
    if (i == f[2].size() || f[2][i] == '/') {
      if (!isToken(f[2].substr(start, i - start))) return fail("m= line has an invalid proto");
      start = i + 1;
    }
  }

  MediaSection s;
  s.media = std::string(f[0]);
  s.kind = s.media == "audio"         ? MediaKind::Audio
           : s.media == "video"       ? MediaKind::Video
           : s.media == "application" ? MediaKind::Application
                                      : MediaKind::Other;
  s.port = static_cast<std::uint16_t>(*port);
  s.proto = std::string(f[2]);
  s.line = line_;
  st_ = SectionState{};
  st_.rtp = s.proto.find("RTP/") != std::string::npos;
  for (std::size_t i = 3; i < f.size(); ++i) {
    if (st_.rtp) {
      const auto pt = parseUint(f[i], 127);
      if (!pt) return fail("m= line format is not an RTP payload type (0-127)");
      for (const auto& c : s.codecs) {
        if (c.payloadType == *pt) return fail("m= line lists a payload type twice");
      }
      Codec c;
      c.payloadType = static_cast<std::uint8_t>(*pt);
      s.codecs.push_back(std::move(c));
    } else if (!isToken(f[i])) {
      return fail("m= line has an invalid format");
    }
    s.formats.emplace_back(f[i]);
  }
  st_.rtpmapSeen.assign(s.codecs.size(), false);
  st_.fmtpSeen.assign(s.codecs.size(), false);
  d_.media.push_back(std::move(s));
  m_ = &d_.media.back();
  return true;
}

bool Parser::handleAttribute(std::string_view name, std::string_view value, bool hasValue) {
  if (name == "group" && hasValue) {
    if (m_ != nullptr) return true;  // only meaningful at session level
    if (d_.groups.size() >= kMaxGroups) return fail("more than 16 a=group lines");
    const auto f = splitSpaces(value, 1 + kMaxMediaSections);
    if (f.empty() || !isToken(f[0])) return fail("a=group needs a semantics token");
    if (f.size() > 1 + kMaxMediaSections) return fail("a=group lists more than 64 mids");
    Group g;
    g.semantics = std::string(f[0]);
    for (std::size_t i = 1; i < f.size(); ++i) {
      if (!isToken(f[i])) return fail("a=group has an invalid mid");
      g.mids.emplace_back(f[i]);
    }
    d_.groups.push_back(std::move(g));
    return true;
  }
  if (name == "extmap-allow-mixed" && !hasValue) {
    if (m_ == nullptr) d_.extmapAllowMixed = true;
    return true;
  }
  if (name == "ice-lite" && !hasValue) {
    if (m_ == nullptr) d_.iceLite = true;
    return true;
  }
  bool handled = false;
  if (!handleTransportAttribute(name, value, handled)) return false;
  if (handled || m_ == nullptr) return true;
  if (!hasValue) {
    if (name == "sendrecv")
      m_->direction = Direction::SendRecv;
    else if (name == "sendonly")
      m_->direction = Direction::SendOnly;
    else if (name == "recvonly")
      m_->direction = Direction::RecvOnly;
    else if (name == "inactive")
      m_->direction = Direction::Inactive;
    else if (name == "rtcp-mux")
      m_->rtcpMux = true;
    else if (name == "rtcp-rsize")
      m_->rtcpRsize = true;
    else if (name == "bundle-only")
      m_->bundleOnly = true;
    else if (name == "end-of-candidates")
      m_->endOfCandidates = true;
    return true;
  }
  if (name == "mid") {
    if (!isToken(value)) return fail("a=mid is not a valid token");
    if (!m_->mid.empty()) return fail("second a=mid in one m= section");
    for (const auto& other : d_.media) {
      if (&other != m_ && other.mid == value)
        return fail("duplicate mid '" + std::string(value) + "'");
    }
    m_->mid = std::string(value);
    return true;
  }
  if (name == "candidate") {
    if (m_->candidates.size() >= kMaxCandidatesPerSection) {
      return fail("more than 64 candidates in one m= section");
    }
    m_->candidates.push_back("candidate:" + std::string(value));
    return true;
  }
  if (name == "msid") {
    const auto f = splitSpaces(value, 2);
    if (f.empty() || f.size() > 2 || !isVisible(f[0]) || (f.size() == 2 && !isVisible(f[1]))) {
      return fail("a=msid needs a stream id and an optional track id");
    }
    m_->msidStream = std::string(f[0]);
    m_->msidTrack = f.size() == 2 ? std::string(f[1]) : std::string();
    return true;
  }
  if (name == "ssrc") return handleSsrc(value);
  if (name == "ssrc-group") return handleSsrcGroup(value);
  return handleRtpAttribute(name, value, handled);
}

// ICE credentials, fingerprint and setup: valid at both levels.
bool Parser::handleTransportAttribute(std::string_view name, std::string_view value,
                                      bool& handled) {
  handled = true;
  if (name == "ice-ufrag") {
    if (!isIceChars(value) || value.size() < 4 || value.size() > 256) {
      return fail("a=ice-ufrag must be 4-256 ice-chars");
    }
    (m_ ? m_->iceUfrag : d_.iceUfrag) = std::string(value);
    return true;
  }
  if (name == "ice-pwd") {
    if (!isIceChars(value) || value.size() < 22 || value.size() > 256) {
      return fail("a=ice-pwd must be 22-256 ice-chars");
    }
    (m_ ? m_->icePwd : d_.icePwd) = std::string(value);
    return true;
  }
  if (name == "fingerprint") {
    const auto f = splitSpaces(value, 2);
    if (f.size() != 2 || !isToken(f[0])) return fail("a=fingerprint needs '<hash> <hex pairs>'");
    Fingerprint fp;
    for (char c : f[0]) fp.algorithm.push_back(text::lower(c));
    fp.value = normaliseFingerprint(f[1]);
    if (fp.value.empty()) return fail("a=fingerprint value is not colon-separated hex pairs");
    auto& list = m_ ? m_->fingerprints : d_.fingerprints;
    if (list.size() >= kMaxFingerprints) return fail("more than 8 a=fingerprint lines");
    list.push_back(std::move(fp));
    return true;
  }
  if (name == "setup") {
    Setup s;
    if (value == "actpass")
      s = Setup::ActPass;
    else if (value == "active")
      s = Setup::Active;
    else if (value == "passive")
      s = Setup::Passive;
    else if (value == "holdconn")
      s = Setup::HoldConn;
    else
      return fail("a=setup must be actpass, active, passive or holdconn");
    (m_ ? m_->setup : d_.setup) = s;
    return true;
  }
  handled = false;
  return true;
}

Codec* Parser::codecFor(std::string_view ptText, std::size_t& index) {
  const auto pt = parseUint(ptText, 127);
  if (!pt) return nullptr;
  for (std::size_t i = 0; i < m_->codecs.size(); ++i) {
    if (m_->codecs[i].payloadType == *pt) {
      index = i;
      return &m_->codecs[i];
    }
  }
  return nullptr;
}

bool Parser::handleRtpAttribute(std::string_view name, std::string_view value, bool& handled) {
  handled = true;
  if (name == "rtpmap") {
    const std::size_t sp = value.find(' ');
    if (sp == std::string_view::npos) return fail("a=rtpmap needs '<pt> <name>/<rate>'");
    if (!parseUint(value.substr(0, sp), 127)) return fail("a=rtpmap payload type is not 0-127");
    std::size_t index = 0;
    Codec* c = codecFor(value.substr(0, sp), index);
    const std::string_view enc = value.substr(sp + 1);
    const std::size_t s1 = enc.find('/');
    if (s1 == std::string_view::npos) return fail("a=rtpmap needs '<name>/<clock rate>'");
    const std::string_view encName = enc.substr(0, s1);
    std::string_view rest = enc.substr(s1 + 1);
    std::string_view chanText;
    if (const std::size_t s2 = rest.find('/'); s2 != std::string_view::npos) {
      chanText = rest.substr(s2 + 1);
      rest = rest.substr(0, s2);
    }
    const auto rate = parseUint(rest, 0xFFFFFFFFu);
    if (!isToken(encName)) return fail("a=rtpmap encoding name is not a token");
    if (!rate || *rate == 0) return fail("a=rtpmap clock rate is not a positive number");
    std::optional<std::uint64_t> channels;
    if (!chanText.empty()) {
      channels = parseUint(chanText, 255);
      if (!channels || *channels == 0) return fail("a=rtpmap channel count is not 1-255");
    }
    if (c == nullptr) return true;  // for a payload type the m= line does not list
    if (st_.rtpmapSeen[index]) return fail("second a=rtpmap for one payload type");
    st_.rtpmapSeen[index] = true;
    c->name = std::string(encName);
    c->clockRate = static_cast<std::uint32_t>(*rate);
    c->channels = channels ? static_cast<std::uint8_t>(*channels) : 0;
    return true;
  }
  if (name == "fmtp") {
    const std::size_t sp = value.find(' ');
    if (sp == std::string_view::npos) return true;  // empty parameter list
    std::size_t index = 0;
    if (!parseUint(value.substr(0, sp), 127)) return fail("a=fmtp payload type is not 0-127");
    Codec* c = codecFor(value.substr(0, sp), index);
    std::string_view params = value.substr(sp + 1);
    while (!params.empty() && params.front() == ' ') params.remove_prefix(1);
    while (!params.empty() && params.back() == ' ') params.remove_suffix(1);
    if (params.empty()) return true;
    if (!isPrintable(params)) return fail("a=fmtp parameters contain non-ASCII bytes");
    if (c == nullptr) return true;
    if (st_.fmtpSeen[index]) return fail("second a=fmtp for one payload type");
    st_.fmtpSeen[index] = true;
    c->fmtp = std::string(params);
    return true;
  }
  if (name == "rtcp-fb") {
    const auto f = splitSpaces(value, 4);
    if (f.size() < 2 || f.size() > 4) return fail("a=rtcp-fb needs '<pt> <type> [<param>]'");
    std::string fb;
    for (std::size_t i = 1; i < f.size(); ++i) {
      if (!isVisible(f[i])) return fail("a=rtcp-fb has an invalid feedback type");
      if (i > 1) fb.push_back(' ');
      fb.append(f[i]);
    }
    auto add = [&](Codec& c) {
      if (c.feedback.size() >= kMaxFeedbackPerCodec)
        return fail("more than 16 a=rtcp-fb per codec");
      if (std::find(c.feedback.begin(), c.feedback.end(), fb) == c.feedback.end()) {
        c.feedback.push_back(fb);
      }
      return true;
    };
    if (f[0] == "*") {
      for (auto& c : m_->codecs) {
        if (!add(c)) return false;
      }
      return true;
    }
    if (!parseUint(f[0], 127)) return fail("a=rtcp-fb payload type is not 0-127 or *");
    std::size_t index = 0;
    Codec* c = codecFor(f[0], index);
    return c == nullptr || add(*c);
  }
  if (name == "extmap") {
    const auto f = splitSpaces(value, 3);
    if (f.size() < 2) return fail("a=extmap needs '<id> <uri>'");
    std::string_view idText = f[0];
    if (const auto slash = idText.find('/'); slash != std::string_view::npos) {
      const auto dir = idText.substr(slash + 1);
      if (dir != "sendrecv" && dir != "sendonly" && dir != "recvonly" && dir != "inactive") {
        return fail("a=extmap has an invalid direction");
      }
      idText = idText.substr(0, slash);
    }
    const auto id = parseUint(idText, 255);
    if (!id || *id == 0) return fail("a=extmap id is not 1-255");
    if (!isVisible(f[1])) return fail("a=extmap URI is invalid");
    for (const auto& e : m_->extensions) {
      if (e.id == static_cast<int>(*id)) return fail("a=extmap id used twice in one m= section");
    }
    if (m_->extensions.size() >= kMaxExtensionsPerSection) {
      return fail("more than 32 a=extmap lines in one m= section");
    }
    m_->extensions.push_back({static_cast<int>(*id), std::string(f[1])});
    return true;
  }
  handled = false;
  return true;  // unknown attributes are ignored (RFC 8866 §5.13)
}

bool Parser::handleSsrc(std::string_view value) {
  const std::size_t sp = value.find(' ');
  const auto ssrc = parseUint(value.substr(0, sp), 0xFFFFFFFFu);
  if (!ssrc || sp == std::string_view::npos) return fail("a=ssrc needs '<ssrc> <attribute>'");
  const std::string_view attr = value.substr(sp + 1);
  SsrcInfo* info = nullptr;
  for (auto& s : st_.allSsrcs) {
    if (s.ssrc == *ssrc) info = &s;
  }
  if (info == nullptr) {
    if (st_.allSsrcs.size() >= kMaxSsrcsPerSection)
      return fail("more than 64 SSRCs in one m= section");
    st_.allSsrcs.push_back({static_cast<std::uint32_t>(*ssrc), {}, {}, {}});
    info = &st_.allSsrcs.back();
  }
  const std::size_t colon = attr.find(':');
  const std::string_view key = attr.substr(0, colon);
  const std::string_view val =
      colon == std::string_view::npos ? std::string_view() : attr.substr(colon + 1);
  if (key == "cname") {
    if (!isVisible(val)) return fail("a=ssrc cname is invalid");
    info->cname = std::string(val);
  } else if (key == "msid") {
    const auto f = splitSpaces(val, 2);
    if (f.empty() || f.size() > 2 || !isVisible(f[0]) || (f.size() == 2 && !isVisible(f[1]))) {
      return fail("a=ssrc msid needs a stream id and an optional track id");
    }
    info->streamId = std::string(f[0]);
    info->trackId = f.size() == 2 ? std::string(f[1]) : std::string();
  }
  return true;
}

bool Parser::handleSsrcGroup(std::string_view value) {
  const auto f = splitSpaces(value, 1 + kMaxSsrcsPerSection);
  if (f.size() < 2 || !isToken(f[0])) return fail("a=ssrc-group needs '<semantics> <ssrc>...'");
  if (f.size() > 1 + kMaxSsrcsPerSection) return fail("a=ssrc-group lists more than 64 SSRCs");
  if (m_->ssrcGroups.size() >= kMaxSsrcGroupsPerSection)
    return fail("more than 32 a=ssrc-group lines");
  SsrcGroup g;
  g.semantics = std::string(f[0]);
  for (std::size_t i = 1; i < f.size(); ++i) {
    const auto s = parseUint(f[i], 0xFFFFFFFFu);
    if (!s) return fail("a=ssrc-group SSRC is not a 32-bit number");
    g.ssrcs.push_back(static_cast<std::uint32_t>(*s));
  }
  m_->ssrcGroups.push_back(std::move(g));
  return true;
}

bool Parser::finishSection() {
  MediaSection& s = *m_;
  // Primary SSRCs: everything announced except the repair streams of FID/FEC-FR groups.
  for (const auto& info : st_.allSsrcs) {
    bool secondary = false;
    for (const auto& g : s.ssrcGroups) {
      if (g.semantics != "FID" && g.semantics != "FEC-FR") continue;
      for (std::size_t i = 1; i < g.ssrcs.size(); ++i) {
        if (g.ssrcs[i] == info.ssrc) secondary = true;
      }
    }
    if (!secondary) s.ssrcs.push_back(info);
  }
  // RFC 3551 static payload types a browser may list without an rtpmap.
  for (auto& c : s.codecs) {
    if (!c.name.empty()) continue;
    if (c.payloadType == 0)
      c.name = "PCMU";
    else if (c.payloadType == 8)
      c.name = "PCMA";
    else if (c.payloadType == 9)
      c.name = "G722";
    else
      continue;
    c.clockRate = 8000;
    c.channels = 1;
  }
  return true;
}

bool Parser::finish() {
  if (m_ != nullptr && !finishSection()) return false;
  for (auto& s : d_.media) {
    if (s.iceUfrag.empty()) s.iceUfrag = d_.iceUfrag;
    if (s.icePwd.empty()) s.icePwd = d_.icePwd;
    if (s.fingerprints.empty()) s.fingerprints = d_.fingerprints;
    if (s.setup == Setup::None) s.setup = d_.setup;
  }
  return true;
}

}  // namespace

ParseResult parse(std::string_view text) {
  try {
    return Parser().run(text);
  } catch (const std::bad_alloc&) {
    ParseResult r;
    r.error = {0, "out of memory while parsing"};
    return r;
  }
}

}  // namespace callpy::rtc::sdp
