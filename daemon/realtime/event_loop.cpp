#include "realtime/event_loop.h"

#include <pthread.h>

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <exception>
#include <stdexcept>

#include "observability/log.h"

namespace callpy::realtime::detail {

namespace {

constexpr std::size_t kReadBufferSize = 64 * 1024;
constexpr std::size_t kWheelSize = 64;
constexpr int kMaxEvents = 256;
constexpr int kMaxIov = 64;
// Below this many slots a drained write queue keeps its array; above, it is freed (idle memory).
constexpr std::size_t kKeptQueueCapacity = 4;

// Only the owning loop thread writes these counters, so a plain load+store avoids locked ops.
void bump(std::atomic<std::uint64_t>& counter, std::uint64_t n = 1) {
  counter.store(counter.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
}

char wakeMarker;

thread_local EventLoop* tlsLoop = nullptr;

}  // namespace

EventLoop::EventLoop(RealtimeServer& server, unsigned index, const RealtimeOptions& options,
                     LoopCounters& counters)
    : server_(server), index_(index), options_(options), counters_(counters), wheel_(kWheelSize) {
  epollFd_ = ::epoll_create1(EPOLL_CLOEXEC);
  wakeFd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (epollFd_ < 0 || wakeFd_ < 0) throw std::runtime_error("realtime: epoll/eventfd failed");
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.ptr = &wakeMarker;
  if (::epoll_ctl(epollFd_, EPOLL_CTL_ADD, wakeFd_, &ev) != 0)
    throw std::runtime_error("realtime: epoll_ctl(eventfd) failed");
  slots_.emplace_back();  // slot 0 is never used, so no id is 0
}

EventLoop::~EventLoop() {
  requestStop();
  join();
  for (auto& a : adoptions_)
    if (a.fd >= 0) ::close(a.fd);
  if (wakeFd_ >= 0) ::close(wakeFd_);
  if (epollFd_ >= 0) ::close(epollFd_);
}

void EventLoop::start() {
  epoch_ = std::chrono::steady_clock::now();
  readBuffer_ = std::make_unique<char[]>(kReadBufferSize);
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), ("callpy-loop-" + std::to_string(index_)).c_str());
    run();
  });
}

void EventLoop::requestStop() {
  {
    std::lock_guard lock(inboxMutex_);
    if (stopRequested_) return;
    stopRequested_ = true;
    accepting_ = false;
  }
  wake();
}

void EventLoop::join() {
  if (thread_.joinable()) thread_.join();
}

bool EventLoop::onLoopThread() const { return tlsLoop == this; }

void EventLoop::wake() {
  const std::uint64_t one = 1;
  // A full counter (EAGAIN) still leaves the eventfd readable, which is all we need.
  [[maybe_unused]] auto r = ::write(wakeFd_, &one, sizeof one);
}

bool EventLoop::adopt(Adoption adoption) {
  bool signal = false;
  {
    std::lock_guard lock(inboxMutex_);
    if (!accepting_) return false;
    adoptions_.push_back(std::move(adoption));
    signal = !std::exchange(wakePending_, true);
  }
  if (signal) wake();
  return true;
}

void EventLoop::post(ConnectionId id, SharedBuffer frame) {
  if (onLoopThread()) return sendNow(id, std::move(frame));
  bool signal = false;
  {
    std::lock_guard lock(inboxMutex_);
    if (!accepting_) return;  // stopped: nobody would ever drain it
    sends_.push_back({id, std::move(frame)});
    signal = !std::exchange(wakePending_, true);
  }
  if (signal) wake();
}

void EventLoop::postMany(const ConnectionId* ids, std::size_t n, const SharedBuffer& frame) {
  if (onLoopThread()) {
    for (std::size_t i = 0; i < n; ++i) sendNow(ids[i], frame);
    return;
  }
  bool signal = false;
  {
    std::lock_guard lock(inboxMutex_);
    if (!accepting_) return;
    for (std::size_t i = 0; i < n; ++i) sends_.push_back({ids[i], frame});
    signal = !std::exchange(wakePending_, true);
  }
  if (signal) wake();
}

