#pragma once
// A call's media room on its media thread: each participant (the visitor, an operator) has an
// active leg, and while it moves to another device (a new offer), a pending leg that replaces the
// active one once its DTLS handshake is done (make before break: the others never notice). A
// track published on one leg is forwarded to the matching outgoing track of every other
// participant's active leg. With more than two participants (F18: the visitor and up to 3
// operators) every receiver has one slot per other participant (leg.h, sectionSlots); a slot
// keeps its remote until that one leaves, so the receiver's SSRCs stay stable. A participant who
// leaves frees its place (participant number) for a newcomer; until then a rejoin gets it back.
#include <array>
#include <atomic>
#include <functional>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "rtc/call/leg.h"
#include "rtc/record/recording_writer.h"

namespace callpy::rtc::call {

// Counters of one media thread: written only by it, read by stats() from anywhere.
struct alignas(64) ThreadCounters {
  std::atomic<std::uint64_t> legs{0};
  std::atomic<std::uint64_t> packetsIn{0};
  std::atomic<std::uint64_t> packetsRelayed{0};
  std::atomic<std::uint64_t> packetsDropped{0};  // refused on input (see EngineStats)
  std::atomic<std::uint64_t> retransmits{0};
  std::atomic<std::uint64_t> sendFailures{0};  // refused on output (see EngineStats)
  void add(std::atomic<std::uint64_t>& c, std::uint64_t n = 1) {
    c.store(c.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
};

class Room {
 public:
  Room(ice::MediaThread& thread, LegShared shared);
  ~Room();
  Room(const Room&) = delete;
  Room& operator=(const Room&) = delete;

  void offer(const std::string& participant, const std::string& sdp, LegEvents events);
  void remoteCandidate(const std::string& participant, const std::string& candidate);
  void leave(const std::string& participant);
  // Which remote participant (key) each receive slot of `participant` shows ("" = free).
  std::vector<std::string> slotsOf(const std::string& participant) const;
  void close();
  // Recording on (a recording to feed) or off (nullptr): every relayed packet is also copied to it.
  void setRecording(std::shared_ptr<record::Recording> recording);

  // Whose voice participant `number` (its place in the room) is in a recording: the visitor, or
  // one of the operator voices (see voiceFor()).
  record::Participant recordedVoice(std::size_t number) const;

  // From the legs.
  void legConnected(Leg& leg);
  void publish(const Leg& from, Role role, const std::uint8_t* pkt, std::size_t len,
               std::uint64_t nowUs);
  // A receiver lost a frame: ask whoever feeds its `role` track for a keyframe.
  void keyframeWanted(const OutgoingTrack& track, std::uint64_t nowUs);

 private:
  struct Participant {
    std::string key;
    std::unique_ptr<Leg> active;
    std::unique_ptr<Leg> pending;
    bool left = false;  // kept (its number stays) so a rejoin gets the same place, until reused
    std::optional<record::Participant> voice;  // in a recording; stays with the place
    std::array<int, kMaxParticipants> slotOf{-1, -1, -1, -1};  // remote number → my slot
    std::function<void(const std::vector<std::string>&)> onSlots;
  };
  Participant* find(const std::string& key);
  // The place a participant not in the room takes: a new one while there is room, else the
  // place of one who left (nullptr: full).
  Participant* place(const std::string& key);
  record::Participant voiceFor(const std::string& key, std::size_t number) const;
  // A participant (new, or back after leaving) takes a free slot at everyone else and vice versa.
  void admit(std::size_t number);
  void notifySlots(Participant& p);
  // Drops references the other legs' outgoing tracks hold to `leg` (it is about to go).
  void forget(const Leg& leg);
  // Destroys a leg after the current callback has returned (libnice may be on the stack).
  void retire(std::unique_ptr<Leg> leg);
  // Tells the recording the payload types participant `number`'s active leg negotiated for each
  // of its tracks (the raw files record them, so the converter need not guess the codecs).
  void recordCodecs(std::size_t number);

  ice::MediaThread& thread_;
  LegShared shared_;
  std::vector<Participant> participants_;
  std::shared_ptr<record::Recording> recording_;
  bool closed_ = false;
  bool multiParty_ = false;  // ever more than two: slot changes are told to the browsers
};

}  // namespace callpy::rtc::call
