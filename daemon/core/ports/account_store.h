#pragma once
// What the accounts service needs from storage. A service runs its work as one read or one
// write unit (AccountStore::read/write); a write unit is one durable transaction.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/accounts/types.h"

namespace callpy::core::ports {

// A queued e-mail, stored in the outbox together with what caused it.
struct OutgoingMail {
  std::string to;
  std::string subject;
  std::string text;
};

class AccountTx {
 public:
  virtual ~AccountTx() = default;
  using Role = accounts::Role;

  virtual std::optional<accounts::User> userByEmail(const std::string& email) = 0;
  virtual std::optional<accounts::User> userById(std::int64_t id) = 0;
  virtual std::int64_t createUser(const std::string& email, const std::string& name,
                                  const std::string& language, std::int64_t now) = 0;
  virtual void setPasswordHash(std::int64_t userId, const std::string& hash) = 0;
  virtual void updateProfile(std::int64_t userId, const std::optional<std::string>& name,
                             const std::optional<std::string>& language) = 0;

  virtual std::vector<accounts::Membership> memberships(std::int64_t userId) = 0;
  virtual std::vector<accounts::OperatorEntry> operators(const std::string& siteId) = 0;
  virtual std::optional<accounts::OperatorEntry> operatorOf(const std::string& siteId,
                                                            std::int64_t userId) = 0;
  // Adds the membership, or updates the role of an existing one (re-enabling it).
  virtual void upsertMembership(std::int64_t userId, const std::string& siteId, Role role,
                                std::int64_t now) = 0;
  virtual void setMembershipDisabled(std::int64_t userId, const std::string& siteId,
                                     bool disabled) = 0;
  virtual int countOwners(const std::string& siteId) = 0;
  virtual bool siteExists(const std::string& siteId) = 0;
  virtual std::string siteName(const std::string& siteId) = 0;

  virtual void createSession(const std::string& tokenHash, std::int64_t userId,
                             const std::string& csrf, std::int64_t now,
                             std::int64_t expiresAt) = 0;
  virtual std::optional<accounts::SessionRecord> session(const std::string& tokenHash) = 0;
  virtual void deleteSession(const std::string& tokenHash) = 0;
  // Ends every session of the user except `keepTokenHash` (when not empty).
  virtual void deleteUserSessions(std::int64_t userId, const std::string& keepTokenHash) = 0;

  virtual void createToken(const std::string& tokenHash, const accounts::OneTimeToken& token,
                           std::int64_t now) = 0;
  virtual std::optional<accounts::OneTimeToken> token(const std::string& tokenHash) = 0;
  virtual void markTokenUsed(const std::string& tokenHash, std::int64_t now) = 0;

  virtual void enqueueMail(const OutgoingMail& mail, std::int64_t now) = 0;

  // For first-run bootstrapping.
  virtual bool anyUserHasPassword() = 0;
  virtual std::vector<std::string> allSiteIds() = 0;
};

class AccountStore {
 public:
  virtual ~AccountStore() = default;
  virtual void read(const std::function<void(AccountTx&)>& work) = 0;
  // Returns once the unit is durably committed; an exception from `work` rolls it back.
  virtual void write(const std::function<void(AccountTx&)>& work) = 0;
  // Called after a mail was committed, so the sender can wake up.
  virtual void mailQueued() = 0;
};

}  // namespace callpy::core::ports
