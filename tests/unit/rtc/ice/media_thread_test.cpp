// MediaThread: tasks run on the named thread in order, runSync, timers, stop semantics.
#include "rtc/ice/media_thread.h"

#include <gtest/gtest.h>
#include <pthread.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <stdexcept>
#include <vector>

namespace callpy::rtc::ice {
namespace {

using namespace std::chrono_literals;

TEST(MediaThread, PostRunsOnTheNamedThread) {
  MediaThread thread;
  EXPECT_FALSE(thread.isCurrent());
  EXPECT_EQ(thread.name().rfind("callpy-media-", 0), 0u) << thread.name();
  std::promise<std::pair<std::string, bool>> seen;
  ASSERT_TRUE(thread.post([&] {
    char name[16] = {};
    pthread_getname_np(pthread_self(), name, sizeof name);
    seen.set_value({name, thread.isCurrent()});
  }));
  auto future = seen.get_future();
  ASSERT_EQ(future.wait_for(5s), std::future_status::ready);
  const auto [name, current] = future.get();
  EXPECT_EQ(name, thread.name());
  EXPECT_TRUE(current);
}

TEST(MediaThread, EachThreadGetsItsOwnNumber) {
  MediaThread a;
  MediaThread b;
  EXPECT_NE(a.name(), b.name());
}

TEST(MediaThread, TasksRunInPostOrderAndNeverInline) {
  MediaThread thread;
  std::vector<int> order;
  for (int i = 0; i < 500; ++i) thread.post([&order, i] { order.push_back(i); });
  bool inlineRun = true;
  thread.runSync([&] {
    bool ran = false;
    thread.post([&ran] { ran = true; });
    inlineRun = ran;  // posting from the thread itself must queue, not run now
  });
  EXPECT_FALSE(inlineRun);
  thread.runSync([] {});
  ASSERT_EQ(order.size(), 500u);
  for (int i = 0; i < 500; ++i) EXPECT_EQ(order[i], i);
}

TEST(MediaThread, PostIsSafeFromManyThreads) {
  MediaThread thread;
  std::atomic<int> count{0};
  std::vector<std::thread> posters;
  for (int t = 0; t < 4; ++t)
    posters.emplace_back([&] {
      for (int i = 0; i < 250; ++i) thread.post([&count] { ++count; });
    });
  for (auto& p : posters) p.join();
  thread.runSync([] {});
  EXPECT_EQ(count.load(), 1000);
}

TEST(MediaThread, RunSyncWaitsAndRethrows) {
  MediaThread thread;
  int value = 0;
  EXPECT_TRUE(thread.runSync([&] { value = thread.isCurrent() ? 42 : -1; }));
  EXPECT_EQ(value, 42);
  EXPECT_THROW(thread.runSync([] { throw std::runtime_error("boom"); }), std::runtime_error);
  // Nested runSync on the thread runs inline instead of deadlocking.
  thread.runSync([&] { thread.runSync([&] { value = 7; }); });
  EXPECT_EQ(value, 7);
}

TEST(MediaThread, ThrowingPostedTaskDoesNotKillTheThread) {
  MediaThread thread;
  thread.post([] { throw std::runtime_error("task failure is logged"); });
  int value = 0;
  thread.runSync([&] { value = 1; });
  EXPECT_EQ(value, 1);
}

TEST(MediaThread, TimeoutRepeatsUntilItReturnsFalse) {
  MediaThread thread;
  std::mutex m;
  std::condition_variable cv;
  int fired = 0;
  const auto start = std::chrono::steady_clock::now();
  thread.runSync([&] {
    thread.addTimeout(20ms, [&] {
      std::lock_guard lock(m);
      ++fired;
      cv.notify_all();
      return fired < 3;
    });
  });
  std::unique_lock lock(m);
  ASSERT_TRUE(cv.wait_for(lock, 5s, [&] { return fired == 3; }));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 55ms);
  lock.unlock();
  // A further timer on the same thread proves the loop went round after the third call.
  thread.runSync([] {});
  std::promise<void> later;
  thread.runSync([&] { thread.addTimeout(60ms, [&] { later.set_value(); return false; }); });
  ASSERT_EQ(later.get_future().wait_for(5s), std::future_status::ready);
  std::lock_guard again(m);
  EXPECT_EQ(fired, 3);
}

TEST(MediaThread, CancelledTimerNeverFires) {
  MediaThread thread;
  std::atomic<bool> cancelledFired{false};
  std::promise<void> done;
  thread.runSync([&] {
    const auto id = thread.addTimeout(30ms, [&] { cancelledFired = true; return false; });
    EXPECT_NE(id, 0u);
    thread.cancel(id);
    thread.cancel(id);  // stale id: no-op
    thread.cancel(0);
    thread.addTimeout(100ms, [&] { done.set_value(); return false; });
  });
  ASSERT_EQ(done.get_future().wait_for(5s), std::future_status::ready);
  EXPECT_FALSE(cancelledFired.load());
}

TEST(MediaThread, TimerCanCancelItselfFromItsCallback) {
  MediaThread thread;
  std::atomic<int> fired{0};
  std::promise<void> done;
  MediaThread::TimerId id = 0;
  thread.runSync([&] {
    id = thread.addTimeout(10ms, [&] {
      ++fired;
      thread.cancel(id);
      return true;  // ignored: the source is already destroyed
    });
    thread.addTimeout(120ms, [&] { done.set_value(); return false; });
  });
  ASSERT_EQ(done.get_future().wait_for(5s), std::future_status::ready);
  EXPECT_EQ(fired.load(), 1);
}

TEST(MediaThread, StopRunsQueuedTasksThenRefusesNewOnes) {
  MediaThread thread;
  std::atomic<int> ran{0};
  for (int i = 0; i < 100; ++i) thread.post([&] { ++ran; });
  thread.stop();
  EXPECT_EQ(ran.load(), 100);
  EXPECT_FALSE(thread.post([&] { ++ran; }));
  EXPECT_FALSE(thread.runSync([&] { ++ran; }));
  thread.stop();  // idempotent
  EXPECT_EQ(ran.load(), 100);
}

TEST(MediaThread, ConcurrentStopsBothReturnAfterTheJoin) {
  auto thread = std::make_unique<MediaThread>();
  std::atomic<bool> slowDone{false};
  thread->post([&] {
    std::this_thread::sleep_for(100ms);  // simulates a long task, not a wait for an event
    slowDone = true;
  });
  std::thread other([&] { thread->stop(); EXPECT_TRUE(slowDone.load()); });
  thread->stop();
  EXPECT_TRUE(slowDone.load());
  other.join();
}

TEST(MediaThread, DestructorStopsAndFreesPendingTimers) {
  auto alive = std::make_shared<int>(1);
  {
    MediaThread thread;
    thread.runSync([&] {
      thread.addTimeout(std::chrono::hours(1), [keep = alive] { return false; });
    });
    EXPECT_EQ(alive.use_count(), 2);
  }
  EXPECT_EQ(alive.use_count(), 1);  // the timer's closure was destroyed with the context
}

}  // namespace
}  // namespace callpy::rtc::ice
