#include "rtc/ice/socket_poller.h"

#include <glib.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace callpy::rtc::ice {
namespace {

// Events fetched per dispatch: enough to batch a busy thread's wake-ups, small enough that
// timers and posted tasks get their turn between batches.
constexpr int kBatch = 64;

struct PollerSource {
  GSource base;
  SocketPoller* poller;
};

gboolean dispatchPoller(GSource* source, GSourceFunc, gpointer) {
  reinterpret_cast<PollerSource*>(source)->poller->drain();
  return G_SOURCE_CONTINUE;
}

// No prepare/check: GLib dispatches the source when its one unix fd (the epoll fd) polled
// readable.
GSourceFuncs kPollerFuncs = {nullptr, nullptr, dispatchPoller, nullptr, nullptr, nullptr};

std::uint64_t makeId(std::uint32_t slot, std::uint32_t generation) {
  return (static_cast<std::uint64_t>(generation) << 32) | slot;
}

}  // namespace

SocketPoller::SocketPoller(GMainContext* context) {
  epollFd_ = ::epoll_create1(EPOLL_CLOEXEC);
  if (epollFd_ < 0) throw std::system_error(errno, std::generic_category(), "epoll_create1");
  source_ = g_source_new(&kPollerFuncs, sizeof(PollerSource));
  reinterpret_cast<PollerSource*>(source_)->poller = this;
  // The same priority as libnice's socket sources had, so tasks and packets keep taking turns.
  g_source_set_priority(source_, G_PRIORITY_DEFAULT);
  g_source_add_unix_fd(source_, epollFd_, G_IO_IN);
  g_source_attach(source_, context);
}

SocketPoller::~SocketPoller() {
  g_source_destroy(source_);
  g_source_unref(source_);
  ::close(epollFd_);
}

SocketPoller::WatchId SocketPoller::add(int fd, ReadyFn fn, void* user) {
  std::uint32_t index;
  if (!free_.empty()) {
    index = free_.back();
    free_.pop_back();
  } else {
    index = static_cast<std::uint32_t>(slots_.size());
    slots_.emplace_back();
  }
  Slot& slot = slots_[index];
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.u64 = makeId(index, slot.generation);
  if (::epoll_ctl(epollFd_, EPOLL_CTL_ADD, fd, &event) != 0) {
    free_.push_back(index);
    return 0;
  }
  slot.fd = fd;
  slot.fn = fn;
  slot.user = user;
  ++live_;
  return event.data.u64;
}

void SocketPoller::remove(WatchId id) {
  const auto index = static_cast<std::uint32_t>(id & 0xffffffffu);
  const auto generation = static_cast<std::uint32_t>(id >> 32);
  if (id == 0 || index >= slots_.size()) return;
  Slot& slot = slots_[index];
  if (slot.generation != generation || slot.fn == nullptr) return;
  // Before the socket is closed: epoll would drop a closed fd by itself, but a DEL after the
  // number was reused would remove someone else's watch.
  ::epoll_ctl(epollFd_, EPOLL_CTL_DEL, slot.fd, nullptr);
  slot.fd = -1;
  slot.fn = nullptr;
  slot.user = nullptr;
  ++slot.generation;  // events already fetched for this watch no longer match
  if (slot.generation == 0) slot.generation = 1;
  free_.push_back(index);
  --live_;
}

void SocketPoller::drain() {
  epoll_event events[kBatch];
  const int n = ::epoll_wait(epollFd_, events, kBatch, 0);
  for (int i = 0; i < n; ++i) {
    const auto id = events[i].data.u64;
    const auto index = static_cast<std::uint32_t>(id & 0xffffffffu);
    if (index >= slots_.size()) continue;
    const Slot& slot = slots_[index];
    // A handler earlier in this batch may have removed (or replaced) this watch.
    if (slot.generation != static_cast<std::uint32_t>(id >> 32) || slot.fn == nullptr) continue;
    slot.fn(slot.user, slot.fd, events[i].events);
  }
}

}  // namespace callpy::rtc::ice
