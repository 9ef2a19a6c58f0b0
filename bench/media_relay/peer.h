#pragma once
// One benchmark endpoint (what a browser's RTCPeerConnection is to a relay), built on the
// daemon's own rtc modules as the client side: rtc::ice::IceLeg, rtc::dtls::DtlsTransport,
// rtc::srtp::SrtpSession and the rtp/ views. Lives on one media thread of a PeerPool; every
// method except the atomics runs there (the pool's runSync/post).
#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "rtc/dtls/dtls_context.h"
#include "rtc/dtls/dtls_transport.h"
#include "rtc/ice/ice_leg.h"
#include "rtc/ice/media_thread.h"
#include "rtc/srtp/srtp_session.h"
#include "sdp_text.h"
#include "traffic.h"

namespace callpy::bench::media {

struct PeerShared {
  std::shared_ptr<const rtc::dtls::DtlsContext> dtls;
  rtc::ice::IceConfig ice;  // controlling is set per peer
  Window* window = nullptr;
  std::atomic<bool>* sending = nullptr;
  int audioBytes = 100;    // RTP payload per audio packet
  int videoBytes = 1100;   // RTP payload per video packet
  int videoFps = 30;
  int packetsPerFrame = 5;  // 30 x 5 = 150 packets/s
  int keyframeEverySeconds = 3;
  // The send tick: every peer of a client thread sends what is due at once (a burst per tick).
  // 1 ms: independent browsers do not share a send grid, so their packets reach a relay spread
  // out; a 5 ms grid makes each thread's ~150 peers one burst (a stress variant, TICK_MS=5).
  int tickMs = 1;
};

class Peer {
 public:
  // On the thread. controlling: true when this peer offers (the relay answers).
  Peer(rtc::ice::MediaThread& thread, const PeerShared& shared, ThreadStats& stats, int index,
       bool video, bool controlling);
  ~Peer();
  Peer(const Peer&) = delete;
  Peer& operator=(const Peer&) = delete;

  bool gather(std::string* reason);
  std::string offer() const;  // after gathered
  // The relay's answer to offer(): remote ICE and DTLS role (passive -> we are the client).
  bool applyAnswer(const std::string& sdp, std::string* reason);
  // The relay offered (Janus to a callee): returns our answer (a=setup:active), empty + reason
  // when it cannot be served.
  std::string answerOffer(const std::string& sdp, std::string* reason);
  void addRemoteCandidate(const std::string& line);
  // Sends what is due and drives the DTLS timer.
  void tick(std::int64_t now);
  void close();

  std::atomic<bool> gathered{false};
  std::atomic<bool> up{false};      // SRTP keys in place
  std::atomic<bool> failed{false};  // reason_ is set before
  std::string failure() const { return reason_; }
  int index() const { return index_; }
  // "PEER <index> <audio SSRC> <video SSRC>" and one "CAND <index> <candidate>" line per local
  // candidate, for the wire matcher (wire_latency.py): it tells a peer's streams and ports.
  std::string describe() const;
  // Packets of the window this peer received >= ThreadStats::kLateNs after they were sent.
  std::uint64_t lateAudio = 0, lateVideo = 0;

 private:
  LocalMedia local() const;
  bool setRemote(const rtc::sdp::SessionDescription& d, bool weAreClient, std::string* reason);
  void onPacket(std::uint8_t* data, std::size_t len);
  void fail(const std::string& why);
  void sendAudio(std::int64_t now);
  void sendVideo(std::int64_t now, int packet);
  void protectAndSend(std::size_t len, std::int64_t sentNs);

  rtc::ice::MediaThread& thread_;
  const PeerShared& shared_;
  ThreadStats& stats_;
  int index_;
  bool video_;
  std::unique_ptr<rtc::ice::IceLeg> ice_;
  std::unique_ptr<rtc::dtls::DtlsTransport> dtls_;
  std::unique_ptr<rtc::srtp::SrtpSession> srtp_;
  bool dtlsClient_ = true;
  bool iceUp_ = false;
  std::vector<std::string> candidates_;
  std::string reason_;
  std::uint32_t audioSsrc_, videoSsrc_;
  std::uint8_t audioPt_ = kOpusPt, videoPt_ = kVp8Pt;
  std::uint16_t audioSeq_ = 0, videoSeq_ = 0;
  std::uint32_t audioTs_ = 0, videoTs_ = 0;
  std::uint16_t pictureId_ = 0;
  std::uint8_t tl0_ = 0;
  bool keyframe_ = false;  // the frame being sent is a keyframe
  std::int64_t nextAudio_ = 0, nextFrame_ = 0, nextKeyframe_ = 0;
  std::int64_t dtlsCheck_ = 0;
  std::array<std::uint8_t, 1500 + rtc::srtp::kMaxTrailerLength> buf_{};
};

// N media threads, each with its peers and a tick (PeerShared::tickMs) that sends what is due.
class PeerPool {
 public:
  PeerPool(unsigned threads, const PeerShared& shared);
  ~PeerPool();  // closes every peer, stops the threads
  std::string describeAll();  // every peer's describe(), for --legs

  // Creates a peer on thread (index % threads) and starts gathering; nullptr + reason on failure.
  Peer* create(int index, bool video, bool controlling, std::string* reason);
  rtc::ice::MediaThread& threadOf(const Peer& p);
  // Runs fn(peer) on the peer's thread and waits.
  template <typename Fn>
  void sync(Peer& p, Fn fn) {
    threadOf(p).runSync([&] { fn(p); });
  }
  void post(Peer& p, std::function<void(Peer&)> fn) {
    threadOf(p).post([&p, fn = std::move(fn)] { fn(p); });
  }
  void closeAll();
  // Sums over the threads; the histograms are merged into `latency`.
  struct Totals {
    std::uint64_t sent = 0, sendFailed = 0, received = 0, receivedAll = 0, srtpErrors = 0, rtcpIn = 0;
    int srtpProfile = -1;
  };
  Totals totals(Histogram* latency);
  void resetStats();
  std::vector<int> threadIds() const;
  // The late packets of the window: by 100 ms slot of send time, and by receiving peer.
  struct LatePeer {
    int index;
    std::uint64_t audio, video;
  };
  struct LateReport {
    std::array<std::uint64_t, ThreadStats::kSlots> lateBySlot{}, allBySlot{};
    std::int64_t maxNs = 0, maxSentNs = 0;
    std::vector<LatePeer> peers;
    std::vector<ThreadStats::LateSample> samples;
  };
  LateReport late();

 private:
  struct Slot {
    std::unique_ptr<rtc::ice::MediaThread> thread;
    ThreadStats stats;
    std::vector<std::unique_ptr<Peer>> peers;
    rtc::ice::MediaThread::TimerId timer = 0;
    int tid = 0;
  };
  const PeerShared& shared_;
  std::vector<std::unique_ptr<Slot>> slots_;
};

}  // namespace callpy::bench::media