void EventLoop::close(ConnectionId id, std::uint16_t code, std::string reason) {
  if (onLoopThread()) return closeNow(id, code, reason);
  bool signal = false;
  {
    std::lock_guard lock(inboxMutex_);
    if (!accepting_) return;  // the drain closes everything anyway
    closes_.push_back({id, code, std::move(reason)});
    signal = !std::exchange(wakePending_, true);
  }
  if (signal) wake();
}

Connection* EventLoop::find(ConnectionId id) const {
  if ((id & 0xFF) != index_) return nullptr;
  const auto slot = static_cast<std::uint32_t>((id >> 8) & 0xFFFFFF);
  if (slot == 0 || slot >= slots_.size()) return nullptr;
  const Slot& s = slots_[slot];
  if (!s.conn || s.generation != static_cast<std::uint32_t>(id >> 32)) return nullptr;
  return s.conn.get();
}

void EventLoop::sendNow(ConnectionId id, SharedBuffer frame) {
  if (Connection* c = find(id)) enqueue(c, std::move(frame), false);
}

void EventLoop::closeNow(ConnectionId id, std::uint16_t code, std::string_view reason) {
  Connection* c = find(id);
  if (c != nullptr && c->state == ConnState::Open) startClose(c, code, reason, ConnState::Closing);
}

std::uint32_t EventLoop::ticks(std::chrono::milliseconds d) const {
  const auto t = d.count() / std::max<std::int64_t>(1, options_.tick.count());
  return static_cast<std::uint32_t>(std::max<std::int64_t>(1, t));
}

void EventLoop::updateNow() {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - epoch_).count();
  now_ = 1 + static_cast<std::uint32_t>(ms / std::max<std::int64_t>(1, options_.tick.count()));
}

int EventLoop::msUntilNextTick() const {
  const auto tick = std::max<std::int64_t>(1, options_.tick.count());
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - epoch_).count();
  return static_cast<int>(tick - ms % tick) + 1;
}

void EventLoop::addQueued(std::int64_t delta) {
  counters_.bytesQueued.store(
      static_cast<std::uint64_t>(
          static_cast<std::int64_t>(counters_.bytesQueued.load(std::memory_order_relaxed)) + delta),
      std::memory_order_relaxed);
}

void EventLoop::run() {
  tlsLoop = this;
  threadId_ = std::this_thread::get_id();
  epoll_event events[kMaxEvents];
  updateNow();
  lastTimerTick_ = now_;
  for (;;) {
    const int n =
        ::epoll_wait(epollFd_, events, kMaxEvents, tlsBacklog_.empty() ? msUntilNextTick() : 0);
    updateNow();
    for (int i = 0; i < n; ++i) {
      if (events[i].data.ptr == &wakeMarker) {
        drainInbox();
        continue;
      }
      auto* c = static_cast<Connection*>(events[i].data.ptr);
      if (c->state == ConnState::Dead) continue;
      if (events[i].events & EPOLLOUT) flush(c);
      if (c->state == ConnState::Dead) continue;
      if (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR | EPOLLRDHUP)) onReadable(c);
    }
    if (!tlsBacklog_.empty()) {
      std::vector<ConnectionId> backlog;
      backlog.swap(tlsBacklog_);
      for (ConnectionId id : backlog)
        if (Connection* c = find(id); c != nullptr && c->state != ConnState::Dead) onReadable(c);
    }
    runTimers();
    // Writes gathered during this iteration go out in one sendmsg per connection.
    for (std::size_t i = 0; i < dirty_.size(); ++i) {
      Connection* c = dirty_[i];
      c->dirty = false;
      if (c->state != ConnState::Dead) flush(c);
    }
    dirty_.clear();
    graveyard_.clear();
    if (stopping_ && (live_ == 0 || now_ >= drainDeadline_)) break;
  }
  for (auto& s : slots_)
    if (s.conn) destroy(s.conn.get(), close_code::kAbnormal);
  graveyard_.clear();
  tlsLoop = nullptr;
}

