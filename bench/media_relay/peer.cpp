#include "peer.h"

#include <sys/syscall.h>
#include <unistd.h>

#include <cmath>
#include <random>

#include "rtc/rtp/demux.h"
#include "rtc/rtp/rtp_packet.h"
#include "rtc/sdp/parser.h"

namespace callpy::bench::media {

namespace {

constexpr std::int64_t kAudioIntervalNs = 20'000'000;
constexpr std::int64_t kDtlsPollNs = 50'000'000;

void put16(std::uint8_t* p, std::uint16_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 8);
  p[1] = static_cast<std::uint8_t>(v);
}
void put32(std::uint8_t* p, std::uint32_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 24);
  p[1] = static_cast<std::uint8_t>(v >> 16);
  p[2] = static_cast<std::uint8_t>(v >> 8);
  p[3] = static_cast<std::uint8_t>(v);
}

std::size_t rtpHeader(std::uint8_t* p, std::uint8_t pt, bool marker, std::uint16_t seq,
                      std::uint32_t ts, std::uint32_t ssrc) {
  p[0] = 0x80;
  p[1] = static_cast<std::uint8_t>((marker ? 0x80 : 0) | (pt & 0x7F));
  put16(p + 2, seq);
  put32(p + 4, ts);
  put32(p + 8, ssrc);
  return rtc::rtp::kRtpFixedHeader;
}

std::uint32_t randomSsrc() {
  static thread_local std::mt19937 rng{std::random_device{}()};
  std::uint32_t v = 0;
  while (v == 0) v = rng();
  return v;
}

}  // namespace

Peer::Peer(rtc::ice::MediaThread& thread, const PeerShared& shared, ThreadStats& stats, int index,
           bool video, bool controlling)
    : thread_(thread), shared_(shared), stats_(stats), index_(index), video_(video),
      audioSsrc_(randomSsrc()), videoSsrc_(randomSsrc()) {
  rtc::ice::IceCallbacks cb;
  cb.onLocalCandidate = [this](const std::string& c) { candidates_.push_back(c); };
  cb.onGatheringDone = [this] { gathered.store(true); };
  cb.onState = [this](rtc::ice::IceState s, const std::string& detail) {
    if (s == rtc::ice::IceState::Connected) {
      iceUp_ = true;
      if (dtls_ && dtlsClient_) dtls_->start();
    } else if (s == rtc::ice::IceState::Failed) {
      fail("ICE: " + detail);
    }
  };
  cb.onPacket = [this](std::uint8_t* data, std::size_t len) { onPacket(data, len); };
  auto config = shared_.ice;
  config.controlling = controlling;
  ice_ = std::make_unique<rtc::ice::IceLeg>(thread_, config, std::move(cb));
  // Spread the streams' phases evenly over a packet/frame interval (golden-ratio sequence), as
  // independent callers' are, so the threads do not send every call's frame at once.
  const auto now = nowNs();
  const double phase = std::fmod(static_cast<double>(index) * 0.6180339887498949, 1.0);
  nextAudio_ = now + static_cast<std::int64_t>(phase * kAudioIntervalNs);
  const std::int64_t frame = 1'000'000'000 / std::max(1, shared_.videoFps);
  nextFrame_ = now + static_cast<std::int64_t>(std::fmod(phase + 0.5, 1.0) * static_cast<double>(frame));
  nextKeyframe_ = now;
}

Peer::~Peer() { close(); }

bool Peer::gather(std::string* reason) { return ice_->gather(reason); }

LocalMedia Peer::local() const {
  LocalMedia l;
  l.ufrag = ice_->localUfrag();
  l.pwd = ice_->localPwd();
  l.fingerprint = shared_.dtls->fingerprintSha256();
  l.candidates = candidates_;
  l.audioSsrc = audioSsrc_;
  l.videoSsrc = videoSsrc_;
  l.cname = "bench" + std::to_string(index_);
  return l;
}

