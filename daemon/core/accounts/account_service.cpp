#include "core/accounts/account_service.h"

#include <algorithm>
#include <cctype>

#include "core/accounts/mail_texts.h"
#include "core/common/error.h"

namespace callpy::core::accounts {

namespace {
constexpr std::size_t kMinPassword = 8;
constexpr std::size_t kMaxPassword = 1024;

Error unauthorized(const std::string& message) { return Error(ErrorCode::Unauthorized, message); }
}  // namespace

std::string normalizeEmail(const std::string& email) {
  std::string out;
  auto b = email.find_first_not_of(" \t\r\n");
  auto e = email.find_last_not_of(" \t\r\n");
  if (b == std::string::npos) return out;
  out = email.substr(b, e - b + 1);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool isPlausibleEmail(const std::string& email) {
  if (email.size() > 254) return false;
  auto at = email.find('@');
  if (at == std::string::npos || at == 0 || email.find('@', at + 1) != std::string::npos) {
    return false;
  }
  auto domain = email.substr(at + 1);
  auto dot = domain.find('.');
  if (domain.empty() || dot == std::string::npos || dot == 0 || dot + 1 == domain.size()) {
    return false;
  }
  return std::none_of(email.begin(), email.end(), [](unsigned char c) {
    return c <= ' ' || c == '<' || c == '>' || c == '"' || c == ',' || c == ';' || c == 0x7f;
  });
}

AccountService::AccountService(ports::AccountStore& store, ports::Crypto& crypto,
                               AccountSettings settings, Clock clock)
    : store_(store),
      crypto_(crypto),
      settings_(std::move(settings)),
      clock_(std::move(clock)),
      limiter_(settings_.rateLimit),
      resetLimiter_(RateLimitSettings{3, 10, 3600}) {}

void AccountService::checkPassword(const std::string& password) {
  if (password.size() < kMinPassword) {
    throw invalid("the password must have at least 8 characters", "password");
  }
  if (password.size() > kMaxPassword) throw invalid("the password is too long", "password");
}

NewSession AccountService::startSession(ports::AccountTx& tx, const User& user) {
  NewSession s{crypto_.randomToken(), crypto_.randomToken(), user};
  auto now = clock_();
  tx.createSession(crypto_.sha256Hex(s.token), user.id, s.csrf, now,
                   now + settings_.sessionTtlSeconds);
  return s;
}

NewSession AccountService::login(const std::string& rawEmail, const std::string& password,
                                 const std::string& address) {
  auto email = normalizeEmail(rawEmail);
  auto now = clock_();
  if (int wait = limiter_.retryAfter(email, address, now); wait > 0) {
    loginFailures_.fetch_add(1, std::memory_order_relaxed);
    throw Error(ErrorCode::Limit, "too many failed sign-in attempts; try again later")
        .withRetryAfter(wait);
  }
  std::optional<User> user;
  store_.read([&](ports::AccountTx& tx) { user = tx.userByEmail(email); });
  bool ok = false;
  if (user && user->passwordHash) {
    ok = crypto_.verifyPassword(password, *user->passwordHash);
  } else {
    // Spend the same time as a real check so response times do not reveal which e-mails exist.
    static const std::string dummy = crypto_.hashPassword("callpy-timing-equaliser");
    crypto_.verifyPassword(password, dummy);
  }
  if (ok) {
    std::vector<Membership> ms;
    store_.read([&](ports::AccountTx& tx) { ms = tx.memberships(user->id); });
    // A user whose every membership is disabled is locked out (invited owners of new
    // installations have no site yet and may sign in).
    if (!ms.empty() && std::all_of(ms.begin(), ms.end(), [](auto& m) { return m.disabled; })) {
      ok = false;
    }
  }
  if (!ok) {
    loginFailures_.fetch_add(1, std::memory_order_relaxed);
    limiter_.recordFailure(email, address, now);
    throw unauthorized("wrong e-mail or password");
  }
  limiter_.recordSuccess(email);
  NewSession s;
  store_.write([&](ports::AccountTx& tx) { s = startSession(tx, *user); });
  return s;
}

std::optional<Authenticated> AccountService::authenticate(const std::string& sessionToken) {
  if (sessionToken.empty() || sessionToken.size() > 128) return std::nullopt;
  std::optional<Authenticated> out;
  auto hash = crypto_.sha256Hex(sessionToken);
  auto now = clock_();
  store_.read([&](ports::AccountTx& tx) {
    auto s = tx.session(hash);
    if (!s || s->expiresAt <= now) return;
    auto user = tx.userById(s->userId);
    if (!user) return;
    Authenticated a;
    a.principal.user = std::move(user);
    a.principal.memberships = tx.memberships(s->userId);
    a.csrf = s->csrfToken;
    out = std::move(a);
  });
  return out;
}

void AccountService::logout(const std::string& sessionToken) {
  auto hash = crypto_.sha256Hex(sessionToken);
  store_.write([&](ports::AccountTx& tx) { tx.deleteSession(hash); });
}

User AccountService::updateProfile(const Principal& p, const std::optional<std::string>& name,
                                   const std::optional<std::string>& language) {
  if (!p.user) throw forbidden("no user");
  if (language && *language != "ru" && *language != "en") {
    throw invalid("language must be ru or en", "language");
  }
  if (name && name->size() > 200) throw invalid("the name is too long", "name");
  User out;
  store_.write([&](ports::AccountTx& tx) {
    tx.updateProfile(p.user->id, name, language);
    out = *tx.userById(p.user->id);
  });
  return out;
}

void AccountService::changePassword(const Principal& p, const std::string& sessionToken,
                                    const std::string& current, const std::string& password) {
  if (!p.user) throw forbidden("no user");
  checkPassword(password);
  if (!p.user->passwordHash || !crypto_.verifyPassword(current, *p.user->passwordHash)) {
    throw invalid("the current password is wrong", "current");
  }
  auto hash = crypto_.hashPassword(password);
  auto keep = crypto_.sha256Hex(sessionToken);
  store_.write([&](ports::AccountTx& tx) {
    tx.setPasswordHash(p.user->id, hash);
    tx.deleteUserSessions(p.user->id, keep);
  });
}

void AccountService::requestPasswordReset(const std::string& rawEmail,
                                          const std::string& address) {
  auto email = normalizeEmail(rawEmail);
  if (!isPlausibleEmail(email)) throw invalid("enter a valid e-mail address", "email");
  auto token = crypto_.randomToken();
  auto now = clock_();
  if (int wait = resetLimiter_.retryAfter(email, address, now); wait > 0) {
    throw Error(ErrorCode::Limit, "too many reset requests; try again later").withRetryAfter(wait);
  }
  resetLimiter_.recordFailure(email, address, now);
  bool queued = false;
  store_.write([&](ports::AccountTx& tx) {
    auto user = tx.userByEmail(email);
    if (!user) return;  // answered the same way: no account enumeration
    OneTimeToken t{TokenKind::Reset, user->id, std::nullopt, std::nullopt,
                   now + settings_.resetTtlSeconds, std::nullopt};
    tx.createToken(crypto_.sha256Hex(token), t, now);
    tx.enqueueMail(resetMail(user->language, user->email,
                             settings_.publicUrl + "/app/reset?token=" + token),
                   now);
    queued = true;
  });
  if (queued) store_.mailQueued();
}

void AccountService::resetPassword(const std::string& token, const std::string& password) {
  checkPassword(password);
  auto hash = crypto_.hashPassword(password);
  auto tokenHash = crypto_.sha256Hex(token);
  auto now = clock_();
  store_.write([&](ports::AccountTx& tx) {
    auto t = tx.token(tokenHash);
    if (!t || t->kind != TokenKind::Reset || t->usedAt || t->expiresAt <= now) {
      throw invalid("this reset link is invalid, used or expired; ask for a new one", "token");
    }
    tx.markTokenUsed(tokenHash, now);
    tx.setPasswordHash(t->userId, hash);
    tx.deleteUserSessions(t->userId, "");
  });
}

InviteInfo AccountService::inviteInfo(const std::string& token) {
  auto tokenHash = crypto_.sha256Hex(token);
  auto now = clock_();
  InviteInfo info;
  store_.read([&](ports::AccountTx& tx) {
    auto t = tx.token(tokenHash);
    if (!t || t->kind != TokenKind::Invite || t->usedAt || t->expiresAt <= now || !t->siteId) {
      throw notFound("this invitation is invalid, used or expired; ask for a new one");
    }
    auto user = tx.userById(t->userId);
    if (!user) throw notFound("this invitation is invalid, used or expired; ask for a new one");
    info = {user->email, *t->siteId, tx.siteName(*t->siteId), t->role.value_or(Role::Operator)};
  });
  return info;
}

NewSession AccountService::acceptInvite(const std::string& token, const std::string& name,
                                        const std::string& password) {
  checkPassword(password);
  if (name.size() > 200) throw invalid("the name is too long", "name");
  auto hash = crypto_.hashPassword(password);
  auto tokenHash = crypto_.sha256Hex(token);
  auto now = clock_();
  NewSession s;
  store_.write([&](ports::AccountTx& tx) {
    auto t = tx.token(tokenHash);
    if (!t || t->kind != TokenKind::Invite || t->usedAt || t->expiresAt <= now || !t->siteId) {
      throw invalid("this invitation is invalid, used or expired; ask for a new one", "token");
    }
    // An operator disabled while still pending must not get a session through the link.
    auto membership = tx.operatorOf(*t->siteId, t->userId);
    if (!membership || membership->disabled) {
      throw invalid("this invitation was withdrawn; ask the site's administrator", "token");
    }
    tx.markTokenUsed(tokenHash, now);
    tx.setPasswordHash(t->userId, hash);
    if (!name.empty()) tx.updateProfile(t->userId, name, std::nullopt);
    s = startSession(tx, *tx.userById(t->userId));
  });
  return s;
}

std::int64_t AccountService::resolveUser(ports::AccountTx& tx, const std::string& userRef) {
  if (!userRef.empty() && std::all_of(userRef.begin(), userRef.end(), ::isdigit) &&
      userRef.size() < 18) {
    if (auto u = tx.userById(std::stoll(userRef))) return u->id;
  } else if (auto u = tx.userByEmail(normalizeEmail(userRef))) {
    return u->id;
  }
  throw notFound("no such user: " + userRef);
}

std::pair<std::int64_t, OperatorEntry> AccountService::operatorForAdmin(
    ports::AccountTx& tx, const Principal& p, const std::string& siteId,
    const std::string& userRef) {
  if (!tx.siteExists(siteId)) throw notFound("no such site: " + siteId);
  p.require(siteId, Role::Admin);
  auto userId = resolveUser(tx, userRef);
  auto entry = tx.operatorOf(siteId, userId);
  if (!entry) throw notFound("this user is not an operator of the site");
  return {userId, *entry};
}

std::vector<OperatorEntry> AccountService::operators(const Principal& p,
                                                     const std::string& siteId) {
  std::vector<OperatorEntry> out;
  store_.read([&](ports::AccountTx& tx) {
    if (!tx.siteExists(siteId)) throw notFound("no such site: " + siteId);
    p.require(siteId, Role::Operator);
    out = tx.operators(siteId);
  });
  return out;
}

InviteResult AccountService::invite(const Principal& p, const std::string& siteId,
                                    const std::string& rawEmail, Role role) {
  auto email = normalizeEmail(rawEmail);
  if (!isPlausibleEmail(email)) throw invalid("enter a valid e-mail address", "email");
  auto token = crypto_.randomToken();
  auto now = clock_();
  InviteResult result;
  result.link = settings_.publicUrl + "/app/invite?token=" + token;
  store_.write([&](ports::AccountTx& tx) {
    if (!tx.siteExists(siteId)) throw notFound("no such site: " + siteId);
    p.require(siteId, Role::Admin);
    if (role == Role::Owner) p.require(siteId, Role::Owner);
    auto user = tx.userByEmail(email);
    std::int64_t userId = user ? user->id : tx.createUser(email, "", "ru", now);
    if (auto existing = tx.operatorOf(siteId, userId); existing && !existing->pending) {
      throw conflict(email + " is already an operator of this site");
    }
    tx.upsertMembership(userId, siteId, role, now);
    OneTimeToken t{TokenKind::Invite, userId, siteId, role, now + settings_.inviteTtlSeconds,
                   std::nullopt};
    tx.createToken(crypto_.sha256Hex(token), t, now);
    auto language = user ? user->language : std::string("ru");
    tx.enqueueMail(inviteMail(language, email, tx.siteName(siteId), result.link), now);
    result.entry = *tx.operatorOf(siteId, userId);
  });
  store_.mailQueued();
  return result;
}

OperatorEntry AccountService::setDisabled(const Principal& p, const std::string& siteId,
                                          const std::string& userRef, bool disabled) {
  OperatorEntry out;
  store_.write([&](ports::AccountTx& tx) {
    auto [userId, entry] = operatorForAdmin(tx, p, siteId, userRef);
    if (p.user && p.user->id == userId) throw conflict("you cannot disable yourself");
    if (entry.role == Role::Owner) {
      p.require(siteId, Role::Owner);
      if (disabled && tx.countOwners(siteId) <= 1) {
        throw conflict("the last owner of a site cannot be disabled");
      }
    }
    tx.setMembershipDisabled(userId, siteId, disabled);
    if (disabled) {
      auto ms = tx.memberships(userId);
      // Their sessions end at once when no enabled membership is left.
      if (std::all_of(ms.begin(), ms.end(), [](auto& m) { return m.disabled; })) {
        tx.deleteUserSessions(userId, "");
      }
    }
    out = *tx.operatorOf(siteId, userId);
  });
  return out;
}

OperatorEntry AccountService::setRole(const Principal& p, const std::string& siteId,
                                      const std::string& userRef, Role role) {
  OperatorEntry out;
  store_.write([&](ports::AccountTx& tx) {
    auto [userId, entry] = operatorForAdmin(tx, p, siteId, userRef);
    if (role == Role::Owner || entry.role == Role::Owner) p.require(siteId, Role::Owner);
    // countOwners counts enabled owners only, so demoting a disabled owner never leaves the
    // site without one.
    if (entry.role == Role::Owner && !entry.disabled && role != Role::Owner &&
        tx.countOwners(siteId) <= 1) {
      throw conflict("the last owner of a site cannot be demoted");
    }
    tx.upsertMembership(userId, siteId, role, clock_());
    tx.setMembershipDisabled(userId, siteId, entry.disabled);
    out = *tx.operatorOf(siteId, userId);
  });
  return out;
}

std::string AccountService::bootstrapOwner(const std::string& rawEmail) {
  auto email = normalizeEmail(rawEmail);
  if (!isPlausibleEmail(email)) throw invalid("enter a valid e-mail address", "email");
  // 18 URL-safe characters: about 108 bits, easy to copy from a terminal.
  auto password = crypto_.randomToken().substr(0, 18);
  auto hash = crypto_.hashPassword(password);
  auto now = clock_();
  store_.write([&](ports::AccountTx& tx) {
    if (tx.anyUserHasPassword()) {
      throw conflict("an account with a password exists already; sign in or reset its password");
    }
    auto user = tx.userByEmail(email);
    auto id = user ? user->id : tx.createUser(email, "", "ru", now);
    tx.setPasswordHash(id, hash);
    for (const auto& site : tx.allSiteIds()) tx.upsertMembership(id, site, Role::Owner, now);
  });
  return password;
}

void AccountService::addOwner(std::int64_t userId, const std::string& siteId) {
  store_.write([&](ports::AccountTx& tx) { tx.upsertMembership(userId, siteId, Role::Owner, clock_()); });
}

}  // namespace callpy::core::accounts
