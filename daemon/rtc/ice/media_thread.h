#pragma once
// A media thread: one std::thread running its own GMainContext/GMainLoop. Every call leg's
// libnice agent, DTLS retransmit timer and RTCP timer live on one such thread, so the packet path
// needs no locks (DESIGN §9, rtc-contract "ice/").
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

typedef struct _GMainContext GMainContext;
typedef struct _GMainLoop GMainLoop;

namespace callpy::rtc::ice {

class SocketPoller;

class MediaThread {
 public:
  // A GSource id on this thread's context; 0 is never a valid timer.
  using TimerId = unsigned;

  // Starts the thread at once. The OS thread name is "callpy-media-N" (N counts up per process)
  // unless a name is given (at most 15 characters survive pthread_setname_np).
  MediaThread();
  explicit MediaThread(std::string name);
  ~MediaThread();  // stop()
  MediaThread(const MediaThread&) = delete;
  MediaThread& operator=(const MediaThread&) = delete;

  // Queues task to run on the thread, after every task posted before it (FIFO), never inline,
  // even when called from the thread itself. Thread-safe. Returns false (and drops the task)
  // once stop() has begun. An exception escaping a task is logged, not propagated.
  bool post(std::function<void()> task);

  // Runs fn on the thread and waits for it; runs it inline when called on the thread. Rethrows
  // what fn throws. Returns false without running fn once stop() has begun. For setup, tests and
  // teardown: never call it on the packet path.
  bool runSync(const std::function<void()>& fn);

  // Calls fn every `interval` on the thread while it returns true (false ends the timer). Call
  // only on the thread (asserted). Returns the id for cancel().
  TimerId addTimeout(std::chrono::milliseconds interval, std::function<bool()> fn);
  // Removes a pending timer; a no-op for 0 and for timers that have already ended. Call only on
  // the thread (asserted); the callback does not run afterwards.
  void cancel(TimerId id);

  // Runs the tasks already posted, then quits the loop and joins. Idempotent; call it from any
  // thread except the media thread itself (asserted). Timers and sources still attached are
  // freed with the context in the destructor.
  void stop();

  bool isCurrent() const;
  GMainContext* context() const { return context_; }
  // The thread's epoll set for the legs' sockets (one GSource in context()). Use on the thread.
  SocketPoller& sockets() const { return *sockets_; }
  const std::string& name() const { return name_; }

 private:
  void run();

  std::string name_;
  GMainContext* context_ = nullptr;
  GMainLoop* loop_ = nullptr;
  std::unique_ptr<SocketPoller> sockets_;
  std::thread thread_;
  std::thread::id threadId_;
  std::mutex mutex_;  // guards stopping_ against concurrent post()/stop()
  bool stopping_ = false;
  std::mutex joinMutex_;
};

}  // namespace callpy::rtc::ice
