#pragma once
// A fixed set of read-only connections; WAL lets them read beside the writer.
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "storage/connection.h"

namespace callpy::storage {

class ReadPool {
 public:
  ReadPool(const std::string& path, int size);
  ReadPool(const ReadPool&) = delete;
  ReadPool& operator=(const ReadPool&) = delete;

  // Blocks until a connection is free.
  Connection& acquire();
  void release(Connection& c);

 private:
  std::vector<std::unique_ptr<Connection>> all_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<Connection*> free_;  // guarded by mutex_
};

}  // namespace callpy::storage