std::string Peer::describe() const {
  std::string out = "PEER " + std::to_string(index_) + " " + std::to_string(audioSsrc_) + " " +
                    std::to_string(videoSsrc_) + "\n";
  for (const auto& c : candidates_) out += "CAND " + std::to_string(index_) + " " + c + "\n";
  return out;
}

std::string Peer::offer() const { return writeOffer(local(), video_); }

bool Peer::setRemote(const rtc::sdp::SessionDescription& d, bool weAreClient, std::string* reason) {
  auto r = remoteTransport(d);
  if (!r.error.empty()) {
    if (reason) *reason = r.error;
    return false;
  }
  if (!ice_->setRemoteCredentials(r.ufrag, r.pwd, reason)) return false;
  dtlsClient_ = weAreClient;
  rtc::dtls::DtlsCallbacks cb;
  cb.send = [this](const std::uint8_t* data, std::size_t size) {
    if (ice_) ice_->send(data, size);
  };
  cb.connected = [this](const rtc::srtp::SrtpKeys& keys) {
    try {
      srtp_ = std::make_unique<rtc::srtp::SrtpSession>(keys, !dtlsClient_);
      stats_.srtpProfile.store(static_cast<int>(keys.profile));
      up.store(true);
    } catch (const std::exception& e) {
      fail(std::string("SRTP: ") + e.what());
    }
  };
  cb.failed = [this](const std::string& why) { fail("DTLS: " + why); };
  cb.closed = [this] { fail("DTLS closed by the relay"); };
  dtls_ = std::make_unique<rtc::dtls::DtlsTransport>(
      shared_.dtls, weAreClient ? rtc::dtls::Role::Client : rtc::dtls::Role::Server, r.fingerprint,
      std::move(cb));
  if (!weAreClient || iceUp_) dtls_->start();
  for (const auto& c : r.candidates) ice_->addRemoteCandidate(c);
  if (r.endOfCandidates) ice_->remoteGatheringDone();
  return true;
}

bool Peer::applyAnswer(const std::string& sdp, std::string* reason) {
  auto parsed = rtc::sdp::parse(sdp);
  if (!parsed.ok()) {
    if (reason) *reason = "answer line " + std::to_string(parsed.error.line) + ": " + parsed.error.message;
    return false;
  }
  auto r = remoteTransport(*parsed.description);
  // passive (callpyd) -> we are the DTLS client; active (Janus answers so) -> we are the server.
  return setRemote(*parsed.description, r.setup != rtc::sdp::Setup::Active, reason);
}

std::string Peer::answerOffer(const std::string& sdp, std::string* reason) {
  auto parsed = rtc::sdp::parse(sdp);
  if (!parsed.ok()) {
    if (reason) *reason = "offer line " + std::to_string(parsed.error.line) + ": " + parsed.error.message;
    return {};
  }
  auto a = writeAnswer(*parsed.description, local());
  if (!a.error.empty()) {
    if (reason) *reason = a.error;
    return {};
  }
  if (a.audioPt >= 0) audioPt_ = static_cast<std::uint8_t>(a.audioPt);
  if (a.videoPt >= 0) videoPt_ = static_cast<std::uint8_t>(a.videoPt);
  video_ = video_ && a.videoPt >= 0;
  if (!setRemote(*parsed.description, true, reason)) return {};
  return a.sdp;
}

void Peer::addRemoteCandidate(const std::string& line) {
  if (!ice_) return;
  if (line.empty()) ice_->remoteGatheringDone();
  else ice_->addRemoteCandidate(line);
}

void Peer::fail(const std::string& why) {
  if (failed.load()) return;
  reason_ = why;
  failed.store(true);
}