void EventLoop::drainInbox() {
  std::uint64_t value;
  [[maybe_unused]] auto r = ::read(wakeFd_, &value, sizeof value);
  std::vector<Outgoing> sends;
  std::vector<Adoption> adoptions;
  std::vector<CloseRequest> closes;
  bool stop;
  {
    std::lock_guard lock(inboxMutex_);
    sends.swap(sends_);
    adoptions.swap(adoptions_);
    closes.swap(closes_);
    stop = stopRequested_;
    wakePending_ = false;
  }
  for (auto& a : adoptions) open(std::move(a));
  for (auto& s : sends) sendNow(s.id, std::move(s.frame));
  for (auto& c : closes) closeNow(c.id, c.code, c.reason);
  if (stop && !stopping_) beginDrain();
  // Give the (possibly large) arrays back to the inbox so the next batch does not reallocate.
  sends.clear();
  std::lock_guard lock(inboxMutex_);
  if (sends_.empty()) sends_.swap(sends);
}

void EventLoop::beginDrain() {
  stopping_ = true;
  drainDeadline_ = now_ + ticks(options_.drainTimeout);
  for (auto& s : slots_)
    if (s.conn && s.conn->state == ConnState::Open)
      startClose(s.conn.get(), close_code::kGoingAway, "server shutting down", ConnState::Closing);
}

void EventLoop::open(Adoption a) {
  if (stopping_) {
    ::close(a.fd);
    return;
  }
  const int flags = ::fcntl(a.fd, F_GETFL);
  if (flags < 0 || ::fcntl(a.fd, F_SETFL, flags | O_NONBLOCK) < 0) {
    ::close(a.fd);
    return;
  }
  const int one = 1;
  ::setsockopt(a.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);  // fails harmlessly on AF_UNIX

  std::uint32_t slot;
  if (!freeSlots_.empty()) {
    slot = freeSlots_.back();
    freeSlots_.pop_back();
  } else {
    if (slots_.size() > 0xFFFFFF) {
      ::close(a.fd);
      return;
    }
    slot = static_cast<std::uint32_t>(slots_.size());
    slots_.emplace_back();
  }
  Slot& s = slots_[slot];
  s.generation = s.generation == 0xFFFFFFFF ? 1 : s.generation + 1;
  s.conn = std::make_unique<Connection>(options_.limits);
  Connection* c = s.conn.get();
  c->fd = a.fd;
  c->tls = std::move(a.tls);
  c->id = (static_cast<ConnectionId>(s.generation) << 32) | (ConnectionId{slot} << 8) | index_;
  c->handler = std::move(a.handler);
  c->lease = std::move(a.lease);
  c->lastActivity = now_;

  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLRDHUP;
  ev.data.ptr = c;
  if (::epoll_ctl(epollFd_, EPOLL_CTL_ADD, c->fd, &ev) != 0) {
    ::close(c->fd);
    s.conn.reset();
    freeSlots_.push_back(slot);
    return;
  }
  ++live_;
  bump(counters_.open);
  schedule(c, now_ + ticks(options_.pingInterval));
  try {
    c->handler->onOpen(ConnectionRef(server_, c->id));
  } catch (const std::exception& e) {
    observability::logError("ws_handler_failed", {{"what", e.what()}});
    startClose(c, close_code::kInternalError, "", ConnState::Flushing);
  }
  if (!a.initialBytes.empty() && c->state == ConnState::Open)
    feed(c, a.initialBytes.data(), a.initialBytes.size());
  // A first frame already decrypted during the HTTP exchange leaves no readiness behind.
  if (c->tls && c->state == ConnState::Open && tlsHasPending(c->tls.get())) onReadable(c);
}

