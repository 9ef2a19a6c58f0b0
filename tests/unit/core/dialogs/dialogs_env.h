#pragma once
// The accounts/sites service environment plus the chat: DialogService over the real SQLite
// DialogRepository in the same temp database.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>

#include "../accounts/accounts_env.h"
#include "core/dialogs/dialog_service.h"
#include "storage/dialog_repository.h"

namespace callpy::testing {

struct DialogsEnv : ServiceEnv {
  // Declared after ServiceEnv's database, so destroyed before it (the relay drains first).
  storage::DialogRepository dialogRepo{*db};
  core::dialogs::DialogService chat{dialogRepo, crypto, [this] { return now; }};

  core::dialogs::VisitorRef newVisitor(const std::string& site) {
    return chat.createVisitor(site, {}).visitor;
  }

  // Runs `sql` (one integer result) on a fresh read-only connection to the database file.
  std::int64_t count(const std::string& sql) {
    storage::Connection c(db->path(), storage::Connection::Mode::ReadOnly);
    auto& s = c.prepare(sql);
    return s.step() ? s.columnInt64(0) : -1;
  }
};

// Waits for a value set from another thread, with a deadline (never a bare sleep).
template <typename T>
class Eventually {
 public:
  void set(T value) {
    {
      std::lock_guard lock(mutex_);
      value_ = std::move(value);
    }
    cv_.notify_all();
  }
  std::optional<T> get(std::chrono::seconds deadline = std::chrono::seconds(30)) {
    std::unique_lock lock(mutex_);
    cv_.wait_for(lock, deadline, [&] { return value_.has_value(); });
    return value_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::optional<T> value_;
};

}  // namespace callpy::testing
