#pragma once
// SQLite implementation of core's FirstResponseStore (dialogs.first_response_at/reoffered_at).
#include "core/ports/first_response_store.h"
#include "storage/database.h"

namespace callpy::storage {

class FirstResponseRepository : public core::ports::FirstResponseStore {
 public:
  explicit FirstResponseRepository(Database& db) : db_(db) {}
  std::vector<core::ports::UnansweredDialog> unanswered() override;
  std::optional<core::ports::UnansweredDialog> unansweredDialog(std::int64_t dialogId) override;
  bool markReoffered(std::int64_t dialogId, std::int64_t now) override;

 private:
  Database& db_;
};

}  // namespace callpy::storage
