// Group commit through Database::write (the Writer behind it).
#include "storage/writer.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <future>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "storage/database.h"
#include "temp_dir.h"

namespace callpy::storage {
namespace {

using namespace std::chrono_literals;
constexpr auto kDeadline = 20s;

// A one-shot signal a test thread and a writer job can wait on (with a deadline, never forever).
class Signal {
 public:
  void set() { promise_.set_value(); }
  bool wait() { return future_.wait_for(kDeadline) == std::future_status::ready; }

 private:
  std::promise<void> promise_;
  std::shared_future<void> future_ = promise_.get_future().share();
};

std::int64_t countRows(const std::string& path, const std::string& where = "1") {
  // A fresh connection: it sees only what is committed to the file.
  Connection c(path, Connection::Mode::ReadOnly);
  Statement& s = c.prepare("SELECT count(*) FROM t WHERE " + where);
  EXPECT_TRUE(s.step());
  return s.columnInt64(0);
}

class WriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = Database::open({.path = dir_.file("w.db"), .readers = 2});
    db_->writeSync([](Connection& c) {
      c.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL UNIQUE)");
    });
  }
  // Occupies the writer thread until the returned signal is set, so jobs queued meanwhile are
  // guaranteed to share the next batch.
  std::future<void> blockWriter(Signal& started, Signal& release) {
    auto f = db_->write([&](Connection&) {
      started.set();
      ASSERT_TRUE(release.wait());
    });
    EXPECT_TRUE(started.wait());
    return f;
  }
  testing::TempDir dir_;
  std::unique_ptr<Database> db_;
};

TEST_F(WriterTest, ReturnsTheJobsValueAfterCommit) {
  auto id = db_->write<std::int64_t>([](Connection& c) {
    c.prepare("INSERT INTO t (v) VALUES (?)").bind(1, "a").run();
    return c.lastInsertRowId();
  });
  EXPECT_EQ(id.get(), 1);
  EXPECT_EQ(countRows(db_->path()), 1);
}

