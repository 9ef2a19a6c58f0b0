#include "client_peer.h"

#include <openssl/rand.h>

#include <algorithm>
#include <iterator>
#include <sstream>
#include <thread>

#include "rtc/dtls/certificate.h"
#include "rtc/rtp/demux.h"
#include "rtc/rtp/rtcp_builder.h"
#include "rtc/rtp/rtp_packet.h"
#include "rtc/sdp/parser.h"

namespace callpy::rtc::call::test {

namespace {

std::uint32_t randomSsrc() {
  std::uint32_t v = 0;
  while (v == 0) RAND_bytes(reinterpret_cast<unsigned char*>(&v), sizeof v);
  return v;
}

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

// "candidate:<foundation> <component> <transport> <priority> <address> <port> typ ..."
int candidatePort(const std::string& line) {
  std::istringstream in(line);
  std::string field;
  for (int i = 0; i < 6 && in >> field; ++i) {
    if (i == 5) return std::stoi(field);
  }
  return 0;
}

}  // namespace

ClientPeer::ClientPeer(ice::MediaThread& thread, std::string cname)
    : thread_(thread), cname_(std::move(cname)),
      dtlsContext_(dtls::DtlsContext::create(dtls::Certificate::generateEcdsaP256())),
      ssrc_(randomSsrc()), videoSsrc_(randomSsrc()), buf_(1500 + srtp::kMaxTrailerLength) {
  ice::IceCallbacks cb;
  cb.onLocalCandidate = [this](const std::string& c) { candidates_.push_back(c); };
  cb.onGatheringDone = [this] { gathered.store(true); };
  cb.onState = [this](ice::IceState s, const std::string&) {
    if (s == ice::IceState::Connected) {
      iceUp_ = true;
      if (dtls_) dtls_->start();
    } else if (s == ice::IceState::Failed) {
      failed.store(true);
    }
  };
  cb.onPacket = [this](std::uint8_t* data, std::size_t len) { onPacket(data, len); };
  ice::IceConfig config;
  config.interfaceAddresses = {"127.0.0.1"};
  config.controlling = true;  // a browser offering is the controlling agent
  ice_ = std::make_unique<ice::IceLeg>(thread_, config, std::move(cb));
}

ClientPeer::~ClientPeer() { close(); }

bool ClientPeer::gather(std::string* reason) { return ice_->gather(reason); }

std::string ClientPeer::offer() const {
  std::string s = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";
  s += "a=group:BUNDLE 0 1\r\na=msid-semantic: WMS\r\n";
  s += "m=audio 9 UDP/TLS/RTP/SAVPF " + std::to_string(kOpusPt) + "\r\n";
  s += "c=IN IP4 0.0.0.0\r\na=rtcp:9 IN IP4 0.0.0.0\r\n";
  const std::string transport =
      "a=ice-ufrag:" + ice_->localUfrag() + "\r\na=ice-pwd:" + ice_->localPwd() +
      "\r\na=ice-options:trickle\r\na=fingerprint:sha-256 " + dtlsContext_->fingerprintSha256() +
      "\r\na=setup:actpass\r\n";
  auto ssrcLines = [&](std::uint32_t ssrc, const char* track) {
    const auto n = std::to_string(ssrc);
    return "a=msid:" + cname_ + " " + track + "\r\na=ssrc:" + n + " cname:" + cname_ +
           "\r\na=ssrc:" + n + " msid:" + cname_ + " " + track + "\r\n";
  };
  s += transport;
  for (const auto& c : candidates_) s += "a=" + c + "\r\n";
  s += "a=end-of-candidates\r\na=mid:0\r\na=sendrecv\r\na=rtcp-mux\r\n";
  const auto pt = std::to_string(kOpusPt);
  s += "a=rtpmap:" + pt + " opus/48000/2\r\na=fmtp:" + pt + " minptime=10;useinbandfec=1\r\n";
  s += ssrcLines(ssrc_, "audio");
  const auto vpt = std::to_string(kVp8Pt);
  s += "m=video 9 UDP/TLS/RTP/SAVPF " + vpt + "\r\nc=IN IP4 0.0.0.0\r\na=rtcp:9 IN IP4 0.0.0.0\r\n";
  s += transport;
  s += "a=mid:1\r\na=sendrecv\r\na=rtcp-mux\r\na=rtpmap:" + vpt + " VP8/90000\r\n";
  s += "a=rtcp-fb:" + vpt + " nack\r\na=rtcp-fb:" + vpt + " nack pli\r\n";
  s += ssrcLines(videoSsrc_, "video");
  return s;
}

bool ClientPeer::applyAnswer(const std::string& sdp, std::string* reason) {
  auto parsed = sdp::parse(sdp);
  if (!parsed.ok()) {
    *reason = "answer line " + std::to_string(parsed.error.line) + ": " + parsed.error.message;
    return false;
  }
  const sdp::MediaSection* m = nullptr;
  for (const auto& section : parsed.description->media) {
    if (section.port != 0) {
      m = &section;
      break;
    }
  }
  if (m == nullptr || m->setup != sdp::Setup::Passive) {
    *reason = "no accepted section with a=setup:passive";
    return false;
  }
  std::string fingerprint;
  for (const auto& f : m->fingerprints) {
    if (f.algorithm == "sha-256") fingerprint = f.value;
  }
  if (!ice_->setRemoteCredentials(m->iceUfrag, m->icePwd, reason)) return false;
  dtls::DtlsCallbacks cb;
  cb.send = [this](const std::uint8_t* data, std::size_t size) { ice_->send(data, size); };
  cb.connected = [this](const srtp::SrtpKeys& keys) {
    srtp_ = std::make_unique<srtp::SrtpSession>(keys, false);
    up.store(true);
  };
  cb.failed = [this](const std::string&) { failed.store(true); };
  cb.closed = [this] { failed.store(true); };
  dtls_ = std::make_unique<dtls::DtlsTransport>(dtlsContext_, dtls::Role::Client, fingerprint,
                                                std::move(cb));
  if (iceUp_) dtls_->start();
  // OpenSSL's retransmissions (and the handshake deadline) need a timer.
  dtlsTimer_ = thread_.addTimeout(std::chrono::milliseconds(50), [this] {
    if (!dtls_ || dtls_->state() == dtls::DtlsState::Connected) {
      dtlsTimer_ = 0;
      return false;
    }
    dtls_->handleTimeout();
    return true;
  });
  for (const auto& c : m->candidates) {
    if (answerPort_ == 0) answerPort_ = candidatePort(c);
    ice_->addRemoteCandidate(c);
  }
  if (m->endOfCandidates) ice_->remoteGatheringDone();
  return true;
}

bool ClientPeer::sendAudio(std::uint16_t seq) {
  if (!srtp_) return false;
  constexpr std::size_t kPayload = 100;
  std::uint8_t* p = buf_.data();
  p[0] = 0x80;
  p[1] = kOpusPt;
  put16(p + 2, seq);
  put32(p + 4, timestamp_);
  put32(p + 8, ssrc_);
  timestamp_ += 960;  // 20 ms at 48 kHz
  std::fill(p + 12, p + 12 + kPayload, std::uint8_t{0xA5});
  std::size_t len = 12 + kPayload;
  if (srtp_->protectRtp(p, len, buf_.size()) != srtp::SrtpStatus::Ok) return false;
  return ice_->send(p, len);
}

bool ClientPeer::sendVideo(std::uint16_t seq) {
  if (!srtp_) return false;
  std::uint8_t* p = buf_.data();
  p[0] = 0x80;
  p[1] = 0x80 | kVp8Pt;  // marker: the frame's last (only) packet
  put16(p + 2, seq);
  put32(p + 4, videoTimestamp_);
  put32(p + 8, videoSsrc_);
  videoTimestamp_ += 3000;  // 30 fps at 90 kHz
  // RFC 7741 descriptor: X and S (start of partition 0), I with a 15-bit picture id; then a
  // keyframe's payload header (show_frame, start code, 640x360).
  std::uint8_t* d = p + 12;
  d[0] = 0x90;
  d[1] = 0x80;
  d[2] = static_cast<std::uint8_t>(0x80 | (pictureId_ >> 8));
  d[3] = static_cast<std::uint8_t>(pictureId_);
  pictureId_ = static_cast<std::uint16_t>((pictureId_ + 1) & 0x7FFF);
  const std::uint8_t header[] = {0x10, 0x02, 0x00, 0x9D, 0x01, 0x2A, 0x80, 0x02, 0x68, 0x01};
  std::copy(std::begin(header), std::end(header), d + 4);
  constexpr std::size_t kPayload = 200;
  std::fill(d + 4 + sizeof header, d + kPayload, std::uint8_t{0x5A});
  std::size_t len = 12 + kPayload;
  if (srtp_->protectRtp(p, len, buf_.size()) != srtp::SrtpStatus::Ok) return false;
  return ice_->send(p, len);
}

bool ClientPeer::sendNack(std::uint32_t mediaSsrc, const std::vector<std::uint16_t>& seqs) {
  if (!srtp_) return false;
  std::size_t len = rtp::buildNack({buf_.data(), 1500}, ssrc_, mediaSsrc, seqs);
  if (len == 0) return false;
  if (srtp_->protectRtcp(buf_.data(), len, buf_.size()) != srtp::SrtpStatus::Ok) return false;
  return ice_->send(buf_.data(), len);
}

void ClientPeer::onPacket(std::uint8_t* data, std::size_t len) {
  switch (rtp::classify(data, len)) {
    case rtp::PacketKind::Dtls:
      if (dtls_) dtls_->handleDatagram(data, len);
      return;
    case rtp::PacketKind::Rtp: {
      if (!srtp_ || srtp_->unprotectRtp(data, len) != srtp::SrtpStatus::Ok) return;
      auto pkt = rtp::RtpPacket::parse(data, len);
      if (!pkt) return;
      if (pkt->payloadType() == kVp8Pt) {
        videoSsrc.store(pkt->ssrc());
        receivedVideo.fetch_add(1);
      } else {
        receivedAudio.fetch_add(1);
      }
      return;
    }
    case rtp::PacketKind::Rtcp:
      if (srtp_ && srtp_->unprotectRtcp(data, len) == srtp::SrtpStatus::Ok) receivedRtcp.fetch_add(1);
      return;
    default:
      return;
  }
}

void ClientPeer::close() {
  if (dtlsTimer_) thread_.cancel(dtlsTimer_);
  dtlsTimer_ = 0;
  if (dtls_) dtls_->close();
  if (ice_) ice_->close();
}

bool eventually(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!pred()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

}  // namespace callpy::rtc::call::test