void Peer::onPacket(std::uint8_t* data, std::size_t len) {
  switch (rtc::rtp::classify(data, len)) {
    case rtc::rtp::PacketKind::Dtls:
      if (dtls_) dtls_->handleDatagram(data, len);
      return;
    case rtc::rtp::PacketKind::Rtp: {
      if (!srtp_) return;
      if (srtp_->unprotectRtp(data, len) != rtc::srtp::SrtpStatus::Ok) {
        stats_.srtpErrors.fetch_add(1, std::memory_order_relaxed);
        return;
      }
      auto pkt = rtc::rtp::RtpPacket::parse(data, len);
      if (!pkt) return;
      auto payload = pkt->payload();
      std::int64_t sent = 0;
      Kind kind{};
      if (!readTrailer(payload.data() + payload.size(), payload.size(), sent, kind)) return;
      stats_.receivedAll.fetch_add(1, std::memory_order_relaxed);
      if (shared_.window->contains(sent)) {
        stats_.received.fetch_add(1, std::memory_order_relaxed);
        const auto delay = nowNs() - sent;
        stats_.latency.add(delay);
        const auto slot = static_cast<std::size_t>((sent - shared_.window->start.load(std::memory_order_relaxed)) /
                                                   100'000'000);
        if (slot < ThreadStats::kSlots) {
          ++stats_.allBySlot[slot];
          if (delay >= ThreadStats::kLateNs) ++stats_.lateBySlot[slot];
        }
        if (delay >= ThreadStats::kLateNs) {
          ++(kind == Kind::Audio ? lateAudio : lateVideo);
          if (stats_.lateSamples.size() < 64)
            stats_.lateSamples.push_back({sent, sent + delay, index_, static_cast<std::uint8_t>(kind),
                                          payload.data()[payload.size() - kTrailer + 9]});
        }
        if (delay > stats_.maxLatencyNs) {
          stats_.maxLatencyNs = delay;
          stats_.maxLatencySentNs = sent;
        }
      }
      return;
    }
    case rtc::rtp::PacketKind::Rtcp:
      stats_.rtcpIn.fetch_add(1, std::memory_order_relaxed);  // RR/SR/PLI/REMB: not needed here
      return;
    default:
      return;
  }
}

