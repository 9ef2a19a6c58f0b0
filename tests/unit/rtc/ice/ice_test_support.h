#pragma once
// Test harness for IceLeg: a leg on a MediaThread whose callbacks record into a thread-safe log
// the test thread can wait on with a deadline, and helpers to trickle between two legs.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "rtc/ice/ice_leg.h"
#include "rtc/ice/media_thread.h"

namespace callpy::rtc::ice::test {

struct Events {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::string> candidates;
  bool gatheringDone = false;
  std::vector<std::pair<IceState, std::string>> states;
  std::vector<std::chrono::steady_clock::time_point> stateTimes;
  std::vector<std::vector<std::uint8_t>> packets;

  template <typename Pred>
  bool waitFor(Pred pred, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, timeout, [&] { return pred(*this); });
  }
  bool hasState(IceState state) {  // call with the mutex held (inside waitFor) or after a wait
    for (const auto& s : states)
      if (s.first == state) return true;
    return false;
  }
};

// Owns a leg living on `thread`; the leg is built and destroyed there.
class LegHarness {
 public:
  LegHarness(MediaThread& thread, IceConfig config)
      : thread_(thread), events_(std::make_shared<Events>()), slot_(std::make_shared<Slot>()) {
    thread_.runSync([&] { slot_->leg = std::make_unique<IceLeg>(thread_, config, callbacks()); });
  }
  ~LegHarness() { destroy(); }
  LegHarness(const LegHarness&) = delete;
  LegHarness& operator=(const LegHarness&) = delete;

  void destroy() {
    thread_.runSync([&] { slot_->leg.reset(); });
  }
  // Runs fn(leg) on the leg's thread; a no-op once the leg is gone (posted trickle may arrive
  // after teardown began).
  template <typename Fn>
  void on(Fn fn) {
    thread_.runSync([&] {
      if (slot_->leg) fn(*slot_->leg);
    });
  }
  // Queues fn(leg) on the leg's thread; safe after the harness is gone (the slot outlives it).
  template <typename Fn>
  void postOn(Fn fn) {
    thread_.post([slot = slot_, fn] {
      if (slot->leg) fn(*slot->leg);
    });
  }
  // A poster that does not refer to this harness (only to the thread and the slot), for hooks
  // of another leg that may fire after this harness is gone.
  std::function<void(std::function<void(IceLeg&)>)> poster() {
    return [&thread = thread_, slot = slot_](std::function<void(IceLeg&)> fn) {
      thread.post([slot, fn] {
        if (slot->leg) fn(*slot->leg);
      });
    };
  }
  Events& events() { return *events_; }
  MediaThread& thread() { return thread_; }
  IceLeg* leg() { return slot_->leg.get(); }  // only on the thread
  // Hooks run on the leg's thread after the event is recorded; set them inside on()/runSync.
  std::function<void(IceLeg&, IceState)> onStateHook;
  std::function<void(const std::string&)> onCandidateHook;
  std::function<void()> onGatheringDoneHook;

 private:
  IceCallbacks callbacks() {
    auto events = events_;
    IceCallbacks cb;
    cb.onLocalCandidate = [this, events](const std::string& line) {
      {
        std::lock_guard lock(events->mutex);
        events->candidates.push_back(line);
        events->changed.notify_all();
      }
      if (onCandidateHook) onCandidateHook(line);
    };
    cb.onGatheringDone = [this, events] {
      {
        std::lock_guard lock(events->mutex);
        events->gatheringDone = true;
        events->changed.notify_all();
      }
      if (onGatheringDoneHook) onGatheringDoneHook();
    };
    cb.onState = [this, events](IceState state, const std::string& detail) {
      {
        std::lock_guard lock(events->mutex);
        events->states.emplace_back(state, detail);
        events->stateTimes.push_back(std::chrono::steady_clock::now());
        events->changed.notify_all();
      }
      if (onStateHook && slot_->leg) onStateHook(*slot_->leg, state);
    };
    cb.onPacket = [events](std::uint8_t* data, std::size_t len) {
      std::lock_guard lock(events->mutex);
      events->packets.emplace_back(data, data + len);
      events->changed.notify_all();
    };
    return cb;
  }

  struct Slot {
    std::unique_ptr<IceLeg> leg;
  };
  MediaThread& thread_;
  std::shared_ptr<Events> events_;
  std::shared_ptr<Slot> slot_;
};

inline IceConfig loopbackConfig(bool controlling) {
  IceConfig config;
  config.interfaceAddresses = {"127.0.0.1"};
  config.controlling = controlling;
  return config;
}

// Exchanges credentials, wires trickle both ways (each new local candidate is posted to the
// other leg as it comes, end-of-candidates too) and starts gathering on both.
void connectLegs(LegHarness& a, LegHarness& b);

// Connects two legs, closes one abruptly and expects the other (controlling or not) to report
// Failed("ICE consent lost") within 40 s; prints the measured time.
void expectConsentLossAfterPeerVanishes(bool survivorControlling);

// The UDP ports of "candidate:..." lines.
std::vector<int> candidatePorts(const std::vector<std::string>& lines);
// True if a UDP socket can be bound to 127.0.0.1:port right now.
bool udpPortFree(int port);

}  // namespace callpy::rtc::ice::test
