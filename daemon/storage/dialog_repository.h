#pragma once
// SQLite implementation of core's DialogStore port (visitors, dialogs, participants, messages,
// History search over messages_fts).
//
// write() is one job of the group-commit writer and returns after its durable COMMIT.
// writeAsync() queues the same job and hands its future to a relay thread, which runs `done` as
// each commit completes (in queue order); the event loop never waits on the disk.
//
// The History search index is filled off the message path (see migrations/0002_chat.sql): an
// indexer thread adds new messages to messages_fts in chunks a few times a second, and closing
// a dialog indexes what is pending in the same transaction, so a closed dialog is searchable as
// soon as closeDialog returns.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <future>
#include <mutex>
#include <thread>

#include "core/ports/dialog_store.h"
#include "storage/database.h"

namespace callpy::storage {

class DialogRepository : public core::ports::DialogStore {
 public:
  // `onMailQueued` wakes the outbox worker after a unit that queued mail (may be empty).
  explicit DialogRepository(Database& db, std::function<void()> onMailQueued = {});
  void mailQueued() override {
    if (onMailQueued_) onMailQueued_();
  }
  // Waits until every writeAsync() unit has completed and its `done` has run. Destroy the
  // repository before the Database.
  ~DialogRepository() override;
  DialogRepository(const DialogRepository&) = delete;
  DialogRepository& operator=(const DialogRepository&) = delete;

  // One read transaction (a single WAL snapshot) on a pooled reader.
  void read(const std::function<void(core::ports::DialogTx&)>& work) override;
  void write(const std::function<void(core::ports::DialogTx&)>& work) override;
  // Throws StorageError (and never calls `done`) when the database is closing.
  void writeAsync(std::function<void(core::ports::DialogTx&)> work,
                  std::function<void(std::exception_ptr)> done) override;

  // Most messages indexed per write job: bounds the stall the indexer adds to a batch.
  static constexpr int kIndexChunk = 500;
  static constexpr std::chrono::milliseconds kIndexPeriod{100};

 private:
  std::function<void()> onMailQueued_;
  struct Pending {
    std::future<void> committed;
    std::function<void(std::exception_ptr)> done;
  };
  void relayLoop();
  void indexLoop();

  Database& db_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Pending> pending_;  // guarded by mutex_, in the writer's queue order
  bool stopping_ = false;        // guarded by mutex_
  // Messages inserted since the indexer last looked (a hint; rolled-back ones count too). Starts
  // at 1 so the first pass catches up with whatever an earlier run left unindexed.
  std::atomic<std::uint64_t> unindexed_{1};
  std::mutex indexMutex_;
  std::condition_variable indexWake_;
  bool indexStopping_ = false;  // guarded by indexMutex_
  // Last: they start after the members above exist.
  std::thread relay_;
  std::thread indexer_;
};

// Adds up to `limit` not yet indexed messages (by id) to messages_fts and advances
// messages_fts_state.upto. Runs inside a write job. Returns how many it indexed.
int indexPendingMessages(Connection& c, int limit);

// The FTS5 query for a History search: the words as one phrase, the last one as a prefix
// ("заказ 4" finds "заказ 42"). Quotes in the text cannot break out of the phrase.
std::string ftsPhraseQuery(const std::string& text);

}  // namespace callpy::storage
