#include "storage/account_repository.h"

#include <cstdio>

#include "storage/outbox_repository.h"

namespace callpy::storage {

using core::accounts::Membership;
using core::accounts::OneTimeToken;
using core::accounts::OperatorEntry;
using core::accounts::Role;
using core::accounts::SessionRecord;
using core::accounts::TokenKind;
using core::accounts::User;

std::string jsonQuote(std::string_view text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string mailPayloadJson(const core::ports::OutgoingMail& mail) {
  return "{\"to\":" + jsonQuote(mail.to) + ",\"subject\":" + jsonQuote(mail.subject) +
         ",\"text\":" + jsonQuote(mail.text) + "}";
}

namespace {

constexpr const char* kUserColumns = "id, email, name, language, password_hash";

User readUser(Statement& s) {
  return User{s.columnInt64(0), s.columnText(1), s.columnText(2), s.columnText(3),
              s.columnOptionalText(4)};
}

OperatorEntry readOperator(Statement& s) {
  OperatorEntry e;
  e.userId = s.columnInt64(0);
  e.email = s.columnText(1);
  e.name = s.columnText(2);
  e.role = core::accounts::parseRole(s.columnText(3)).value_or(Role::Operator);
  e.disabled = s.columnInt(4) != 0;
  e.pending = s.isNull(5);
  e.managedByConfig = s.columnInt(6) != 0;
  return e;
}

constexpr const char* kOperatorSelect =
    "SELECT u.id, u.email, u.name, m.role, m.disabled, u.password_hash, m.managed_by_config "
    "FROM memberships m JOIN users u ON u.id = m.user_id ";

class SqlAccountTx : public core::ports::AccountTx {
 public:
  explicit SqlAccountTx(Connection& c) : c_(c) {}

  std::optional<User> userByEmail(const std::string& email) override {
    auto& s = c_.prepare(std::string("SELECT ") + kUserColumns + " FROM users WHERE email = ?");
    s.bind(1, email);
    if (!s.step()) return std::nullopt;
    return readUser(s);
  }
  std::optional<User> userById(std::int64_t id) override {
    auto& s = c_.prepare(std::string("SELECT ") + kUserColumns + " FROM users WHERE id = ?");
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    return readUser(s);
  }
  std::int64_t createUser(const std::string& email, const std::string& name,
                          const std::string& language, std::int64_t now) override {
    auto& s = c_.prepare(
        "INSERT INTO users(email, name, language, created_at) VALUES (?, ?, ?, ?)");
    s.bind(1, email).bind(2, name).bind(3, language).bind(4, now).run();
    return c_.lastInsertRowId();
  }
  void setPasswordHash(std::int64_t userId, const std::string& hash) override {
    c_.prepare("UPDATE users SET password_hash = ? WHERE id = ?").bind(1, hash).bind(2, userId).run();
  }
  void updateProfile(std::int64_t userId, const std::optional<std::string>& name,
                     const std::optional<std::string>& language) override {
    if (name) c_.prepare("UPDATE users SET name = ? WHERE id = ?").bind(1, *name).bind(2, userId).run();
    if (language) {
      c_.prepare("UPDATE users SET language = ? WHERE id = ?").bind(1, *language).bind(2, userId).run();
    }
  }

  std::vector<Membership> memberships(std::int64_t userId) override {
    auto& s = c_.prepare(
        "SELECT m.site_id, s.name, m.role, m.disabled, m.managed_by_config FROM memberships m "
        "JOIN sites s ON s.id = m.site_id WHERE m.user_id = ? ORDER BY s.name");
    s.bind(1, userId);
    std::vector<Membership> out;
    while (s.step()) {
      out.push_back({s.columnText(0), s.columnText(1),
                     core::accounts::parseRole(s.columnText(2)).value_or(Role::Operator),
                     s.columnInt(3) != 0, s.columnInt(4) != 0});
    }
    return out;
  }
  std::vector<OperatorEntry> operators(const std::string& siteId) override {
    auto& s = c_.prepare(std::string(kOperatorSelect) + "WHERE m.site_id = ? ORDER BY u.email");
    s.bind(1, siteId);
    std::vector<OperatorEntry> out;
    while (s.step()) out.push_back(readOperator(s));
    return out;
  }
  std::optional<OperatorEntry> operatorOf(const std::string& siteId, std::int64_t userId) override {
    auto& s = c_.prepare(std::string(kOperatorSelect) + "WHERE m.site_id = ? AND m.user_id = ?");
    s.bind(1, siteId).bind(2, userId);
    if (!s.step()) return std::nullopt;
    return readOperator(s);
  }
  void upsertMembership(std::int64_t userId, const std::string& siteId, Role role,
                        std::int64_t now) override {
    c_.prepare(
          "INSERT INTO memberships(user_id, site_id, role, created_at) VALUES (?, ?, ?, ?) "
          "ON CONFLICT(user_id, site_id) DO UPDATE SET role = excluded.role, disabled = 0")
        .bind(1, userId).bind(2, siteId).bind(3, core::accounts::roleName(role)).bind(4, now)
        .run();
  }
  void setMembershipDisabled(std::int64_t userId, const std::string& siteId,
                             bool disabled) override {
    c_.prepare("UPDATE memberships SET disabled = ? WHERE user_id = ? AND site_id = ?")
        .bind(1, disabled ? 1 : 0).bind(2, userId).bind(3, siteId).run();
  }
  int countOwners(const std::string& siteId) override {
    auto& s = c_.prepare(
        "SELECT count(*) FROM memberships WHERE site_id = ? AND role = 'owner' AND disabled = 0");
    s.bind(1, siteId);
    s.step();
    return s.columnInt(0);
  }
  bool siteExists(const std::string& siteId) override {
    auto& s = c_.prepare("SELECT 1 FROM sites WHERE id = ?");
    s.bind(1, siteId);
    return s.step();
  }
  std::string siteName(const std::string& siteId) override {
    auto& s = c_.prepare("SELECT name FROM sites WHERE id = ?");
    s.bind(1, siteId);
    return s.step() ? s.columnText(0) : siteId;
  }

  void createSession(const std::string& tokenHash, std::int64_t userId, const std::string& csrf,
                     std::int64_t now, std::int64_t expiresAt) override {
    c_.prepare(
          "INSERT INTO sessions(token_hash, user_id, csrf_token, created_at, expires_at) "
          "VALUES (?, ?, ?, ?, ?)")
        .bind(1, tokenHash).bind(2, userId).bind(3, csrf).bind(4, now).bind(5, expiresAt).run();
    // Expired sessions are swept here, where sessions are written anyway.
    c_.prepare("DELETE FROM sessions WHERE expires_at < ?").bind(1, now).run();
  }
  std::optional<SessionRecord> session(const std::string& tokenHash) override {
    auto& s = c_.prepare("SELECT user_id, csrf_token, expires_at FROM sessions WHERE token_hash = ?");
    s.bind(1, tokenHash);
    if (!s.step()) return std::nullopt;
    return SessionRecord{s.columnInt64(0), s.columnText(1), s.columnInt64(2)};
  }
  void deleteSession(const std::string& tokenHash) override {
    c_.prepare("DELETE FROM sessions WHERE token_hash = ?").bind(1, tokenHash).run();
  }
  void deleteUserSessions(std::int64_t userId, const std::string& keepTokenHash) override {
    c_.prepare("DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?")
        .bind(1, userId).bind(2, keepTokenHash).run();
  }

  void createToken(const std::string& tokenHash, const OneTimeToken& t, std::int64_t now) override {
    c_.prepare(
          "INSERT INTO one_time_tokens(token_hash, kind, user_id, site_id, role, created_at, "
          "expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
        .bind(1, tokenHash)
        .bind(2, t.kind == TokenKind::Invite ? "invite" : "reset")
        .bind(3, t.userId)
        .bind(4, t.siteId)
        .bind(5, t.role ? std::optional<std::string>(core::accounts::roleName(*t.role))
                        : std::nullopt)
        .bind(6, now)
        .bind(7, t.expiresAt)
        .run();
  }
  std::optional<OneTimeToken> token(const std::string& tokenHash) override {
    auto& s = c_.prepare(
        "SELECT kind, user_id, site_id, role, expires_at, used_at FROM one_time_tokens "
        "WHERE token_hash = ?");
    s.bind(1, tokenHash);
    if (!s.step()) return std::nullopt;
    OneTimeToken t;
    t.kind = s.columnText(0) == "invite" ? TokenKind::Invite : TokenKind::Reset;
    t.userId = s.columnInt64(1);
    t.siteId = s.columnOptionalText(2);
    if (auto r = s.columnOptionalText(3)) t.role = core::accounts::parseRole(*r);
    t.expiresAt = s.columnInt64(4);
    t.usedAt = s.columnOptionalInt64(5);
    return t;
  }
  void markTokenUsed(const std::string& tokenHash, std::int64_t now) override {
    c_.prepare("UPDATE one_time_tokens SET used_at = ? WHERE token_hash = ?")
        .bind(1, now).bind(2, tokenHash).run();
  }
  void enqueueMail(const core::ports::OutgoingMail& mail, std::int64_t now) override {
    enqueueOutbox(c_, "mail", mailPayloadJson(mail), now);
  }
  bool anyUserHasPassword() override {
    return c_.prepare("SELECT 1 FROM users WHERE password_hash IS NOT NULL LIMIT 1").step();
  }
  std::vector<std::string> allSiteIds() override {
    auto& s = c_.prepare("SELECT id FROM sites ORDER BY id");
    std::vector<std::string> out;
    while (s.step()) out.push_back(s.columnText(0));
    return out;
  }

 private:
  Connection& c_;
};

}  // namespace

void AccountRepository::read(const std::function<void(core::ports::AccountTx&)>& work) {
  db_.read([&](Connection& c) {
    SqlAccountTx tx(c);
    work(tx);
  });
}

void AccountRepository::write(const std::function<void(core::ports::AccountTx&)>& work) {
  db_.writeSync([&](Connection& c) {
    SqlAccountTx tx(c);
    work(tx);
  });
}

}  // namespace callpy::storage
