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

std::vector<SectionSlot> sectionSlots(const sdp::Negotiation& n) {
  std::vector<SectionSlot> out;
  std::size_t audio = 0, video = 0;
  for (const auto& s : n.sections) {
    SectionSlot at;
    if (s.accepted && s.accepted->kind == sdp::MediaKind::Audio) {
      if (audio < kSlots) at = {static_cast<int>(audio), Role::Audio};
      ++audio;
    } else if (s.accepted && s.accepted->kind == sdp::MediaKind::Video) {
      if (video / 2 < kSlots) at = {static_cast<int>(video / 2), video % 2 == 0 ? Role::Camera : Role::Screen};
      ++video;
    }
    out.push_back(at);
  }
  return out;
}

std::vector<Role> sectionRoles(const sdp::Negotiation& n) {
  std::vector<Role> roles;
  for (const auto& at : sectionSlots(n)) roles.push_back(at.slot == 0 ? at.role : Role::None);
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

OutgoingTrack* Leg::outgoing(int slot, Role role) {
  if (role == Role::None || slot < 0 || static_cast<std::size_t>(slot) >= kSlots) return nullptr;
  auto& t = out_[static_cast<std::size_t>(slot) * kRoles + static_cast<std::size_t>(role)];
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

  remoteUfrag_ = negotiation_->remoteIceUfrag;
  remoteFingerprint_ = negotiation_->remoteFingerprintSha256;
  // What the browser sends: its slot-0 sections (microphone, camera, screen).
  sections_ = sectionSlots(*negotiation_);
  for (std::size_t at = 0; at < sections_.size(); ++at) {
    const auto [slot, role] = sections_[at];
    if (slot != 0) continue;
    const auto& m = *negotiation_->sections[at].accepted;
    // The answer's sendrecv/recvonly means the browser sends and we receive.
    if (m.direction == sdp::Direction::SendRecv || m.direction == sdp::Direction::RecvOnly) {
      auto& in = in_[static_cast<std::size_t>(role)];
      in.role = role;
      in.payloadType = m.codec.payloadType;
      in.codec = m.codec.name;
      in.clockRate = m.codec.clockRate;
      in.channels = m.codec.channels;
      in.fmtp = m.codec.fmtp;
      if (!m.remoteSsrcs.empty()) {
        in.ssrc = m.remoteSsrcs.front().ssrc;
        in.stats.emplace(in.ssrc, m.codec.clockRate);
      }
    }
  }
  setUpOutgoing();

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

void Leg::setUpOutgoing() {
  slots_ = 1;
  for (std::size_t at = 0; at < sections_.size(); ++at) {
    const auto [slot, role] = sections_[at];
    if (slot < 0) continue;
    slots_ = std::max(slots_, slot + 1);
    const auto& m = *negotiation_->sections[at].accepted;
    if (m.direction != sdp::Direction::SendRecv && m.direction != sdp::Direction::SendOnly) continue;
    const auto i = static_cast<std::size_t>(slot) * kRoles + static_cast<std::size_t>(role);
    auto& out = out_[i];
    if (out.stream) continue;  // from an earlier negotiation: keeps its SSRC and sequence
    out.role = role;
    out.codec = m.codec.name;
    outSsrc_[i] = randomSsrc();
    outTrackId_[i] = "track-" + randomToken();
    auto& stream = streamId_[static_cast<std::size_t>(slot)];
    if (stream.empty()) stream = "callpy-" + randomToken();  // one stream per remote: lip sync
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

std::string Leg::answerSdp() {
  sdp::LocalTransport local;
  local.iceUfrag = ice_->localUfrag();
  local.icePwd = ice_->localPwd();
  local.fingerprintSha256 = shared_.dtls->fingerprintSha256();
  local.candidates = localCandidates_;
  std::vector<std::optional<sdp::OutgoingTrack>> tracks(offer_->media.size());
  for (std::size_t at = 0; at < sections_.size() && at < tracks.size(); ++at) {
    const auto [slot, role] = sections_[at];
    if (slot < 0) continue;
    const auto i = static_cast<std::size_t>(slot) * kRoles + static_cast<std::size_t>(role);
    if (!out_[i].stream) continue;
    tracks[at] = sdp::OutgoingTrack{outSsrc_[i], "callpy", streamId_[static_cast<std::size_t>(slot)],
                                    outTrackId_[i]};
  }
  auto answer = sdp::writeAnswer(*offer_, *negotiation_, local, tracks);
  offer_.reset();
  return answer;
}

void Leg::sendAnswer() {
  if (answered_ || closed_ || !negotiation_) return;
  answered_ = true;
  auto answer = answerSdp();
  if (answer.empty()) {
    fail("could not write the SDP answer");
    return;
  }
  events_.answer(answer);
  state(LegState::Connecting, "");
  armDtlsTimer();
}

Leg::Reoffer Leg::reoffer(const std::string& offerSdp, const LegEvents& events) {
  auto parsed = sdp::parse(offerSdp);
  if (!parsed.ok()) return Reoffer::NotSame;  // a new leg reports the problem
  auto result = sdp::negotiate(*parsed.description);
  if (!result.ok() || result.negotiation->remoteIceUfrag != remoteUfrag_) return Reoffer::NotSame;
  auto reject = [&](const std::string& why) {
    if (events.rejected) events.rejected(why);
    return Reoffer::Rejected;
  };
  if (closed_ || failed_) return reject("the media connection is closed");
  if (!answered_) return reject("the previous offer is still being answered");
  // The same ICE credentials mean the same PeerConnection: it must keep its DTLS identity and the
  // sections it had (new ones are appended), so running media is not disturbed.
  if (result.negotiation->remoteFingerprintSha256 != remoteFingerprint_) {
    return reject("a re-offer must keep the DTLS fingerprint (restarting ICE/DTLS is not supported)");
  }
  auto sections = sectionSlots(*result.negotiation);
  if (sections.size() < sections_.size()) return reject("a re-offer must keep its earlier sections");
  for (std::size_t at = 0; at < sections_.size(); ++at) {
    if (sections[at].slot != sections_[at].slot || sections[at].role != sections_[at].role) {
      return reject("a re-offer must keep its earlier sections");
    }
  }
  events_ = events;
  negotiation_ = std::move(*result.negotiation);
  offer_ = std::move(*parsed.description);
  sections_ = std::move(sections);
  setUpOutgoing();
  auto answer = answerSdp();
  if (answer.empty()) return reject("could not write the SDP answer");
  events_.answer(answer);
  return Reoffer::Answered;
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
  for (int slot = 0; slot < static_cast<int>(kSlots); ++slot) {
    for (auto role : {Role::Camera, Role::Screen}) {
      if (auto* out = outgoing(slot, role)) room_.keyframeWanted(*out, static_cast<std::uint64_t>(now));
    }
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
