#include "rtc/call/room.h"

#include <chrono>

namespace callpy::rtc::call {

Room::Room(ice::MediaThread& thread, LegShared shared) : thread_(thread), shared_(std::move(shared)) {}

Room::~Room() { close(); }

Room::Participant& Room::participant(const std::string& key) {
  for (auto& p : participants_) {
    if (p.key == key) return p;
  }
  participants_.push_back({key, nullptr, nullptr});
  return participants_.back();
}

void Room::offer(const std::string& key, const std::string& sdp, LegEvents events) {
  if (closed_) return;
  auto& p = participant(key);
  const int number = static_cast<int>(&p - participants_.data());
  // A newer offer supersedes a pending one that never connected.
  if (p.pending) {
    forget(*p.pending);
    retire(std::move(p.pending));
  }
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
  if (p.active) p.pending = std::move(leg);
  else p.active = std::move(leg);
}

void Room::remoteCandidate(const std::string& key, const std::string& candidate) {
  for (auto& p : participants_) {
    if (p.key != key) continue;
    if (p.pending) p.pending->addRemoteCandidate(candidate);
    else if (p.active) p.active->addRemoteCandidate(candidate);
  }
}

void Room::legConnected(Leg& leg) {
  auto& p = participants_.at(static_cast<std::size_t>(leg.participant()));
  if (p.pending.get() != &leg) return;  // the first leg: already active
  // Make before break: the new device takes over; the others' outgoing tracks re-base on it.
  auto old = std::move(p.active);
  p.active = std::move(p.pending);
  if (old) {
    forget(*old);
    retire(std::move(old));
  }
}

void Room::forget(const Leg& leg) {
  for (auto& p : participants_) {
    for (auto* l : {p.active.get(), p.pending.get()}) {
      if (!l) continue;
      for (auto role : {Role::Audio, Role::Camera, Role::Screen}) {
        auto* out = l->outgoing(role);
        if (out && out->sourceLeg == &leg) out->sourceLeg = nullptr;
      }
    }
  }
}

void Room::retire(std::unique_ptr<Leg> leg) {
  leg->close();
  // Deleted from a fresh task: the caller may be inside one of the leg's own callbacks.
  thread_.post([l = std::shared_ptr<Leg>(std::move(leg))] {});
}

void Room::publish(const Leg& from, Role role, const std::uint8_t* pkt, std::size_t len,
                   std::uint64_t nowUs) {
  const auto& me = participants_[static_cast<std::size_t>(from.participant())];
  if (me.active.get() != &from) return;  // a pending leg is heard once it has taken over
  if (recording_ && role != Role::None) {
    // The visitor's side and the operator's (legs keyed "visitor" / "operator:<id>").
    const auto who = me.key == "visitor" ? record::Participant::Visitor : record::Participant::Operator;
    const auto kind = role == Role::Audio ? record::Kind::Audio
                      : role == Role::Camera ? record::Kind::Camera : record::Kind::Screen;
    recording_->packet({who, kind}, pkt, len, nowUs);
  }
  for (auto& p : participants_) {
    if (&p == &me || !p.active || !p.active->connected()) continue;
    p.active->forward(role, from, pkt, len, nowUs);
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
  for (auto& p : participants_) {
    if (!p.active) continue;
    p.active->requestKeyframe(Role::Camera, now);
    p.active->requestKeyframe(Role::Screen, now);
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
