#pragma once
// SQLite implementation of core's CallStore (table calls, migration 0005).
#include "core/ports/call_store.h"
#include "storage/database.h"

namespace callpy::storage {

class CallRepository : public core::ports::CallStore {
 public:
  explicit CallRepository(Database& db) : db_(db) {}
  std::int64_t insertCall(const core::calls::Call& c) override;
  void updateCall(const core::calls::Call& c) override;
  void deleteCall(std::int64_t number) override;
  std::vector<core::calls::Call> endUnfinished(std::int64_t nowMs) override;
  std::vector<core::calls::Call> callsOfDialog(std::int64_t dialogId) override;

 private:
  Database& db_;
};

}  // namespace callpy::storage
