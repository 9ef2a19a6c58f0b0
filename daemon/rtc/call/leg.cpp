// A leg's setup: negotiation, ICE, the DTLS handshake and the answer. The packet path is in
// leg_media.cpp.
#include "rtc/call/leg.h"

#include <openssl/rand.h>

#include <algorithm>

#include "rtc/call/room.h"
#include "rtc/sdp/parser.h"
#include "rtc/sdp/writer.h"

namespace callpy::rtc::call {

namespace {

std::uint32_t randomSsrc() {
  std::uint32_t v = 0;
  while (v == 0) RAND_bytes(reinterpret_cast<unsigned char*>(&v), sizeof v);
  return v;
}

std::string randomToken() {
  static const char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  unsigned char bytes[12];
  RAND_bytes(bytes, sizeof bytes);
  std::string out;
  for (auto b : bytes) out += kAlphabet[b % 36];
  return out;
}

}  // namespace

std::vector<Role> sectionRoles(const sdp::Negotiation& n) {
  std::vector<Role> roles;
  int audio = 0, video = 0;
  for (const auto& s : n.sections) {
    Role role = Role::None;
    if (s.accepted && s.accepted->kind == sdp::MediaKind::Audio) {
      role = audio++ == 0 ? Role::Audio : Role::None;
    } else if (s.accepted && s.accepted->kind == sdp::MediaKind::Video) {
      role = video == 0 ? Role::Camera : video == 1 ? Role::Screen : Role::None;
      ++video;
    }
    roles.push_back(role);
  }
  return roles;
}

Leg::Leg(Room& room, int participant, ice::MediaThread& thread, const LegShared& shared,
         LegEvents events)
    : room_(room), participant_(participant), thread_(thread), shared_(shared),
      events_(std::move(events)), rtcpSsrc_(randomSsrc()) {
  shared_.counters->add(shared_.counters->legs);
}

Leg::~Leg() {
  close();
  shared_.counters->legs.fetch_sub(1, std::memory_order_relaxed);
}

OutgoingTrack* Leg::outgoing(Role role) {
  if (role == Role::None) return nullptr;
  auto& t = out_[static_cast<std::size_t>(role)];
  return t.stream ? &t : nullptr;
}

const IncomingTrack* Leg::incoming(Role role) const {
  if (role == Role::None) return nullptr;
  const auto& t = in_[static_cast<std::size_t>(role)];
  return t.role == Role::None ? nullptr : &t;
}

bool Leg::open(const std::string& offerSdp) {
  auto parsed = sdp::parse(offerSdp);
  if (!parsed.ok()) {
    events_.rejected("SDP line " + std::to_string(parsed.error.line) + ": " + parsed.error.message);
    return false;
  }
  auto result = sdp::negotiate(*parsed.description);
  if (!result.ok()) {
    events_.rejected(result.error);
    return false;
  }
  negotiation_ = std::move(*result.negotiation);
  offer_ = std::move(*parsed.description);

  // Roles by order of the accepted sections; what we receive and what we send per role.
  roles_ = sectionRoles(*negotiation_);
  for (std::size_t at = 0; at < roles_.size(); ++at) {
    const auto role = roles_[at];
    if (role == Role::None) continue;
    const auto& m = *negotiation_->sections[at].accepted;
    const auto i = static_cast<std::size_t>(role);
    const bool receives = m.direction == sdp::Direction::SendRecv || m.direction == sdp::Direction::RecvOnly;
    const bool sends = m.direction == sdp::Direction::SendRecv || m.direction == sdp::Direction::SendOnly;
    // The offer's sendrecv/sendonly means the browser sends: our answer says recv.
    if (receives) {  // we receive (the browser sends)
      auto& in = in_[i];
      in.role = role;
      in.payloadType = m.codec.payloadType;
      in.codec = m.codec.name;
      if (!m.remoteSsrcs.empty()) {
        in.ssrc = m.remoteSsrcs.front().ssrc;
        in.stats.emplace(in.ssrc, m.codec.clockRate);
      }
    }
    if (sends) {  // we send (the browser receives)
      auto& out = out_[i];
      out.role = role;
      out.codec = m.codec.name;
      outSsrc_[i] = randomSsrc();
      const bool vp8 = m.kind == sdp::MediaKind::Video && (m.codec.name == "VP8" || m.codec.name == "vp8");
      out.stream.emplace(outSsrc_[i], m.codec.payloadType, m.codec.clockRate,
                         vp8 ? rtp::PayloadFormat::Vp8 : rtp::PayloadFormat::Generic);
      out.pli = m.feedback.pli;
      out.fir = m.feedback.fir;
      if (m.kind == sdp::MediaKind::Video && m.feedback.nack) {
        out.history = std::make_unique<rtp::RetransmitBuffer>(256, 1500);
      }
    }
  }

  ice::IceCallbacks cb;
  cb.onLocalCandidate = [this](const std::string& c) { localCandidates_.push_back(c); };
  cb.onGatheringDone = [this] { sendAnswer(); };
  cb.onState = [this](ice::IceState s, const std::string& detail) {
    if (s == ice::IceState::Failed) fail("ICE: " + detail);
  };
  cb.onPacket = [this](std::uint8_t* data, std::size_t len) { onPacket(data, len); };
  try {
    ice_ = std::make_unique<ice::IceLeg>(thread_, shared_.ice, std::move(cb));
  } catch (const std::exception& e) {
    events_.rejected(std::string("cannot open media ports: ") + e.what());
    return false;
  }
  std::string reason;
  if (!ice_->setRemoteCredentials(negotiation_->remoteIceUfrag, negotiation_->remoteIcePwd, &reason)) {
    events_.rejected("ICE credentials: " + reason);
    return false;
  }

  dtls::DtlsCallbacks d;
  d.send = [this](const std::uint8_t* data, std::size_t size) {
    if (ice_) ice_->send(data, size);
  };
  d.connected = [this](const srtp::SrtpKeys& keys) { onDtlsConnected(keys); };
  d.failed = [this](const std::string& why) { fail("DTLS: " + why); };
  d.closed = [this] { fail("the browser closed the connection"); };
  dtls::DtlsConfig config;
  config.handshakeTimeout = std::chrono::milliseconds(shared_.dtlsTimeoutMs);
  dtls_ = std::make_unique<dtls::DtlsTransport>(shared_.dtls, dtls::Role::Server,
                                                negotiation_->remoteFingerprintSha256, std::move(d),
                                                config);
  dtls_->start();

  // Candidates already in the offer (non-trickle browsers); copied first, because gathering may
  // finish inside gather() and the answer written then no longer needs the offer.
  // Only the BUNDLE transport's own: other sections' candidates belong to ICE agents a
  // non-bundling offerer (aiortc) drops once it sees our BUNDLE answer.
  std::vector<std::string> offered;
  for (const auto& m : offer_->media) {
    if (!negotiation_->bundleMids.empty() && m.mid == negotiation_->bundleMids.front()) {
      offered.insert(offered.end(), m.candidates.begin(), m.candidates.end());
    }
  }
  if (!ice_->gather(&reason)) {
    events_.rejected("cannot gather candidates: " + reason);
    return false;
  }
  for (const auto& c : offered) ice_->addRemoteCandidate(c);
  return !failed_;
}

void Leg::sendAnswer() {
  if (answered_ || closed_ || !negotiation_) return;
  answered_ = true;
  sdp::LocalTransport local;
  local.iceUfrag = ice_->localUfrag();
  local.icePwd = ice_->localPwd();
  local.fingerprintSha256 = shared_.dtls->fingerprintSha256();
  local.candidates = localCandidates_;
  std::vector<std::optional<sdp::OutgoingTrack>> tracks(offer_->media.size());
  const std::string stream = "callpy-" + randomToken();
  for (std::size_t at = 0; at < roles_.size() && at < tracks.size(); ++at) {
    const auto i = static_cast<std::size_t>(roles_[at]);
    if (roles_[at] == Role::None || !out_[i].stream) continue;
    tracks[at] = sdp::OutgoingTrack{outSsrc_[i], "callpy", stream, "track-" + randomToken()};
  }
  auto answer = sdp::writeAnswer(*offer_, *negotiation_, local, tracks);
  offer_.reset();
  if (answer.empty()) {
    fail("could not write the SDP answer");
    return;
  }
  events_.answer(answer);
  state(LegState::Connecting, "");
  armDtlsTimer();
}

void Leg::addRemoteCandidate(const std::string& line) {
  if (!ice_ || closed_) return;
  if (line.empty()) {
    ice_->remoteGatheringDone();
    return;
  }
  ice_->addRemoteCandidate(line);  // a bad or mDNS candidate is skipped: checks still find us
}

void Leg::armDtlsTimer() {
  if (dtlsTimer_ || closed_) return;
  // OpenSSL keeps its own retransmit schedule; polling it every 50 ms is cheap and simple.
  dtlsTimer_ = thread_.addTimeout(std::chrono::milliseconds(50), [this] {
    if (closed_ || !dtls_ || dtls_->state() == dtls::DtlsState::Connected) {
      dtlsTimer_ = 0;
      return false;
    }
    dtls_->handleTimeout();
    if (failed_ || closed_) {
      dtlsTimer_ = 0;
      return false;
    }
    return true;
  });
}

void Leg::onDtlsConnected(const srtp::SrtpKeys& keys) {
  try {
    srtp_ = std::make_unique<srtp::SrtpSession>(keys, true);
  } catch (const std::exception& e) {
    fail(std::string("SRTP: ") + e.what());
    return;
  }
  state(LegState::Connected, std::string(srtp::profileName(keys.profile)));
  room_.legConnected(*this);
  rtcpTimer_ = thread_.addTimeout(std::chrono::milliseconds(1000), [this] { return rtcpTick(); });
  // A new receiver needs a keyframe to start decoding video.
  const auto now = std::chrono::duration_cast<std::chrono::microseconds>(
                       std::chrono::steady_clock::now().time_since_epoch()).count();
  for (auto role : {Role::Camera, Role::Screen}) {
    if (auto* out = outgoing(role)) room_.keyframeWanted(*out, static_cast<std::uint64_t>(now));
  }
}

void Leg::state(LegState s, const std::string& reason) {
  if (closed_ || !events_.state) return;
  events_.state(s, reason);
}

void Leg::fail(const std::string& reason) {
  if (failed_ || closed_) return;
  failed_ = true;
  if (!answered_) {
    events_.rejected(reason);
    return;
  }
  state(LegState::Failed, reason);
}

void Leg::close() {
  if (closed_) return;
  closed_ = true;
  if (dtlsTimer_) thread_.cancel(dtlsTimer_);
  if (rtcpTimer_) thread_.cancel(rtcpTimer_);
  dtlsTimer_ = rtcpTimer_ = 0;
  if (dtls_) dtls_->close();
  if (ice_) ice_->close();
}

}  // namespace callpy::rtc::call
