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
// A room holds the visitor and up to 3 operators; each receiver has one slot (a set of receive
// sections: audio, camera, screen) per other participant.
inline constexpr std::size_t kMaxParticipants = 4;
inline constexpr std::size_t kSlots = kMaxParticipants - 1;

// The role of each offer m-line (None for rejected and surplus sections).
std::vector<Role> sectionRoles(const sdp::Negotiation& n);

// Where each accepted offer m-line belongs (multi-party, F18): the k-th audio section is slot k's
// audio, video sections go camera, screen per slot (video j → slot j/2). Slot 0 is also what the
// browser sends (its microphone, camera, screen); the other slots are receive-only sections the
// browser adds when the daemon asks it to renegotiate. slot -1: rejected or beyond kSlots.
struct SectionSlot {
  int slot = -1;
  Role role = Role::None;
};
std::vector<SectionSlot> sectionSlots(const sdp::Negotiation& n);

struct IncomingTrack {
  Role role = Role::None;
  std::uint32_t ssrc = 0;  // 0 until learnt from the offer or the first packet
  std::uint8_t payloadType = 0;
  std::string codec;
  std::uint32_t clockRate = 0;  // as negotiated, with channels and fmtp for the recording
  std::uint8_t channels = 0;
  std::string fmtp;
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

  // A new offer on this leg's PeerConnection (same ICE credentials and fingerprint: the browser
  // added receive sections): answered on the running transport, no ICE or DTLS restart.
  // NotSame: another PeerConnection (a device move; the room opens a new leg).
  enum class Reoffer { NotSame, Answered, Rejected };
  Reoffer reoffer(const std::string& offerSdp, const LegEvents& events);
  // Receive slots this leg negotiated (1 + the receive-only sets the browser added).
  int slots() const { return slots_; }

  int participant() const { return participant_; }
  bool connected() const { return srtp_ != nullptr; }
  OutgoingTrack* outgoing(Role role) { return outgoing(0, role); }
  OutgoingTrack* outgoing(int slot, Role role);
  const IncomingTrack* incoming(Role role) const;

  // Sends a (decrypted) RTP packet of `from`'s track into this leg's outgoing track for `role`
  // in receive slot `slot`.
  void forward(int slot, Role role, const Leg& from, const std::uint8_t* pkt, std::size_t len,
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
  std::string answerSdp();  // from offer_ (then dropped) with the running transport
  // Outgoing tracks for the sections of a (re-)negotiation; existing ones keep their SSRCs.
  void setUpOutgoing();
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
  std::vector<SectionSlot> sections_;  // per offer m-line
  int slots_ = 1;
  std::vector<std::string> localCandidates_;
  bool answered_ = false;
  bool closed_ = false;
  bool failed_ = false;
  std::uint32_t rtcpSsrc_ = 0;  // sender SSRC of the RTCP we originate on this leg
  std::array<IncomingTrack, kRoles> in_;
  // Per slot and role (slot * kRoles + role); SSRC and msid fixed once made, so re-offers do not
  // disturb what already plays.
  static constexpr std::size_t kOut = kSlots * kRoles;
  std::array<OutgoingTrack, kOut> out_;
  std::array<std::uint32_t, kOut> outSsrc_{};
  std::array<std::string, kOut> outTrackId_;
  std::array<std::string, kSlots> streamId_;
  std::string remoteUfrag_, remoteFingerprint_;
  ice::MediaThread::TimerId dtlsTimer_ = 0;
  ice::MediaThread::TimerId rtcpTimer_ = 0;
  // Scratch for what we send: a forwarded copy, a retransmission or our own RTCP.
  std::array<std::uint8_t, 1500 + srtp::kMaxTrailerLength> scratch_{};
};

}  // namespace callpy::rtc::call