TEST_F(WriterTest, SixtyFourConcurrentProducersLoseNothing) {
  constexpr int kThreads = 64;
  constexpr int kPerThread = 40;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const std::string v = std::to_string(t) + ":" + std::to_string(i);
        try {
          db_->writeSync(
              [&](Connection& c) { c.prepare("INSERT INTO t (v) VALUES (?)").bind(1, v).run(); });
        } catch (...) {
          ++failures;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(countRows(db_->path()), kThreads * kPerThread);
  EXPECT_EQ(db_->pendingWrites(), 0u);
}

TEST_F(WriterTest, FailingJobIsRolledBackAloneInItsBatch) {
  Signal started, release;
  auto blocker = blockWriter(started, release);
  auto a = db_->write([](Connection& c) { c.exec("INSERT INTO t (v) VALUES ('a')"); });
  auto b = db_->write([](Connection& c) {
    c.exec("INSERT INTO t (v) VALUES ('b')");  // applied, then undone with the savepoint
    c.exec("INSERT INTO t (v) VALUES ('a')");  // UNIQUE violation
  });
  auto thrower = db_->write([](Connection& c) {
    c.exec("INSERT INTO t (v) VALUES ('x')");
    throw 42;  // not even a std::exception
  });
  auto d = db_->write<std::string>([](Connection& c) {
    c.exec("INSERT INTO t (v) VALUES ('d')");
    return std::string("done");
  });
  EXPECT_GE(db_->pendingWrites(), 4u);
  release.set();
  blocker.get();

  EXPECT_NO_THROW(a.get());
  try {
    b.get();
    FAIL() << "expected the UNIQUE violation";
  } catch (const StorageError& e) {
    EXPECT_EQ(e.code(), SQLITE_CONSTRAINT_UNIQUE) << e.what();
  }
  EXPECT_THROW(thrower.get(), int);
  EXPECT_EQ(d.get(), "done");
  EXPECT_EQ(countRows(db_->path()), 2);
  EXPECT_EQ(countRows(db_->path(), "v IN ('a', 'd')"), 2);
}

TEST_F(WriterTest, FutureIsReadyOnlyAfterTheBatchCommits) {
  Signal started, release, secondRunning, finishSecond;
  auto blocker = blockWriter(started, release);
  auto first = db_->write([](Connection& c) { c.exec("INSERT INTO t (v) VALUES ('first')"); });
  auto second = db_->write([&](Connection&) {
    secondRunning.set();
    ASSERT_TRUE(finishSecond.wait());
  });
  release.set();
  ASSERT_TRUE(secondRunning.wait());
  // `first` has run inside the same transaction, which has not committed yet.
  EXPECT_EQ(first.wait_for(0ms), std::future_status::timeout);
  EXPECT_EQ(countRows(db_->path(), "v = 'first'"), 0);
  finishSecond.set();
  first.get();
  EXPECT_EQ(countRows(db_->path(), "v = 'first'"), 1);
  second.get();
  blocker.get();
}

TEST_F(WriterTest, EveryCommittedFutureIsVisibleToAFreshConnection) {
  std::vector<std::thread> threads;
  std::atomic<int> missing{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        const std::string v = "r" + std::to_string(t) + "_" + std::to_string(i);
        db_->write(
               [v](Connection& c) { c.prepare("INSERT INTO t (v) VALUES (?)").bind(1, v).run(); })
            .get();
        if (countRows(db_->path(), "v = '" + v + "'") != 1) ++missing;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(missing.load(), 0);
}

TEST_F(WriterTest, FailedCommitFailsEveryJobOfTheBatch) {
  db_->writeSync([](Connection& c) {
    c.exec(
        "CREATE TABLE parent (id INTEGER PRIMARY KEY);"
        "CREATE TABLE child (p INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED)");
  });
  Signal started, release;
  auto blocker = blockWriter(started, release);
  auto good = db_->write([](Connection& c) { c.exec("INSERT INTO t (v) VALUES ('good')"); });
  // A deferred foreign key is checked only at COMMIT, so this job's own savepoint succeeds.
  auto orphan = db_->write([](Connection& c) { c.exec("INSERT INTO child VALUES (99)"); });
  release.set();
  blocker.get();
  EXPECT_THROW(good.get(), StorageError);
  try {
    orphan.get();
    FAIL();
  } catch (const StorageError& e) {
    EXPECT_EQ(e.code(), SQLITE_CONSTRAINT_FOREIGNKEY) << e.what();
  }
  EXPECT_EQ(countRows(db_->path()), 0);
  // The writer goes on working after a failed commit.
  db_->writeSync([](Connection& c) { c.exec("INSERT INTO t (v) VALUES ('after')"); });
  EXPECT_EQ(countRows(db_->path()), 1);
}

TEST_F(WriterTest, SuccessMeansDurableEvenWhenSqliteAbortsTheTransaction) {
  // A tiny page limit makes one job hit SQLITE_FULL, after which SQLite may roll back the whole
  // transaction. Whatever it does, a future that reports success must have its row on disk.
  db_->writeSync([](Connection& c) {
    Statement& s = c.prepare("PRAGMA page_count");
    s.step();
    const auto pages = s.columnInt64(0);
    c.exec("PRAGMA max_page_count=" + std::to_string(pages + 8));
  });
  Signal started, release;
  auto blocker = blockWriter(started, release);
  std::vector<std::future<void>> futures;
  for (int i = 0; i < 6; ++i) {
    futures.push_back(db_->write([i](Connection& c) {
      const int size = i == 2 ? 1 << 20 : 10;  // job 2 does not fit
      c.prepare("INSERT INTO t (v) VALUES (printf('%d', ?) || zeroblob(?))")
          .bind(1, i)
          .bind(2, size)
          .run();
    }));
  }
  release.set();
  blocker.get();
  for (int i = 0; i < 6; ++i) {
    bool ok = true;
    try {
      futures[i].get();
    } catch (const StorageError&) {
      ok = false;
    }
    if (i == 2) {
      EXPECT_FALSE(ok);
    }
    EXPECT_EQ(countRows(db_->path(), "v LIKE '" + std::to_string(i) + "%'"), ok ? 1 : 0)
        << "job " << i;
  }
}

TEST_F(WriterTest, WritingFromInsideAJobIsRefused) {
  auto outer = db_->write(
      [&](Connection&) { EXPECT_THROW(db_->writeSync([](Connection&) {}), std::logic_error); });
  outer.get();
}

TEST_F(WriterTest, DestructorDrainsQueuedJobs) {
  std::vector<std::future<void>> futures;
  for (int i = 0; i < 500; ++i) {
    futures.push_back(db_->write([i](Connection& c) {
      c.prepare("INSERT INTO t (v) VALUES (?)").bind(1, "q" + std::to_string(i)).run();
    }));
  }
  const std::string path = db_->path();
  db_.reset();
  for (auto& f : futures) {
    ASSERT_EQ(f.wait_for(0ms), std::future_status::ready);
    EXPECT_NO_THROW(f.get());
  }
  EXPECT_EQ(countRows(path), 500);
}

int countCommit(void* counter) {
  static_cast<std::atomic<int>*>(counter)->fetch_add(1);
  return 0;  // 0: let the commit proceed
}

TEST_F(WriterTest, QueuedJobsShareOneCommitUpToMaxBatch) {
  db_.reset();
  db_ = Database::open({.path = dir_.file("w.db"), .readers = 1, .maxBatch = 2});
  std::atomic<int> commits{0};
  db_->writeSync([&](Connection& c) { sqlite3_commit_hook(c.raw(), countCommit, &commits); });
  Signal started, release;
  auto blocker = blockWriter(started, release);
  // Each job reports how many commits happened before it ran: equal numbers, same transaction.
  std::vector<std::future<int>> seen;
  for (int i = 0; i < 5; ++i) {
    seen.push_back(db_->write<int>([&](Connection&) { return commits.load(); }));
  }
  release.set();
  blocker.get();
  std::vector<int> values;
  for (auto& f : seen) values.push_back(f.get());
  const int k = values[0];
  EXPECT_EQ(values, (std::vector<int>{k, k, k + 1, k + 1, k + 2}));
  db_->writeSync([](Connection& c) { sqlite3_commit_hook(c.raw(), nullptr, nullptr); });
}

}  // namespace
}  // namespace callpy::storage
