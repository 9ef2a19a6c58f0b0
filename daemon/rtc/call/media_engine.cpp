#include "rtc/call/media_engine.h"

#include <stdexcept>

#include "rtc/call/room.h"
#include "rtc/dtls/certificate.h"
#include "rtc/dtls/dtls_context.h"

namespace callpy::rtc::call {

// The media threads with their counters; rooms are spread over them round-robin.
class MediaThreadPool {
 public:
  explicit MediaThreadPool(unsigned n) : counters(n) {
    for (unsigned i = 0; i < n; ++i) threads.push_back(std::make_unique<ice::MediaThread>());
  }
  std::vector<std::unique_ptr<ice::MediaThread>> threads;
  std::vector<ThreadCounters> counters;
};

struct MediaEngine::Entry {
  ice::MediaThread* thread = nullptr;
  LegShared shared;
  std::unique_ptr<Room> room;  // created, used and destroyed on `thread`
};

MediaEngine::MediaEngine(EngineConfig config) : config_(std::move(config)) {
  if (config_.threads == 0) config_.threads = 1;
  dtls_ = dtls::DtlsContext::create(dtls::Certificate::generateEcdsaP256());
  threads_ = std::make_unique<MediaThreadPool>(config_.threads);
}

MediaEngine::~MediaEngine() {
  std::unordered_map<std::string, std::shared_ptr<Entry>> rooms;
  {
    std::lock_guard lock(mutex_);
    rooms.swap(rooms_);
  }
  for (auto& [id, entry] : rooms) {
    entry->thread->runSync([&entry] { entry->room.reset(); });
  }
  for (auto& t : threads_->threads) t->stop();
}

std::shared_ptr<MediaEngine::Entry> MediaEngine::find(const std::string& room, bool create) {
  std::lock_guard lock(mutex_);
  auto it = rooms_.find(room);
  if (it != rooms_.end()) return it->second;
  if (!create || closed_.count(room)) return nullptr;
  auto entry = std::make_shared<Entry>();
  const auto index = next_++ % threads_->threads.size();
  entry->thread = threads_->threads[index].get();
  entry->shared.dtls = dtls_;
  entry->shared.ice = config_.ice;
  entry->shared.dtlsTimeoutMs = config_.dtlsTimeoutMs;
  entry->shared.counters = &threads_->counters[index];
  rooms_.emplace(room, entry);
  return entry;
}

void MediaEngine::offer(const std::string& room, const std::string& participant, std::string sdp,
                        LegEvents events) {
  auto entry = find(room, true);
  if (!entry) {
    if (events.rejected) events.rejected("the call is over");
    return;
  }
  entry->thread->post([entry, participant, sdp = std::move(sdp), events = std::move(events)]() mutable {
    if (!entry->room) entry->room = std::make_unique<Room>(*entry->thread, entry->shared);
    entry->room->offer(participant, sdp, std::move(events));
  });
}

void MediaEngine::leave(const std::string& room, const std::string& participant) {
  auto entry = find(room, false);
  if (!entry) return;
  entry->thread->post([entry, participant] {
    if (entry->room) entry->room->leave(participant);
  });
}

void MediaEngine::remoteCandidate(const std::string& room, const std::string& participant,
                                  std::string candidate) {
  auto entry = find(room, false);
  if (!entry) return;
  entry->thread->post([entry, participant, candidate = std::move(candidate)] {
    if (entry->room) entry->room->remoteCandidate(participant, candidate);
  });
}

void MediaEngine::setRecording(const std::string& room,
                               std::shared_ptr<record::Recording> recording) {
  auto entry = find(room, recording != nullptr);
  if (!entry) return;
  entry->thread->post([entry, recording = std::move(recording)]() mutable {
    if (!entry->room) entry->room = std::make_unique<Room>(*entry->thread, entry->shared);
    entry->room->setRecording(std::move(recording));
  });
}

void MediaEngine::closeRoom(const std::string& room) {
  std::shared_ptr<Entry> entry;
  {
    std::lock_guard lock(mutex_);
    // Remembered even when no offer came yet: a late offer must not open the room.
    constexpr std::size_t kRememberClosed = 4096;
    if (closed_.insert(room).second) closedOrder_.push_back(room);
    if (closedOrder_.size() > kRememberClosed) {
      closed_.erase(closedOrder_.front());
      closedOrder_.pop_front();
    }
    auto it = rooms_.find(room);
    if (it == rooms_.end()) return;
    entry = it->second;
    rooms_.erase(it);
  }
  entry->thread->post([entry] { entry->room.reset(); });
}

std::size_t MediaEngine::roomCount() const {
  std::lock_guard lock(mutex_);
  return rooms_.size();
}

EngineStats MediaEngine::stats() const {
  EngineStats s;
  s.rooms = roomCount();
  for (const auto& c : threads_->counters) {
    s.legs += c.legs.load(std::memory_order_relaxed);
    s.packetsIn += c.packetsIn.load(std::memory_order_relaxed);
    s.packetsRelayed += c.packetsRelayed.load(std::memory_order_relaxed);
    s.packetsDropped += c.packetsDropped.load(std::memory_order_relaxed);
    s.retransmits += c.retransmits.load(std::memory_order_relaxed);
    s.sendFailures += c.sendFailures.load(std::memory_order_relaxed);
  }
  return s;
}

}  // namespace callpy::rtc::call
