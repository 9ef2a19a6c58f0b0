#pragma once
// One epoll set per media thread, attached to the thread's GMainContext as ONE GSource. The
// legs' UDP sockets live here instead of one GSource each: with a GSource per socket every pass
// of the GLib loop prepared, polled (poll(2) over every fd) and checked every socket of the
// thread, which at 1,600 audio legs was 43% of the relay's CPU (bench/media_relay/README.md).
// Level-triggered: a handler that leaves data in its socket is called again on the next pass.
#include <cstdint>
#include <deque>
#include <vector>

typedef struct _GMainContext GMainContext;
typedef struct _GSource GSource;

namespace callpy::rtc::ice {

class SocketPoller {
 public:
  // Called on the thread with the fd and its epoll events (EPOLLIN, EPOLLERR, ...).
  using ReadyFn = void (*)(void* user, int fd, std::uint32_t events);
  // 0 is never a valid watch. A removed watch's id is never reused (a generation is part of it).
  using WatchId = std::uint64_t;

  // Creates the epoll set and attaches its source to `context`. Throws std::system_error.
  explicit SocketPoller(GMainContext* context);
  ~SocketPoller();  // destroys the source and closes the epoll fd
  SocketPoller(const SocketPoller&) = delete;
  SocketPoller& operator=(const SocketPoller&) = delete;

  // Watches fd for input; fn(user, fd, events) runs from the thread's loop while it is
  // readable. Call on the context's thread only. Returns 0 if epoll refuses the fd.
  WatchId add(int fd, ReadyFn fn, void* user);
  // Stops watching; safe from inside any handler (also the watch's own): a removed watch is
  // not called again, even for events already fetched in the same pass. Unknown ids: no-op.
  void remove(WatchId id);
  std::size_t size() const { return live_; }

  // Runs the handlers of up to one batch of ready sockets (the source's dispatch).
  void drain();

 private:
  struct Slot {
    int fd = -1;
    ReadyFn fn = nullptr;
    void* user = nullptr;
    std::uint32_t generation = 1;
  };

  int epollFd_ = -1;
  GSource* source_ = nullptr;
  // A deque: adding a watch from inside a handler must not move the slots being dispatched.
  std::deque<Slot> slots_;
  std::vector<std::uint32_t> free_;
  std::size_t live_ = 0;
};

}  // namespace callpy::rtc::ice
