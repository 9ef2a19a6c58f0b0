#pragma once
// SQLite implementation of core's QuickReplyStore port (table quick_replies, migration 0004).
#include "core/ports/quick_reply_store.h"
#include "storage/database.h"

namespace callpy::storage {

class QuickReplyRepository : public core::ports::QuickReplyStore {
 public:
  explicit QuickReplyRepository(Database& db) : db_(db) {}
  void read(const std::function<void(core::ports::QuickReplyTx&)>& work) override;
  void write(const std::function<void(core::ports::QuickReplyTx&)>& work) override;

 private:
  Database& db_;
};

}  // namespace callpy::storage
