#include "storage/database.h"

#include <sqlite3.h>

#include <string>

#include "storage/migrations.h"
#include "storage/read_pool.h"
#include "storage/sqlite_error.h"
#include "storage/writer.h"

namespace callpy::storage {

namespace {

// quick_check rather than integrity_check: it is O(N) and skips index cross-checks, which keeps
// start-up fast on a large file while still catching torn or overwritten pages.
void quickCheck(Connection& c) {
  std::string result;
  try {
    Statement check(c.raw(), "PRAGMA quick_check");
    while (check.step()) {
      if (!result.empty()) result += "; ";
      result += check.columnText(0);
      if (result.size() > 500) break;  // enough to tell the operator what is wrong
    }
  } catch (const StorageError& e) {
    throw CorruptDatabaseError("database " + c.path() + " is corrupt (PRAGMA quick_check: " +
                                   e.what() + "); restore a backup",
                               e.code());
  }
  if (result != "ok") {
    throw CorruptDatabaseError("database " + c.path() + " is corrupt (PRAGMA quick_check: " +
                               result + "); restore a backup");
  }
}

}  // namespace

Database::Database(DatabaseOptions options) : options_(std::move(options)) {}

std::unique_ptr<Database> Database::open(const DatabaseOptions& options) {
  std::unique_ptr<Database> db(new Database(options));
  std::unique_ptr<Connection> connection;
  try {
    connection = std::make_unique<Connection>(options.path, Connection::Mode::ReadWrite);
  } catch (const CorruptDatabaseError& e) {
    throw CorruptDatabaseError("database " + options.path + " is not a valid SQLite file (" +
                                   e.what() + "); restore a backup",
                               e.code());
  }
  quickCheck(*connection);
  db->schemaVersion_ = prepareSchema(*connection, compiledMigrations());
  db->writer_ = std::make_unique<Writer>(std::move(connection), options.maxBatch, options.onCommit);
  db->readers_ = std::make_unique<ReadPool>(options.path, options.readers);
  return db;
}

Database::~Database() {
  // Readers close first so the writer's connection is the last one: closing it checkpoints the
  // WAL into the main file and removes the -wal file.
  readers_.reset();
  writer_.reset();
}

void Database::submit(std::unique_ptr<WriteJob> job) { writer_->submit(std::move(job)); }

namespace {
class CallbackJob final : public WriteJob {
 public:
  CallbackJob(std::function<void(Connection&)> job, std::function<void(std::exception_ptr)> done)
      : job_(std::move(job)), done_(std::move(done)) {}
  void run(Connection& c) override { job_(c); }
  void complete(std::exception_ptr error) noexcept override {
    if (!done_) return;
    try {
      done_(std::move(error));
    } catch (...) {
      // A callback must not take the writer's completion thread down.
    }
  }

 private:
  std::function<void(Connection&)> job_;
  std::function<void(std::exception_ptr)> done_;
};
}  // namespace

void Database::writeThen(std::function<void(Connection&)> job,
                         std::function<void(std::exception_ptr)> done) {
  submit(std::make_unique<CallbackJob>(std::move(job), std::move(done)));
}

Connection& Database::acquireReader() { return readers_->acquire(); }

void Database::releaseReader(Connection& c) { readers_->release(c); }

std::size_t Database::pendingWrites() const { return writer_->pending(); }

WriteStats Database::writeStats() const { return writer_->stats(); }

void Database::backupTo(const std::string& destination) {
  // VACUUM INTO cannot run inside a transaction, and every writer job runs inside one, so the
  // copy is made from a reader: it sees one consistent WAL snapshot while writes continue.
  read([&](Connection& c) { vacuumInto(c, destination); });
}

}  // namespace callpy::storage