void EventLoop::onReadable(Connection* c) {
  const ssize_t n = c->tls ? tlsRecv(c->tls.get(), readBuffer_.get(), kReadBufferSize)
                          : ::recv(c->fd, readBuffer_.get(), kReadBufferSize, 0);
  if (n > 0) {
    c->lastActivity = now_;
    feed(c, readBuffer_.get(), static_cast<std::size_t>(n));
    if (c->tls && c->state != ConnState::Dead && tlsHasPending(c->tls.get()))
      tlsBacklog_.push_back(c->id);
    return;
  }
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
  // EOF or a socket error: the peer is gone; after our close frame that is the normal ending.
  destroy(c, c->state == ConnState::Open ? close_code::kAbnormal : c->closeCode);
}

void EventLoop::feed(Connection* c, char* data, std::size_t n) {
  if (c->state == ConnState::Flushing) return;  // we are done listening
  feeding_ = c;
  const auto status = c->parser.feed(data, n, *this);
  feeding_ = nullptr;
  if (status == FrameParser::Status::Failed && c->state != ConnState::Dead) {
    bump(counters_.protocolErrors);
    if (c->state == ConnState::Open || c->state == ConnState::Closing)
      startClose(c, c->parser.errorCode(), c->parser.errorReason(), ConnState::Flushing);
  }
}

void EventLoop::onMessage(Opcode opcode, std::string_view payload) {
  Connection* c = feeding_;
  if (c->state != ConnState::Open) return;  // after our close frame, data is discarded
  bump(counters_.messagesIn);
  try {
    if (opcode == Opcode::Text)
      c->handler->onText(ConnectionRef(server_, c->id), payload);
    else
      c->handler->onBinary(ConnectionRef(server_, c->id), payload);
  } catch (const std::exception& e) {
    observability::logError("ws_handler_failed", {{"what", e.what()}});
    if (c->state == ConnState::Open)
      startClose(c, close_code::kInternalError, "", ConnState::Flushing);
  }
}

void EventLoop::onPing(std::string_view payload) {
  Connection* c = feeding_;
  if (c->state == ConnState::Open)
    enqueue(c, std::make_shared<const std::string>(encodePong(payload)), true);
}

void EventLoop::onPong(std::string_view) {}  // lastActivity already moved on receipt

void EventLoop::onClose(std::uint16_t code, std::string_view) {
  Connection* c = feeding_;
  if (c->state == ConnState::Open) {
    // The peer closes first: echo its code and close the TCP connection once that is written.
    c->closeCode = code;
    startClose(c, code == close_code::kNoStatus ? 0 : code, {}, ConnState::Flushing);
  } else if (c->state == ConnState::Closing) {
    destroy(c, c->closeCode);  // the reply to our close frame: the handshake is complete
  }
}

bool EventLoop::enqueue(Connection* c, SharedBuffer frame, bool control) {
  if (c->state == ConnState::Dead || !frame || frame->empty()) return false;
  if (!control && c->state != ConnState::Open) return false;  // nothing may follow a close frame
  const std::size_t size = frame->size();
  if (!control && c->queuedBytes > 0 && c->queuedBytes + size > options_.writeHighWater) {
    slowConsumer(c);
    return false;
  }
  c->queue.push_back(std::move(frame));
  c->queuedBytes += static_cast<std::uint32_t>(size);
  addQueued(static_cast<std::int64_t>(size));
  bump(counters_.framesOut);
  if (!c->dirty && !c->writeArmed) {
    c->dirty = true;
    dirty_.push_back(c);
  }
  return true;
}

