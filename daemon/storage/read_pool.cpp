#include "storage/read_pool.h"

#include <sqlite3.h>

#include <algorithm>

namespace callpy::storage {

ReadPool::ReadPool(const std::string& path, int size) {
  const int n = std::max(size, 1);
  for (int i = 0; i < n; ++i) {
    all_.push_back(std::make_unique<Connection>(path, Connection::Mode::ReadOnly));
    free_.push_back(all_.back().get());
  }
}

Connection& ReadPool::acquire() {
  std::unique_lock lock(mutex_);
  available_.wait(lock, [this] { return !free_.empty(); });
  Connection* c = free_.back();
  free_.pop_back();
  return *c;
}

void ReadPool::release(Connection& c) {
  // An unfinished SELECT keeps its read transaction (and WAL snapshot) open; end it here so a
  // forgotten step() loop cannot stall checkpoints.
  c.resetBusyStatements();
  if (c.inTransaction()) sqlite3_exec(c.raw(), "ROLLBACK", nullptr, nullptr, nullptr);
  {
    std::lock_guard lock(mutex_);
    free_.push_back(&c);
  }
  available_.notify_one();
}

}  // namespace callpy::storage
