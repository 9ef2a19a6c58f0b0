#pragma once
// Real adapters for service tests: a SQLite file in a temp dir, the OpenSSL crypto with cheap
// scrypt parameters, and a clock the test moves by hand. Shared by the accounts, sites and http
// tests.
#include <climits>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "../../storage/temp_dir.h"
#include "config/zoneinfo.h"
#include "core/accounts/account_service.h"
#include "core/common/error.h"
#include "core/sites/site_service.h"
#include "security/openssl_crypto.h"
#include "storage/account_repository.h"
#include "storage/database.h"
#include "storage/outbox_repository.h"
#include "storage/site_repository.h"

namespace callpy::testing {

using core::accounts::Role;

// The system zoneinfo behind core's TimeZoneSource port.
class SystemZones : public core::ports::TimeZoneSource {
 public:
  std::optional<core::sites::TimeZone> load(const std::string& name) override {
    return config::loadZoneInfo(name);
  }
};

struct ServiceEnv {
  storage::testing::TempDir dir;
  std::unique_ptr<storage::Database> db = storage::Database::open({dir.file("callpy.db")});
  security::OpenSslCrypto crypto{security::ScryptParams{10, 8, 1}};
  int mailWakeups = 0;
  storage::AccountRepository accountRepo{*db, [this] { ++mailWakeups; }};
  storage::SiteRepository siteRepo{*db};
  SystemZones zones;
  std::int64_t now = 1'700'000'000;  // 2023-11-14T22:13:20Z, a Tuesday
  core::accounts::AccountSettings settings = [] {
    core::accounts::AccountSettings s;
    s.publicUrl = "https://chat.example.com";
    return s;
  }();
  core::accounts::AccountService accounts{accountRepo, crypto, settings, [this] { return now; }};
  core::sites::SiteService sites{siteRepo, crypto, zones, "https://chat.example.com",
                                 [this] { return now; }};

  // A site straight through the storage port (no authorisation involved).
  void addSite(const std::string& id, const std::string& name = "", bool managed = false) {
    core::sites::Site s;
    s.id = id;
    s.name = name.empty() ? id : name;
    s.origins = {"https://" + id + ".example"};
    s.widgetKey = "key-" + id;
    s.managedByConfig = managed;
    siteRepo.write([&](core::ports::SiteTx& tx) { tx.createSite(s, now); });
  }

  // A user with a password (or without one: pending), optionally a member of a site.
  std::int64_t addUser(const std::string& email, const std::optional<std::string>& password,
                       const std::string& site = "", Role role = Role::Operator) {
    std::string hash = password ? crypto.hashPassword(*password) : "";
    std::int64_t id = 0;
    accountRepo.write([&](core::ports::AccountTx& tx) {
      id = tx.createUser(email, "", "en", now);
      if (password) tx.setPasswordHash(id, hash);
      if (!site.empty()) tx.upsertMembership(id, site, role, now);
    });
    return id;
  }

  void addMembership(std::int64_t user, const std::string& site, Role role) {
    accountRepo.write(
        [&](core::ports::AccountTx& tx) { tx.upsertMembership(user, site, role, now); });
  }

  // What authenticate() would give the user: their record and memberships.
  core::accounts::Principal principalOf(std::int64_t user) {
    core::accounts::Principal p;
    accountRepo.read([&](core::ports::AccountTx& tx) {
      p.user = tx.userById(user);
      p.memberships = tx.memberships(user);
    });
    return p;
  }

  std::optional<core::accounts::OperatorEntry> operatorOf(const std::string& site,
                                                          std::int64_t user) {
    std::optional<core::accounts::OperatorEntry> e;
    accountRepo.read([&](core::ports::AccountTx& tx) { e = tx.operatorOf(site, user); });
    return e;
  }

  std::vector<storage::OutboxJob> mails() {
    return db->read(
        [](storage::Connection& c) { return storage::dueOutboxJobs(c, INT64_MAX, 1000); });
  }

  static core::accounts::Principal system() {
    core::accounts::Principal p;
    p.system = true;
    return p;
  }
};

// The error code a call throws, or nullopt when it returns normally.
inline std::optional<core::ErrorCode> errorOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const core::Error& e) {
    return e.code();
  }
  return std::nullopt;
}

// The token=... value from a link in a mail or an invite result.
inline std::string tokenFrom(const std::string& text) {
  auto at = text.find("token=");
  if (at == std::string::npos) return "";
  auto start = at + 6;
  auto end = text.find_first_not_of(
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", start);
  return text.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

}  // namespace callpy::testing
