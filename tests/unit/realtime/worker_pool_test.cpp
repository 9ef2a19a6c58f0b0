#include "realtime/worker_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <vector>

namespace callpy::realtime {
namespace {

TEST(Strand, RunsTasksInOrderOneAtATime) {
  std::vector<int> order;
  std::atomic<int> running{0};
  std::atomic<bool> overlapped{false};
  {
    WorkerPool pool(4);
    auto strand = std::make_shared<Strand>(pool);
    for (int i = 0; i < 500; ++i) {
      strand->post([&, i] {
        if (running.fetch_add(1) != 0) overlapped = true;
        order.push_back(i);  // no lock: the strand must serialise
        running.fetch_sub(1);
      });
    }
  }  // the pool finishes queued work before it joins
  ASSERT_EQ(order.size(), 500u);
  for (int i = 0; i < 500; ++i) EXPECT_EQ(order[static_cast<std::size_t>(i)], i);
  EXPECT_FALSE(overlapped.load());
}

TEST(WorkerPool, AThrowingTaskDoesNotStopTheWorkers) {
  std::atomic<int> done{0};
  {
    WorkerPool pool(1);
    pool.submit([] { throw std::runtime_error("boom"); });
    pool.submit([&] { ++done; });
  }
  EXPECT_EQ(done.load(), 1);
}

}  // namespace
}  // namespace callpy::realtime