void EventLoop::flush(Connection* c) {
  while (c->queueHead < c->queue.size()) {
    iovec iov[kMaxIov];
    int count = 0;
    for (std::size_t i = c->queueHead; i < c->queue.size() && count < kMaxIov; ++i, ++count) {
      const std::string& b = *c->queue[i];
      const std::size_t skip = i == c->queueHead ? c->headOffset : 0;
      iov[count].iov_base = const_cast<char*>(b.data() + skip);
      iov[count].iov_len = b.size() - skip;
    }
    msghdr msg{};
    msg.msg_iov = iov;
    msg.msg_iovlen = static_cast<std::size_t>(count);
    const ssize_t w = c->tls ? tlsSendv(c->tls.get(), iov, count)
                            : ::sendmsg(c->fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (w < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        setWriteInterest(c, true);
        return;
      }
      destroy(c, c->state == ConnState::Open ? close_code::kAbnormal : c->closeCode);
      return;
    }
    std::size_t left = static_cast<std::size_t>(w);
    c->queuedBytes -= static_cast<std::uint32_t>(left);
    addQueued(-static_cast<std::int64_t>(left));
    while (left > 0) {
      const std::size_t rest = c->queue[c->queueHead]->size() - c->headOffset;
      if (left < rest) {
        c->headOffset += static_cast<std::uint32_t>(left);
        break;
      }
      left -= rest;
      c->queue[c->queueHead].reset();  // the last connection to write a fan-out frame frees it
      ++c->queueHead;
      c->headOffset = 0;
    }
  }
  c->queueHead = 0;
  c->headOffset = 0;
  if (c->queue.capacity() > kKeptQueueCapacity)
    std::vector<SharedBuffer>().swap(c->queue);
  else
    c->queue.clear();
  setWriteInterest(c, false);
  if (c->state == ConnState::Flushing) destroy(c, c->closeCode);
}

void EventLoop::setWriteInterest(Connection* c, bool on) {
  if (c->writeArmed == on) return;
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLRDHUP;
  if (on) ev.events |= EPOLLOUT;
  ev.data.ptr = c;
  if (::epoll_ctl(epollFd_, EPOLL_CTL_MOD, c->fd, &ev) == 0) c->writeArmed = on;
}

void EventLoop::startClose(Connection* c, std::uint16_t code, std::string_view reason,
                           ConnState next) {
  if (c->state == ConnState::Dead) return;
  if (c->state == ConnState::Open) {
    // code 0: a close frame without a status (the reply to one without).
    auto frame = code == 0 ? encodeFrame(Opcode::Close, {}) : encodeClose(code, reason);
    if (c->closeCode == close_code::kAbnormal) c->closeCode = code == 0 ? close_code::kNoStatus : code;
    c->state = next;
    enqueue(c, std::make_shared<const std::string>(std::move(frame)), true);
  } else if (next == ConnState::Flushing && c->state != ConnState::Flushing) {
    c->state = next;
    if (!c->dirty && !c->writeArmed) {  // flush() closes the socket once the queue is empty
      c->dirty = true;
      dirty_.push_back(c);
    }
  }
  c->mark = now_;
  schedule(c, now_ + ticks(options_.closeTimeout));
  c->parser.releaseMemory();
}

void EventLoop::slowConsumer(Connection* c) {
  bump(counters_.slowConsumerCloses);
  observability::logNotice("ws_slow_consumer",
                           {{"queued_bytes", std::to_string(c->queuedBytes)},
                            {"address", c->lease ? *c->lease.address() : std::string()}});
  // Drop what has not started to go out; a partly written frame must finish or the close frame
  // after it would be garbage.
  const std::size_t keep = c->queueHead + (c->headOffset > 0 ? 1 : 0);
  std::uint32_t dropped = 0;
  for (std::size_t i = keep; i < c->queue.size(); ++i) dropped += static_cast<std::uint32_t>(c->queue[i]->size());
  c->queue.resize(keep);
  c->queuedBytes -= dropped;
  addQueued(-static_cast<std::int64_t>(dropped));
  startClose(c, close_code::kPolicyViolation, "slow consumer", ConnState::Flushing);
}

