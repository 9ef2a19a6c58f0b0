#pragma once
// A browser stand-in for call-leg tests, built from the daemon's own rtc modules as the
// media_relay benchmark's client is: a controlling IceLeg on 127.0.0.1, the DTLS client, an SRTP
// session and an offer like a browser's (Opus and VP8 with nack/pli, one SSRC each, BUNDLE,
// rtcp-mux, a=setup:actpass). It lives on one MediaThread: construct, call and destroy it there
// (runSync); the atomics may be read from any thread.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "rtc/dtls/dtls_context.h"
#include "rtc/dtls/dtls_transport.h"
#include "rtc/ice/ice_leg.h"
#include "rtc/ice/media_thread.h"
#include "rtc/srtp/srtp_session.h"

namespace callpy::rtc::call::test {

inline constexpr std::uint8_t kOpusPt = 111;
inline constexpr std::uint8_t kVp8Pt = 96;

class ClientPeer {
 public:
  ClientPeer(ice::MediaThread& thread, std::string cname);
  ~ClientPeer();
  ClientPeer(const ClientPeer&) = delete;
  ClientPeer& operator=(const ClientPeer&) = delete;

  // Opens the socket; `gathered` turns true once every local candidate is known.
  bool gather(std::string* reason);
  // After gathered: the offer with our candidates and a=end-of-candidates.
  std::string offer() const;
  // The leg's answer (a=setup:passive: we are the DTLS client).
  bool applyAnswer(const std::string& sdp, std::string* reason);
  // One SRTP-protected Opus packet; false when not up yet or our socket refused it.
  bool sendAudio(std::uint16_t seq);
  // One SRTP-protected VP8 keyframe in one packet (a payload descriptor the relay rewrites).
  bool sendVideo(std::uint16_t seq);
  // An SRTCP generic NACK asking the sender of `mediaSsrc` for `seqs` again.
  bool sendNack(std::uint32_t mediaSsrc, const std::vector<std::uint16_t>& seqs);
  void close();

  // The UDP port of the answer's first candidate: the daemon leg's socket.
  int answerPort() const { return answerPort_; }
  std::uint32_t audioSsrc() const { return ssrc_; }

  std::atomic<bool> gathered{false};
  std::atomic<bool> up{false};  // SRTP keys in place
  std::atomic<bool> failed{false};
  // RTP packets that decrypted (a retransmission repeats an index: SRTP's replay check drops it).
  std::atomic<std::uint64_t> receivedAudio{0}, receivedVideo{0};
  std::atomic<std::uint32_t> videoSsrc{0};  // of the video we receive: the leg's outgoing track
  std::atomic<std::uint64_t> receivedRtcp{0};

 private:
  void onPacket(std::uint8_t* data, std::size_t len);

  ice::MediaThread& thread_;
  std::string cname_;
  std::shared_ptr<const dtls::DtlsContext> dtlsContext_;  // our own certificate
  std::unique_ptr<ice::IceLeg> ice_;
  std::unique_ptr<dtls::DtlsTransport> dtls_;
  std::unique_ptr<srtp::SrtpSession> srtp_;
  ice::MediaThread::TimerId dtlsTimer_ = 0;
  bool iceUp_ = false;
  std::vector<std::string> candidates_;
  int answerPort_ = 0;
  std::uint32_t ssrc_, videoSsrc_;
  std::uint32_t timestamp_ = 0, videoTimestamp_ = 0;
  std::uint16_t pictureId_ = 0;
  std::vector<std::uint8_t> buf_;
};

// Polls pred until it holds or the deadline passes (the counters under test have no event to
// wait on); true if it held.
bool eventually(const std::function<bool()>& pred,
                std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace callpy::rtc::call::test
