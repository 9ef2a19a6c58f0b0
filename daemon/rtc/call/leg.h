#pragma once
// One call leg: the daemon's end of one browser PeerConnection. It owns the ICE agent, the DTLS
// handshake (the browser is the client), the SRTP session and, per negotiated m-line, the
// incoming track it receives and the outgoing track it sends. Lives on its room's media thread;
// packets go in through onPacket() and out through the room, which decides where a track goes.
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "rtc/call/media_engine.h"
#include "rtc/dtls/dtls_transport.h"
#include "rtc/ice/ice_leg.h"
#include "rtc/rtp/outgoing_stream.h"
#include "rtc/rtp/pli_limiter.h"
#include "rtc/rtp/receiver_stats.h"
#include "rtc/rtp/retransmit_buffer.h"
#include "rtc/sdp/negotiation.h"
#include "rtc/srtp/srtp_session.h"

namespace callpy::rtc::call {

class Room;
struct ThreadCounters;

// What a track carries, which decides where the room forwards it: the first audio section is the
// microphone, the first video section the camera, the second video section a screen share.
enum class Role : std::uint8_t { Audio, Camera, Screen, None };
inline constexpr std::size_t kRoles = 3;

// The role of each offer m-line (None for rejected and surplus sections).
std::vector<Role> sectionRoles(const sdp::Negotiation& n);

struct IncomingTrack {
  Role role = Role::None;
  std::uint32_t ssrc = 0;  // 0 until learnt from the offer or the first packet
  std::uint8_t payloadType = 0;
  std::string codec;
  std::optional<rtp::ReceiverStats> stats;
  rtp::PliLimiter keyframes;
};

struct OutgoingTrack {
  Role role = Role::None;
  std::string codec;
  std::optional<rtp::OutgoingStream> stream;
  std::unique_ptr<rtp::RetransmitBuffer> history;  // video with NACK only
  bool pli = false, fir = false;
  int sourceParticipant = -1;  // who feeds it now (room's participant number), -1 = nobody
  const class Leg* sourceLeg = nullptr;
  std::uint8_t firSeq = 0;
};

struct LegShared {
  std::shared_ptr<const dtls::DtlsContext> dtls;
  ice::IceConfig ice;
  int dtlsTimeoutMs = 10'000;
  ThreadCounters* counters = nullptr;
};

class Leg {
 public:
  Leg(Room& room, int participant, ice::MediaThread& thread, const LegShared& shared,
      LegEvents events);
  ~Leg();
  Leg(const Leg&) = delete;
  Leg& operator=(const Leg&) = delete;

  // Parses and negotiates the offer, gathers candidates and answers through events.answer
  // (events.rejected and false when the offer cannot be served).
  bool open(const std::string& offerSdp);
  void addRemoteCandidate(const std::string& line);
  // Frees ports and timers; no event fires afterwards.
  void close();

  int participant() const { return participant_; }
  bool connected() const { return srtp_ != nullptr; }
  OutgoingTrack* outgoing(Role role);
  const IncomingTrack* incoming(Role role) const;

  // Sends a (decrypted) RTP packet of `from`'s track into this leg's outgoing track for `role`.
  void forward(Role role, const Leg& from, const std::uint8_t* pkt, std::size_t len,
               std::uint64_t nowUs);
  // Asks this leg's browser for a keyframe on its track for `role` (rate limited).
  void requestKeyframe(Role role, std::uint64_t nowUs);

 private:
  void onPacket(std::uint8_t* data, std::size_t len);
  void onRtp(std::uint8_t* data, std::size_t len);
  void onRtcp(std::uint8_t* data, std::size_t len);
  void onDtlsConnected(const srtp::SrtpKeys& keys);
  void fail(const std::string& reason);
  void sendAnswer();
  void armDtlsTimer();
  bool rtcpTick();
  IncomingTrack* trackFor(std::uint32_t ssrc, std::uint8_t pt);
  void sendRtcp(std::uint8_t* buf, std::size_t len);
  void resend(OutgoingTrack& out, std::uint16_t seq);
  void state(LegState s, const std::string& reason);

  Room& room_;
  int participant_;
  ice::MediaThread& thread_;
  const LegShared shared_;  // a copy: a retired leg may outlive its room by one task
  LegEvents events_;
  std::unique_ptr<ice::IceLeg> ice_;
  std::unique_ptr<dtls::DtlsTransport> dtls_;
  std::unique_ptr<srtp::SrtpSession> srtp_;
  // The offer and its negotiation, kept until the answer is written.
  std::optional<sdp::Negotiation> negotiation_;
  std::optional<sdp::SessionDescription> offer_;
  std::vector<Role> roles_;  // per offer m-line
  std::vector<std::string> localCandidates_;
  bool answered_ = false;
  bool closed_ = false;
  bool failed_ = false;
  std::uint32_t rtcpSsrc_ = 0;  // sender SSRC of the RTCP we originate on this leg
  std::array<IncomingTrack, kRoles> in_;
  std::array<OutgoingTrack, kRoles> out_;
  std::array<std::uint32_t, kRoles> outSsrc_{};
  ice::MediaThread::TimerId dtlsTimer_ = 0;
  ice::MediaThread::TimerId rtcpTimer_ = 0;
  // Scratch for what we send: a forwarded copy, a retransmission or our own RTCP.
  std::array<std::uint8_t, 1500 + srtp::kMaxTrailerLength> scratch_{};
};

}  // namespace callpy::rtc::call