void Peer::protectAndSend(std::size_t len, std::int64_t sentNs) {
  if (srtp_->protectRtp(buf_.data(), len, buf_.size()) != rtc::srtp::SrtpStatus::Ok) {
    stats_.sendFailed.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  if (!ice_->send(buf_.data(), len)) {
    stats_.sendFailed.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  if (shared_.window->contains(sentNs)) stats_.sent.fetch_add(1, std::memory_order_relaxed);
}

void Peer::sendAudio(std::int64_t) {
  std::size_t n = rtpHeader(buf_.data(), audioPt_, false, audioSeq_++, audioTs_, audioSsrc_);
  audioTs_ += 960;
  const auto payload = static_cast<std::size_t>(std::max<int>(shared_.audioBytes, kTrailer + 1));
  std::memset(buf_.data() + n, 0xA5, payload - kTrailer);
  n += payload;
  const auto sent = nowNs();
  writeTrailer(buf_.data() + n, sent, Kind::Audio);
  protectAndSend(n, sent);
}

// One packet of a VP8 frame: the payload descriptor (RFC 7741: X, S on the first packet,
// I with a 15-bit PictureID, L with TL0PICIDX) so that a relay's VP8 rewriting runs, and on the
// first packet a VP8 payload header (keyframe: P=0 with the start code and 1280x720).
void Peer::sendVideo(std::int64_t now, int packet) {
  const bool first = packet == 0;
  const bool last = packet == shared_.packetsPerFrame - 1;
  std::size_t n = rtpHeader(buf_.data(), videoPt_, last, videoSeq_++, videoTs_, videoSsrc_);
  std::uint8_t* p = buf_.data() + n;
  const auto payload = static_cast<std::size_t>(std::max<int>(shared_.videoBytes, 32));
  std::memset(p, 0x5A, payload - kTrailer);
  p[0] = static_cast<std::uint8_t>(0x80 | (first ? 0x10 : 0x00));
  p[1] = 0xC0;  // I, L
  p[2] = static_cast<std::uint8_t>(0x80 | ((pictureId_ >> 8) & 0x7F));
  p[3] = static_cast<std::uint8_t>(pictureId_);
  p[4] = tl0_;
  if (first) {
    const bool key = now >= nextKeyframe_;
    keyframe_ = key;
    if (key) nextKeyframe_ = now + static_cast<std::int64_t>(shared_.keyframeEverySeconds) * 1'000'000'000;
    std::uint8_t* h = p + 5;
    h[0] = key ? 0x10 : 0x11;  // show_frame, P bit
    h[1] = 0x02;
    h[2] = 0x00;
    if (key) {
      h[3] = 0x9D; h[4] = 0x01; h[5] = 0x2A;  // start code
      h[6] = 0x00; h[7] = 0x05;               // width 1280
      h[8] = 0xD0; h[9] = 0x02;               // height 720
    }
  }
  n += payload;
  const auto sent = nowNs();
  writeTrailer(buf_.data() + n, sent, Kind::Video, keyframe_ ? 1 : 0);
  protectAndSend(n, sent);
}

// The first time at or after `now` that is `next` plus whole intervals (the stream's phase kept).
static std::int64_t skipToNow(std::int64_t next, std::int64_t now, std::int64_t interval) {
  if (next >= now) return next;
  return next + ((now - next + interval - 1) / interval) * interval;
}

void Peer::tick(std::int64_t now) {
  if (dtls_ && !up.load(std::memory_order_relaxed) && !failed.load() && now >= dtlsCheck_) {
    dtlsCheck_ = now + kDtlsPollNs;
    dtls_->handleTimeout();
  }
  if (!srtp_ || failed.load(std::memory_order_relaxed)) return;
  const std::int64_t frame = 1'000'000'000 / std::max(1, shared_.videoFps);
  if (!shared_.sending->load(std::memory_order_relaxed)) {
    // Skip whole intervals only: setting every peer's next send to `now` would line all calls'
    // frames up in one tick once sending starts (a burst of every call's frame every 33 ms).
    nextAudio_ = skipToNow(nextAudio_, now, kAudioIntervalNs);
    nextFrame_ = skipToNow(nextFrame_, now, frame);
    return;
  }
  while (nextAudio_ <= now) {
    sendAudio(now);
    nextAudio_ += kAudioIntervalNs;
  }
  if (!video_) return;
  while (nextFrame_ <= now) {
    for (int k = 0; k < shared_.packetsPerFrame; ++k) sendVideo(now, k);
    pictureId_ = static_cast<std::uint16_t>((pictureId_ + 1) & 0x7FFF);
    ++tl0_;
    videoTs_ += 90'000 / static_cast<std::uint32_t>(std::max(1, shared_.videoFps));
    nextFrame_ += frame;
  }
}

void Peer::close() {
  srtp_.reset();
  if (dtls_) dtls_->close();
  if (ice_) ice_->close();
}

// ---------------------------------------------------------------------------------------------

PeerPool::PeerPool(unsigned threads, const PeerShared& shared) : shared_(shared) {
  for (unsigned i = 0; i < std::max(1u, threads); ++i) {
    auto slot = std::make_unique<Slot>();
    slot->thread = std::make_unique<rtc::ice::MediaThread>("bench-media-" + std::to_string(i));
    auto* s = slot.get();
    const auto tick = std::chrono::milliseconds(std::max(1, shared_.tickMs));
    s->thread->runSync([s, tick] {
      s->tid = static_cast<int>(::syscall(SYS_gettid));
      s->timer = s->thread->addTimeout(tick, [s] {
        const auto now = nowNs();
        for (auto& p : s->peers) p->tick(now);
        return true;
      });
    });
    slots_.push_back(std::move(slot));
  }
}

PeerPool::~PeerPool() {
  closeAll();
  for (auto& s : slots_) s->thread->stop();
}

Peer* PeerPool::create(int index, bool video, bool controlling, std::string* reason) {
  auto& s = *slots_[static_cast<std::size_t>(index) % slots_.size()];
  Peer* out = nullptr;
  s.thread->runSync([&] {
    try {
      auto p = std::make_unique<Peer>(*s.thread, shared_, s.stats, index, video, controlling);
      if (!p->gather(reason)) return;
      out = p.get();
      s.peers.push_back(std::move(p));
    } catch (const std::exception& e) {
      if (reason) *reason = e.what();
    }
  });
  return out;
}

rtc::ice::MediaThread& PeerPool::threadOf(const Peer& p) {
  return *slots_[static_cast<std::size_t>(p.index()) % slots_.size()]->thread;
}

void PeerPool::closeAll() {
  for (auto& s : slots_) {
    auto* slot = s.get();
    slot->thread->runSync([slot] {
      if (slot->timer) slot->thread->cancel(slot->timer);
      slot->timer = 0;
      for (auto& p : slot->peers) p->close();
      slot->peers.clear();
    });
  }
}

PeerPool::Totals PeerPool::totals(Histogram* latency) {
  Totals t;
  for (auto& s : slots_) {
    auto& st = s->stats;
    t.sent += st.sent.load();
    t.sendFailed += st.sendFailed.load();
    t.received += st.received.load();
    t.receivedAll += st.receivedAll.load();
    t.srtpErrors += st.srtpErrors.load();
    t.rtcpIn += st.rtcpIn.load();
    if (st.srtpProfile.load() >= 0) t.srtpProfile = st.srtpProfile.load();
    if (latency) {
      auto* slot = s.get();
      slot->thread->runSync([&] { latency->merge(slot->stats.latency); });
    }
  }
  return t;
}

void PeerPool::resetStats() {
  for (auto& s : slots_) {
    auto* slot = s.get();
    slot->thread->runSync([slot] {
      auto& st = slot->stats;
      st.sent = 0;
      st.sendFailed = 0;
      st.received = 0;
      st.receivedAll = 0;
      st.srtpErrors = 0;
      st.rtcpIn = 0;
      st.latency.clear();
      st.lateBySlot.fill(0);
      st.allBySlot.fill(0);
      st.maxLatencyNs = 0;
      st.maxLatencySentNs = 0;
      st.lateSamples.clear();
      for (auto& p : slot->peers) p->lateAudio = p->lateVideo = 0;
    });
  }
}

PeerPool::LateReport PeerPool::late() {
  LateReport r;
  for (auto& s : slots_) {
    auto* slot = s.get();
    slot->thread->runSync([&] {
      for (std::size_t i = 0; i < ThreadStats::kSlots; ++i) {
        r.lateBySlot[i] += slot->stats.lateBySlot[i];
        r.allBySlot[i] += slot->stats.allBySlot[i];
      }
      if (slot->stats.maxLatencyNs > r.maxNs) {
        r.maxNs = slot->stats.maxLatencyNs;
        r.maxSentNs = slot->stats.maxLatencySentNs;
      }
      for (const auto& x : slot->stats.lateSamples) r.samples.push_back(x);
      for (auto& p : slot->peers) {
        if (p->lateAudio + p->lateVideo > 0) r.peers.push_back({p->index(), p->lateAudio, p->lateVideo});
      }
    });
  }
  return r;
}

std::string PeerPool::describeAll() {
  std::string out;
  for (auto& s : slots_) {
    auto* slot = s.get();
    slot->thread->runSync([&] {
      for (auto& p : slot->peers) out += p->describe();
    });
  }
  return out;
}

std::vector<int> PeerPool::threadIds() const {
  std::vector<int> out;
  for (auto& s : slots_) out.push_back(s->tid);
  return out;
}

}  // namespace callpy::bench::media
