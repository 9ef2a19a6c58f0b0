// The first-response re-offer schedule and timer with an injected clock: no test waits for real
// seconds to pass.
#include "realtime/reoffer_timer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>

namespace callpy::realtime {
namespace {

TEST(ReofferSchedule, TakesDueEntriesEarliestFirst) {
  ReofferSchedule s;
  s.schedule(7, 160);
  s.schedule(8, 130);
  s.schedule(9, 200);
  EXPECT_EQ(s.nextDue(), 130);
  EXPECT_TRUE(s.takeDue(129).empty());
  EXPECT_EQ(s.takeDue(160), (std::vector<std::int64_t>{8, 7}));
  EXPECT_EQ(s.size(), 1u);
  EXPECT_EQ(s.nextDue(), 200);
}

TEST(ReofferSchedule, OneEntryPerDialogMovedOrCancelled) {
  ReofferSchedule s;
  s.schedule(7, 100);
  s.schedule(7, 300);  // the site's time changed: moved, not duplicated
  EXPECT_EQ(s.size(), 1u);
  EXPECT_TRUE(s.takeDue(200).empty());
  s.schedule(8, 150);
  s.cancel(8);  // answered
  s.cancel(99);  // unknown: nothing happens
  EXPECT_EQ(s.takeDue(1000), (std::vector<std::int64_t>{7}));
  EXPECT_FALSE(s.nextDue());
}

TEST(ReofferTimer, RunDueFiresWithTheInjectedClock) {
  std::atomic<std::int64_t> now{1000};
  std::vector<std::int64_t> fired;
  ReofferTimer t([&] { return now.load(); },
                 [&](std::vector<std::int64_t> ids) { fired.insert(fired.end(), ids.begin(), ids.end()); });
  t.schedule(1, 1060);
  t.schedule(2, 1001);
  EXPECT_EQ(t.runDue(), 0u);
  now = 1001;
  EXPECT_EQ(t.runDue(), 1u);
  EXPECT_EQ(fired, (std::vector<std::int64_t>{2}));
  t.cancel(1);
  now = 5000;
  EXPECT_EQ(t.runDue(), 0u);
  EXPECT_EQ(t.pending(), 0u);
}

TEST(ReofferTimer, TheThreadFiresWhenTheClockPassesTheDueTime) {
  std::atomic<std::int64_t> now{1000};
  std::mutex m;
  std::condition_variable cv;
  std::vector<std::int64_t> fired;
  ReofferTimer t([&] { return now.load(); }, [&](std::vector<std::int64_t> ids) {
    std::lock_guard lock(m);
    fired.insert(fired.end(), ids.begin(), ids.end());
    cv.notify_all();
  });
  t.start();
  t.schedule(5, 1000);  // due now: the sleeping thread is woken by schedule()
  {
    std::unique_lock lock(m);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(5), [&] { return fired.size() == 1; }));
  }
  t.schedule(6, 1030);
  now = 1030;  // the fake clock jumps; the thread re-reads it at least every second
  {
    std::unique_lock lock(m);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(5), [&] { return fired.size() == 2; }));
  }
  EXPECT_EQ(fired, (std::vector<std::int64_t>{5, 6}));
  t.stop();
}

TEST(ReofferTimer, AnExceptionInTheCallbackDoesNotStopIt) {
  int calls = 0;
  ReofferTimer t([] { return 10; }, [&](std::vector<std::int64_t>) {
    ++calls;
    throw std::runtime_error("storage gone");
  });
  t.schedule(1, 5);
  EXPECT_EQ(t.runDue(), 1u);
  t.schedule(2, 5);
  EXPECT_EQ(t.runDue(), 1u);
  EXPECT_EQ(calls, 2);
}

}  // namespace
}  // namespace callpy::realtime
