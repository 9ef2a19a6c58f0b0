// SocketPoller: the media thread's one epoll GSource for the legs' sockets. Real UDP sockets on
// 127.0.0.1, handlers run by a MediaThread's loop.
#include "rtc/ice/socket_poller.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <vector>

#include "rtc/ice/media_thread.h"

namespace callpy::rtc::ice {
namespace {

using namespace std::chrono_literals;

// A bound non-blocking UDP socket on 127.0.0.1 and a way to send it a datagram.
struct Udp {
  int fd = -1;
  sockaddr_in address{};
  Udp() {
    fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
    socklen_t length = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  }
  ~Udp() { ::close(fd); }
  void sendTo(const Udp& to, std::uint8_t byte) const {
    ::sendto(fd, &byte, 1, 0, reinterpret_cast<const sockaddr*>(&to.address), sizeof to.address);
  }
};

// What the handlers saw; the test thread waits on it with a deadline.
struct Seen {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::uint8_t> bytes;
  std::vector<bool> onThread;
  template <typename Pred>
  bool waitFor(Pred pred) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, 5s, [&] { return pred(*this); });
  }
};

struct Context {
  MediaThread* thread;
  Seen* seen;
  SocketPoller::WatchId other = 0;  // a watch this handler removes
};

// Reads every datagram waiting on fd and records it (the handler must drain: level-triggered).
void record(void* user, int fd, std::uint32_t events) {
  auto* context = static_cast<Context*>(user);
  EXPECT_TRUE(events & EPOLLIN);
  std::uint8_t byte = 0;
  while (::recv(fd, &byte, 1, 0) == 1) {
    std::lock_guard lock(context->seen->mutex);
    context->seen->bytes.push_back(byte);
    context->seen->onThread.push_back(context->thread->isCurrent());
  }
  context->seen->changed.notify_all();
}

TEST(SocketPoller, ReadableSocketsRunTheirHandlerOnTheMediaThread) {
  MediaThread thread;
  Seen seen;
  Context context{&thread, &seen};
  Udp a, b, sender;
  SocketPoller::WatchId idA = 0, idB = 0;
  thread.runSync([&] {
    idA = thread.sockets().add(a.fd, record, &context);
    idB = thread.sockets().add(b.fd, record, &context);
  });
  ASSERT_NE(idA, 0u);
  ASSERT_NE(idB, 0u);
  EXPECT_NE(idA, idB);
  sender.sendTo(a, 1);
  sender.sendTo(b, 2);
  sender.sendTo(a, 3);
  ASSERT_TRUE(seen.waitFor([](Seen& s) { return s.bytes.size() == 3; }));
  {
    std::lock_guard lock(seen.mutex);
    for (bool current : seen.onThread) EXPECT_TRUE(current);
  }
  thread.runSync([&] {
    EXPECT_EQ(thread.sockets().size(), 2u);
    thread.sockets().remove(idA);
    thread.sockets().remove(idA);  // twice: a no-op
    EXPECT_EQ(thread.sockets().size(), 1u);
  });
  // A removed socket is no longer read; the other still is.
  sender.sendTo(a, 4);
  sender.sendTo(b, 5);
  ASSERT_TRUE(seen.waitFor([](Seen& s) { return s.bytes.size() == 4; }));
  thread.runSync([] {});
  std::lock_guard lock(seen.mutex);
  EXPECT_EQ(seen.bytes.back(), 5);
  EXPECT_EQ(seen.bytes.size(), 4u);
  std::uint8_t byte = 0;
  EXPECT_EQ(::recv(a.fd, &byte, 1, 0), 1);  // still waiting in the removed socket
  EXPECT_EQ(byte, 4);
}

// Removes context->other's watch instead of reading: if both sockets are ready in the same pass,
// the removed watch must not run.
void removeOther(void* user, int fd, std::uint32_t) {
  auto* context = static_cast<Context*>(user);
  std::uint8_t byte = 0;
  while (::recv(fd, &byte, 1, 0) == 1) {
  }
  context->thread->sockets().remove(context->other);
  std::lock_guard lock(context->seen->mutex);
  context->seen->bytes.push_back(0xff);
  context->seen->changed.notify_all();
}

TEST(SocketPoller, AWatchRemovedByAnEarlierHandlerOfThePassIsNotCalled) {
  MediaThread thread;
  Seen seen;
  Udp a, b, sender;
  // Cross-wired: a's handler removes b's watch and b's removes a's. Both sockets become readable
  // while the thread is held up, so one epoll_wait returns both; whichever runs first must
  // silence the other.
  Context first{&thread, &seen}, second{&thread, &seen};
  thread.runSync([&] {
    const auto idA = thread.sockets().add(a.fd, removeOther, &first);
    const auto idB = thread.sockets().add(b.fd, removeOther, &second);
    first.other = idB;
    second.other = idA;
  });
  std::promise<void> go;
  thread.post([gate = go.get_future().share()] { gate.wait(); });
  sender.sendTo(a, 1);
  sender.sendTo(b, 2);
  go.set_value();
  ASSERT_TRUE(seen.waitFor([](Seen& s) { return !s.bytes.empty(); }));
  thread.runSync([] {});
  thread.runSync([] {});
  std::lock_guard lock(seen.mutex);
  EXPECT_EQ(seen.bytes.size(), 1u) << "the handler whose watch was removed still ran";
}

TEST(SocketPoller, RemovedIdsAreNotReusedAndBadFdsAreRefused) {
  MediaThread thread;
  Udp a;
  thread.runSync([&] {
    auto& poller = thread.sockets();
    const auto first = poller.add(a.fd, record, nullptr);
    ASSERT_NE(first, 0u);
    poller.remove(first);
    const auto second = poller.add(a.fd, record, nullptr);
    EXPECT_NE(second, 0u);
    EXPECT_NE(second, first);  // same slot, new generation
    poller.remove(first);      // the stale id must not remove the new watch
    EXPECT_EQ(poller.size(), 1u);
    EXPECT_EQ(poller.add(-1, record, nullptr), 0u);
    EXPECT_EQ(poller.size(), 1u);
    poller.remove(second);
    EXPECT_EQ(poller.size(), 0u);
  });
}

}  // namespace
}  // namespace callpy::rtc::ice