void EventLoop::destroy(Connection* c, std::uint16_t code) {
  if (c->state == ConnState::Dead) return;
  c->state = ConnState::Dead;
  ::epoll_ctl(epollFd_, EPOLL_CTL_DEL, c->fd, nullptr);
  if (c->tls) {
    tlsShutdown(c->tls.get());
    c->tls.reset();
  }
  ::close(c->fd);
  c->fd = -1;
  addQueued(-static_cast<std::int64_t>(c->queuedBytes));
  c->queuedBytes = 0;
  c->queue.clear();
  c->lease.reset();
  --live_;
  counters_.open.store(counters_.open.load(std::memory_order_relaxed) - 1,
                       std::memory_order_relaxed);
  const auto slot = static_cast<std::uint32_t>((c->id >> 8) & 0xFFFFFF);
  auto owned = std::move(slots_[slot].conn);
  freeSlots_.push_back(slot);
  try {
    c->handler->onClose(code);
  } catch (const std::exception& e) {
    observability::logError("ws_handler_failed", {{"what", e.what()}});
  }
  // Freed at the end of the iteration: events for it may still be in this epoll batch.
  graveyard_.push_back(std::move(owned));
}

void EventLoop::schedule(Connection* c, std::uint32_t tick) {
  tick = std::max(tick, now_ + 1);
  // Never further than the wheel reaches; the entry is then re-evaluated and pushed on.
  tick = std::min<std::uint32_t>(tick, now_ + kWheelSize - 1);
  if (c->due > now_ && c->due <= tick) return;  // an earlier entry will look at it anyway
  c->due = tick;
  const auto slot = static_cast<std::uint32_t>((c->id >> 8) & 0xFFFFFF);
  wheel_[tick % kWheelSize].push_back({slot, tick});
}

void EventLoop::runTimers() {
  if (now_ <= lastTimerTick_) return;
  const std::uint32_t from = std::max<std::uint32_t>(
      lastTimerTick_ + 1, now_ >= kWheelSize ? now_ - kWheelSize + 1 : 1);
  std::vector<TimerEntry> bucket;
  for (std::uint32_t t = from; t <= now_; ++t) {
    bucket.clear();
    bucket.swap(wheel_[t % kWheelSize]);
    for (const TimerEntry& e : bucket) {
      if (e.tick > now_) {  // a later round of the wheel
        wheel_[t % kWheelSize].push_back(e);
        continue;
      }
      if (e.slot >= slots_.size() || !slots_[e.slot].conn) continue;
      Connection* c = slots_[e.slot].conn.get();
      if (c->due != e.tick) continue;  // superseded by an earlier entry
      c->due = 0;
      evaluate(c, now_);
    }
    // Keep the larger array for the wheel so it does not reallocate next round.
    if (wheel_[t % kWheelSize].empty()) wheel_[t % kWheelSize].swap(bucket);
  }
  lastTimerTick_ = now_;
}

void EventLoop::evaluate(Connection* c, std::uint32_t tick) {
  if (c->state == ConnState::Dead) return;
  if (c->state != ConnState::Open) {
    const std::uint32_t deadline = c->mark + ticks(options_.closeTimeout);
    if (tick >= deadline)
      destroy(c, c->closeCode);
    else
      schedule(c, deadline);
    return;
  }
  if (c->awaitingPong) {
    if (c->lastActivity >= c->mark) {
      c->awaitingPong = false;
    } else {
      const std::uint32_t deadline = c->mark + ticks(options_.pongTimeout);
      if (tick >= deadline) {
        bump(counters_.idleTimeouts);
        destroy(c, close_code::kAbnormal);
      } else {
        schedule(c, deadline);
      }
      return;
    }
  }
  const std::uint32_t pingAt = c->lastActivity + ticks(options_.pingInterval);
  if (tick < pingAt) return schedule(c, pingAt);
  static const SharedBuffer ping = std::make_shared<const std::string>(encodePing());
  c->awaitingPong = true;
  c->mark = tick;
  c->parser.releaseMemory();
  enqueue(c, ping, true);
  schedule(c, tick + ticks(options_.pongTimeout));
}

}  // namespace callpy::realtime::detail
