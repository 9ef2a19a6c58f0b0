#include "rtc/call/room.h"

#include <cassert>
#include <chrono>

namespace callpy::rtc::call {

Room::Room(ice::MediaThread& thread, LegShared shared) : thread_(thread), shared_(std::move(shared)) {
  participants_.reserve(kMaxParticipants);
}

Room::~Room() { close(); }

Room::Participant* Room::find(const std::string& key) {
  for (auto& p : participants_) {
    if (p.key == key) return &p;
  }
  return nullptr;
}

Room::Participant* Room::place(const std::string& key) {
  // A new place while there are fewer than kMaxParticipants (so one who left can still come
  // back to theirs), then the place of one who left: the room holds those present, not everyone
  // who ever came (F18: invite, leave, invite another...). A left place's legs are retired and
  // nobody's slot points at it any more (leave()), so it is clean to hand over.
  if (participants_.size() < kMaxParticipants) {
    participants_.push_back({});
    participants_.back().key = key;
    return &participants_.back();
  }
  for (auto& p : participants_) {
    // The visitor's place stays theirs (their voice is the recording's first; a call whose
    // visitor is gone is over anyway), and only the visitor may take it back.
    if (!p.left || (p.key == "visitor") != (key == "visitor")) continue;
    p.key = key;  // the one who left, coming back, is a newcomer now
    return &p;
  }
  return nullptr;
}

void Room::admit(std::size_t number) {
  auto& me = participants_[number];
  me.left = false;
  me.slotOf.fill(-1);
  auto freeSlot = [](const Participant& p) {
    for (int slot = 0; slot < static_cast<int>(kSlots); ++slot) {
      bool used = false;
      for (auto s : p.slotOf) used = used || s == slot;
      if (!used) return slot;
    }
    return -1;
  };
  std::size_t present = 1;
  for (std::size_t i = 0; i < participants_.size(); ++i) {
    auto& other = participants_[i];
    if (i == number || other.left) continue;
    ++present;
    other.slotOf[number] = freeSlot(other);
    me.slotOf[i] = freeSlot(me);
  }
  if (present > 2) multiParty_ = true;
  for (std::size_t i = 0; i < participants_.size(); ++i) {
    if (i != number && !participants_[i].left) notifySlots(participants_[i]);
  }
}

std::vector<std::string> Room::slotsOf(const std::string& key) const {
  std::vector<std::string> out;
  for (const auto& p : participants_) {
    if (p.key != key) continue;
    for (std::size_t i = 0; i < participants_.size(); ++i) {
      const auto slot = p.slotOf[i];
      if (slot < 0) continue;
      if (out.size() <= static_cast<std::size_t>(slot)) out.resize(static_cast<std::size_t>(slot) + 1);
      out[static_cast<std::size_t>(slot)] = participants_[i].key;
    }
  }
  return out;
}

void Room::notifySlots(Participant& p) {
  // Told once the participant's leg is up (its first answer is applied by then); 1:1 calls never.
  if (!multiParty_ || !p.onSlots || !p.active || !p.active->connected()) return;
  p.onSlots(slotsOf(p.key));
}

void Room::offer(const std::string& key, const std::string& sdp, LegEvents events) {
  if (closed_) return;
  auto* p = find(key);
  if (!p || p->left) {
    if (!p) p = place(key);
    if (!p) {
      if (events.rejected) events.rejected("the call is full: at most the visitor and 3 operators");
      return;
    }
    const auto at = static_cast<std::size_t>(p - participants_.data());
    p->voice = voiceFor(key, at);
    admit(at);
  }
  const int number = static_cast<int>(p - participants_.data());
  // The same PeerConnection offering again (receive sections added): renegotiated in place.
  if (p->active && !p->pending) {
    switch (p->active->reoffer(sdp, events)) {
      case Leg::Reoffer::Answered:
        p->onSlots = events.slots;
        return;
      case Leg::Reoffer::Rejected:
        return;
      case Leg::Reoffer::NotSame:
        break;
    }
  }
  // A newer offer supersedes a pending one that never connected.
  if (p->pending) {
    forget(*p->pending);
    retire(std::move(p->pending));
  }
  p->onSlots = events.slots;
  auto rejected = events.rejected;
  auto leg = std::make_unique<Leg>(*this, number, thread_, shared_, std::move(events));
  bool opened = false;
  try {
    opened = leg->open(sdp);
  } catch (const std::exception& e) {
    // OpenSSL or libnice refusing resources: the participant hears why instead of waiting.
    if (rejected) rejected(std::string("the media path could not open the call: ") + e.what());
  }
  if (!opened) {
    retire(std::move(leg));
    return;
  }
  if (p->active) {
    p->pending = std::move(leg);
  } else {
    p->active = std::move(leg);
    recordCodecs(static_cast<std::size_t>(number));
  }
}

void Room::remoteCandidate(const std::string& key, const std::string& candidate) {
  for (auto& p : participants_) {
    if (p.key != key || p.left) continue;
    if (p.pending) p.pending->addRemoteCandidate(candidate);
    else if (p.active) p.active->addRemoteCandidate(candidate);
  }
}

void Room::leave(const std::string& key) {
  auto* p = find(key);
  if (!p || p->left) return;
  const auto number = static_cast<std::size_t>(p - participants_.data());
  for (auto* leg : {&p->pending, &p->active}) {
    if (!*leg) continue;
    forget(**leg);
    retire(std::move(*leg));
  }
  p->left = true;
  p->onSlots = nullptr;
  p->slotOf.fill(-1);
  for (auto& other : participants_) {
    if (other.left) continue;
    other.slotOf[number] = -1;
    notifySlots(other);
  }
}

void Room::legConnected(Leg& leg) {
  auto& p = participants_.at(static_cast<std::size_t>(leg.participant()));
  if (p.pending.get() != &leg) {  // the first leg: already active
    notifySlots(p);
    return;
  }
  // Make before break: the new device takes over; the others' outgoing tracks re-base on it.
  auto old = std::move(p.active);
  p.active = std::move(p.pending);
  recordCodecs(static_cast<std::size_t>(leg.participant()));
  if (old) {
    forget(*old);
    retire(std::move(old));
  }
  notifySlots(p);  // the new device learns who its slots show (it may need more of them)
}

void Room::forget(const Leg& leg) {
  for (auto& p : participants_) {
    for (auto* l : {p.active.get(), p.pending.get()}) {
      if (!l) continue;
      for (int slot = 0; slot < static_cast<int>(kSlots); ++slot) {
        for (auto role : {Role::Audio, Role::Camera, Role::Screen}) {
          auto* out = l->outgoing(slot, role);
          if (out && out->sourceLeg == &leg) out->sourceLeg = nullptr;
        }
      }
    }
  }
}

void Room::retire(std::unique_ptr<Leg> leg) {
  leg->close();
  // Deleted from a fresh task: the caller may be inside one of the leg's own callbacks.
  thread_.post([l = std::shared_ptr<Leg>(std::move(leg))] {});
}

record::Participant Room::voiceFor(const std::string& key, std::size_t number) const {
  // Voices belong to places, not to people. A recording is one Opus multistream of at most
  // record::kVoices voices (the visitor and 3 operators), while a call may see more operators
  // come and go once left places are reused. So a new place takes the next operator voice no
  // place had yet (entry order: the first operator is voice 1, ...), and an operator taking over
  // the place of one who left continues that place's voice: the two are never in the call at
  // the same time, and the recording's time mapping re-anchors on the newcomer's SSRC as it does
  // when a participant moves to another device. Every recording thus keeps one voice per
  // operator while at most 3 operators took part, and never mixes two present ones.
  if (key == "visitor") return record::Participant::Visitor;
  const auto& mine = participants_[number].voice;
  if (mine && *mine != record::Participant::Visitor) return *mine;
  auto taken = [&](record::Participant v) {
    for (std::size_t i = 0; i < participants_.size(); ++i) {
      if (i != number && participants_[i].voice == v) return true;
    }
    return false;
  };
  for (std::size_t k = 0; k + 1 < record::kVoices; ++k) {
    if (!taken(record::operatorVoice(k))) return record::operatorVoice(k);
  }
  // Unreachable: 3 operator places at most, and place() never gives one the visitor's.
  assert(false && "more operator places than operator voices");
  return record::operatorVoice(record::kVoices - 2);
}

record::Participant Room::recordedVoice(std::size_t number) const {
  return participants_[number].voice.value_or(record::Participant::Visitor);
}

void Room::publish(const Leg& from, Role role, const std::uint8_t* pkt, std::size_t len,
                   std::uint64_t nowUs) {
  const auto number = static_cast<std::size_t>(from.participant());
  const auto& me = participants_[number];
  if (me.active.get() != &from) return;  // a pending leg is heard once it has taken over
  if (recording_ && role != Role::None) {
    // Every participant's tracks: the visitor's, and each operator's as its own voice.
    const auto who = recordedVoice(number);
    const auto kind = role == Role::Audio ? record::Kind::Audio
                      : role == Role::Camera ? record::Kind::Camera : record::Kind::Screen;
    recording_->packet({who, kind}, pkt, len, nowUs);
  }
  for (auto& p : participants_) {
    if (&p == &me || !p.active || !p.active->connected()) continue;
    p.active->forward(p.slotOf[number], role, from, pkt, len, nowUs);
  }
}

void Room::keyframeWanted(const OutgoingTrack& track, std::uint64_t nowUs) {
  if (!track.sourceLeg) return;
  // The source leg is one of ours (sourceLeg is cleared before a leg goes), so the cast is safe.
  const_cast<Leg*>(track.sourceLeg)->requestKeyframe(track.role, nowUs);
}

void Room::setRecording(std::shared_ptr<record::Recording> recording) {
  recording_ = std::move(recording);
  if (!recording_) return;
  // A video track can only be written from a keyframe on: ask every sender for one now.
  const auto now = static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                                   std::chrono::steady_clock::now().time_since_epoch())
                                                   .count());
  for (std::size_t i = 0; i < participants_.size(); ++i) {
    auto& p = participants_[i];
    if (!p.active) continue;
    recordCodecs(i);
    p.active->requestKeyframe(Role::Camera, now);
    p.active->requestKeyframe(Role::Screen, now);
  }
}

void Room::recordCodecs(std::size_t number) {
  const auto& p = participants_[number];
  if (!recording_ || !p.active) return;
  for (auto role : {Role::Audio, Role::Camera, Role::Screen}) {
    record::CodecMap codecs;
    if (const auto* in = p.active->incoming(role)) {
      codecs.push_back({in->payloadType, in->codec, in->clockRate, in->channels, in->fmtp});
    }
    const auto kind = role == Role::Audio    ? record::Kind::Audio
                      : role == Role::Camera ? record::Kind::Camera
                                             : record::Kind::Screen;
    recording_->setCodecs({recordedVoice(number), kind}, std::move(codecs));
  }
}

void Room::close() {
  if (closed_) return;
  closed_ = true;
  recording_.reset();
  for (auto& p : participants_) {
    if (p.pending) p.pending->close();
    if (p.active) p.active->close();
  }
  participants_.clear();
}

}  // namespace callpy::rtc::call
