#pragma once
// Sign-in, sessions, profile, password reset, invitations and operator management (F1, F2).
#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/accounts/login_rate_limiter.h"
#include "core/accounts/types.h"
#include "core/ports/account_store.h"
#include "core/ports/crypto.h"

namespace callpy::core::accounts {

struct AccountSettings {
  std::string publicUrl;  // base of links in e-mails, without a trailing slash
  std::int64_t sessionTtlSeconds = 14 * 24 * 3600;
  std::int64_t inviteTtlSeconds = 7 * 24 * 3600;
  std::int64_t resetTtlSeconds = 3600;
  RateLimitSettings rateLimit;
};

// A new session: the cookie value (secret, only ever sent to the browser) and the CSRF token.
struct NewSession {
  std::string token;
  std::string csrf;
  User user;
};

struct Authenticated {
  Principal principal;
  std::string csrf;
};

struct InviteInfo {
  std::string email;
  std::string siteId;
  std::string siteName;
  Role role = Role::Operator;
};

struct InviteResult {
  OperatorEntry entry;
  std::string link;  // the secret link; shown only to the system administrator
};

class AccountService {
 public:
  using Clock = std::function<std::int64_t()>;
  AccountService(ports::AccountStore& store, ports::Crypto& crypto, AccountSettings settings,
                 Clock clock);

  NewSession login(const std::string& email, const std::string& password,
                   const std::string& address);
  std::optional<Authenticated> authenticate(const std::string& sessionToken);
  void logout(const std::string& sessionToken);

  User updateProfile(const Principal& p, const std::optional<std::string>& name,
                     const std::optional<std::string>& language);
  void changePassword(const Principal& p, const std::string& sessionToken,
                      const std::string& current, const std::string& password);

  // Limited per e-mail and per client address, so the form cannot be used to flood mailboxes.
  void requestPasswordReset(const std::string& email, const std::string& address);
  void resetPassword(const std::string& token, const std::string& password);

  InviteInfo inviteInfo(const std::string& token);
  NewSession acceptInvite(const std::string& token, const std::string& name,
                          const std::string& password);

  std::vector<OperatorEntry> operators(const Principal& p, const std::string& siteId);
  InviteResult invite(const Principal& p, const std::string& siteId, const std::string& email,
                      Role role);
  OperatorEntry setDisabled(const Principal& p, const std::string& siteId,
                            const std::string& userRef, bool disabled);
  OperatorEntry setRole(const Principal& p, const std::string& siteId, const std::string& userRef,
                        Role role);
  // First run: when no account has a password yet, gives `email` a generated password and the
  // owner role on every site. Returns the password (shown once). Throws conflict otherwise.
  std::string bootstrapOwner(const std::string& email);
  // The caller becomes owner of a site it just created.
  void addOwner(std::int64_t userId, const std::string& siteId);

  // Failed and rate-limited sign-in attempts since start (for /metrics).
  std::uint64_t loginFailures() const { return loginFailures_.load(std::memory_order_relaxed); }

  // Resolves "42" or "name@example.com" to a user id, or throws not_found.
  std::int64_t resolveUser(ports::AccountTx& tx, const std::string& userRef);

 private:
  NewSession startSession(ports::AccountTx& tx, const User& user);
  // The user `userRef` names and their entry on `siteId`, for a change only a site admin may
  // make (throws not_found for no such site, user or operator; forbidden for a non-admin).
  std::pair<std::int64_t, OperatorEntry> operatorForAdmin(ports::AccountTx& tx,
                                                          const Principal& p,
                                                          const std::string& siteId,
                                                          const std::string& userRef);
  static void checkPassword(const std::string& password);

  ports::AccountStore& store_;
  ports::Crypto& crypto_;
  AccountSettings settings_;
  Clock clock_;
  LoginRateLimiter limiter_;
  LoginRateLimiter resetLimiter_;
  std::atomic<std::uint64_t> loginFailures_{0};
};

// E-mail syntax check good enough for accounts: one @, non-empty parts, a dot in the domain.
bool isPlausibleEmail(const std::string& email);
std::string normalizeEmail(const std::string& email);

}  // namespace callpy::core::accounts
