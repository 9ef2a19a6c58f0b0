#pragma once
// The daemon's media path (DESIGN §9): rooms of call legs relayed on media threads. Every room is
// pinned to one media thread; its legs (ICE, DTLS, SRTP, RTP relay) live there, so the packet
// path takes no locks. The public methods may be called from any thread: they post to the room's
// thread, and the events come back on that thread (keep handlers short: queue frames, no I/O).
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <deque>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "rtc/ice/ice_config.h"

namespace callpy::rtc::dtls {
class DtlsContext;
}
namespace callpy::rtc::record {
class Recording;
}

namespace callpy::rtc::call {

enum class LegState { Connecting, Connected, Failed, Closed };

struct LegEvents {
  std::function<void(const std::string& sdp)> answer;        // the daemon's SDP answer
  std::function<void(const std::string& problem)> rejected;  // the offer cannot be served
  std::function<void(LegState, const std::string& reason)> state;
  // Multi-party (F18): who this participant's receive slots show, by participant key ("" = a
  // free slot), whenever that changes once a room had more than two participants. The browser
  // needs as many slots (receive sections) as the list is long: fewer → it renegotiates.
  std::function<void(const std::vector<std::string>& slots)> slots;
};

struct EngineConfig {
  unsigned threads = 2;         // media threads (rtc.media_threads; default: the CPU count)
  ice::IceConfig ice;           // interfaces, public IP, port range, timeouts
  int dtlsTimeoutMs = 10'000;   // a DTLS handshake that has not finished fails the leg
};

// Counters for /metrics and `callpyctl status` (relaxed atomics, summed over threads).
struct EngineStats {
  std::uint64_t rooms = 0;
  std::uint64_t legs = 0;
  std::uint64_t packetsIn = 0;
  std::uint64_t packetsRelayed = 0;
  // What the relay refused to pass on (input side): failed SRTP checks, unknown SSRCs/payload
  // types, malformed packets, a codec the receiver did not negotiate, a track already fed by
  // someone else (and the rare SRTP protect error).
  std::uint64_t packetsDropped = 0;
  std::uint64_t retransmits = 0;
  // What the relay meant to send but the socket refused (EAGAIN/ENOBUFS on a full buffer, an
  // unreachable route, no working pair): relayed and retransmitted RTP and the leg's own RTCP.
  // Counted here only, not in packetsDropped (and not as relayed/retransmitted), so an operator
  // can tell bad input from a relay that cannot get its packets out.
  std::uint64_t sendFailures = 0;
};

class MediaThreadPool;
class Room;

class MediaEngine {
 public:
  explicit MediaEngine(EngineConfig config);
  ~MediaEngine();  // closes every room and joins the media threads
  MediaEngine(const MediaEngine&) = delete;
  MediaEngine& operator=(const MediaEngine&) = delete;

  // A participant's offer: opens its leg in the room (the room is created on first use), or
  // replaces the participant's current leg (another device; the others keep their SSRCs), or,
  // from the same PeerConnection (same ICE credentials), renegotiates it on the running
  // transport. A fifth participant is rejected (at most the visitor and 3 operators).
  void offer(const std::string& room, const std::string& participant, std::string sdp,
             LegEvents events);
  // A participant leaves a call that goes on (F18): its legs close, the others' slots for it
  // free up (their outgoing tracks keep their SSRCs for whoever takes the slot next).
  void leave(const std::string& room, const std::string& participant);
  // A trickled `candidate:` line from the participant's browser ("" = end of candidates).
  void remoteCandidate(const std::string& room, const std::string& participant,
                       std::string candidate);
  // Recording on (packets of every track are copied to `recording`) or off (nullptr).
  void setRecording(const std::string& room, std::shared_ptr<record::Recording> recording);
  // Ends the room: every leg closes (ports freed); no events fire afterwards.
  void closeRoom(const std::string& room);
  EngineStats stats() const;
  std::size_t roomCount() const;

 private:
  struct Entry;
  std::shared_ptr<Entry> find(const std::string& room, bool create);

  EngineConfig config_;
  std::shared_ptr<const dtls::DtlsContext> dtls_;  // one certificate for every leg
  std::unique_ptr<MediaThreadPool> threads_;
  mutable std::mutex mutex_;  // rooms_ (not the packet path)
  std::unordered_map<std::string, std::shared_ptr<Entry>> rooms_;
  // Rooms closed lately: an offer racing with the end of its call must not open a new room.
  std::deque<std::string> closedOrder_;
  std::unordered_set<std::string> closed_;
  unsigned next_ = 0;
};

}  // namespace callpy::rtc::call
