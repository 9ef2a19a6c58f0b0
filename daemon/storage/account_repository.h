#pragma once
// SQLite implementation of core's AccountStore port (users, memberships, sessions, one-time
// tokens, and the outbox rows their e-mails produce).
#include <functional>

#include "core/ports/account_store.h"
#include "storage/database.h"

namespace callpy::storage {

class AccountRepository : public core::ports::AccountStore {
 public:
  // `onMailQueued` wakes the outbox worker after a committed mail (may be empty).
  AccountRepository(Database& db, std::function<void()> onMailQueued)
      : db_(db), onMailQueued_(std::move(onMailQueued)) {}
  void read(const std::function<void(core::ports::AccountTx&)>& work) override;
  void write(const std::function<void(core::ports::AccountTx&)>& work) override;
  void mailQueued() override {
    if (onMailQueued_) onMailQueued_();
  }

 private:
  Database& db_;
  std::function<void()> onMailQueued_;
};

// JSON text of an outbox "mail" job: {"to":…,"subject":…,"text":…}.
std::string mailPayloadJson(const core::ports::OutgoingMail& mail);
std::string jsonQuote(std::string_view text);

}  // namespace callpy::storage
