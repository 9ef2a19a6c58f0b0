// storage::AccountRepository: the SQL behind core's AccountStore port.
#include "storage/account_repository.h"

#include <gtest/gtest.h>

#include <climits>
#include <stdexcept>

#include "storage/outbox_repository.h"
#include "storage/site_repository.h"
#include "storage/status_queries.h"
#include "temp_dir.h"

namespace callpy::storage {
namespace {

using core::accounts::OneTimeToken;
using core::accounts::Role;
using core::accounts::TokenKind;
using core::ports::AccountTx;

class AccountRepo : public ::testing::Test {
 protected:
  testing::TempDir dir;
  std::unique_ptr<Database> db = Database::open({dir.file("a.db")});
  int wakeups = 0;
  AccountRepository repo{*db, [this] { ++wakeups; }};

  void SetUp() override {
    SiteRepository sites(*db);
    sites.write([](core::ports::SiteTx& tx) {
      for (auto [id, name] : {std::pair{"b", "Beta"}, std::pair{"a", "Alpha"}}) {
        core::sites::Site s;
        s.id = id;
        s.name = name;
        s.widgetKey = std::string("k-") + id;
        tx.createSite(s, 1);
      }
    });
  }
  template <typename F>
  void write(F f) {
    repo.write([&](AccountTx& tx) { f(tx); });
  }
  template <typename F>
  void read(F f) {
    repo.read([&](AccountTx& tx) { f(tx); });
  }
};

TEST_F(AccountRepo, UsersAreFoundByIdAndCaseInsensitiveEmail) {
  std::int64_t id = 0;
  write([&](AccountTx& tx) { id = tx.createUser("alice@example.com", "Alice", "en", 10); });
  read([&](AccountTx& tx) {
    auto u = tx.userByEmail("ALICE@example.com");
    ASSERT_TRUE(u);
    EXPECT_EQ(u->id, id);
    EXPECT_EQ(u->name, "Alice");
    EXPECT_EQ(u->language, "en");
    EXPECT_FALSE(u->passwordHash);
    EXPECT_EQ(tx.userById(id)->email, "alice@example.com");
    EXPECT_FALSE(tx.userById(id + 1));
    EXPECT_FALSE(tx.userByEmail("bob@example.com"));
    EXPECT_FALSE(tx.anyUserHasPassword());
  });
  write([&](AccountTx& tx) {
    tx.setPasswordHash(id, "scrypt$x");
    tx.updateProfile(id, std::string("Al"), std::nullopt);
  });
  read([&](AccountTx& tx) {
    auto u = tx.userById(id);
    EXPECT_EQ(u->passwordHash, "scrypt$x");
    EXPECT_EQ(u->name, "Al");
    EXPECT_EQ(u->language, "en");
    EXPECT_TRUE(tx.anyUserHasPassword());
  });
  EXPECT_ANY_THROW(write([](AccountTx& tx) { tx.createUser("Alice@Example.com", "", "ru", 1); }));
  EXPECT_ANY_THROW(write([&](AccountTx& tx) { tx.updateProfile(id, std::nullopt, std::string("de")); }));
}

TEST_F(AccountRepo, AFailedWriteLeavesNothingBehind) {
  EXPECT_THROW(write([](AccountTx& tx) {
                 tx.createUser("x@example.com", "", "ru", 1);
                 throw std::runtime_error("abort");
               }),
               std::runtime_error);
  read([](AccountTx& tx) { EXPECT_FALSE(tx.userByEmail("x@example.com")); });
}

TEST_F(AccountRepo, MembershipsAndOperators) {
  std::int64_t u = 0, v = 0;
  write([&](AccountTx& tx) {
    u = tx.createUser("u@example.com", "U", "ru", 1);
    v = tx.createUser("v@example.com", "V", "ru", 1);
    tx.setPasswordHash(u, "h");
    tx.upsertMembership(u, "a", Role::Owner, 1);
    tx.upsertMembership(u, "b", Role::Operator, 1);
    tx.upsertMembership(v, "a", Role::Owner, 1);
  });
  read([&](AccountTx& tx) {
    auto ms = tx.memberships(u);
    ASSERT_EQ(ms.size(), 2u);
    EXPECT_EQ(ms[0].siteId, "a");  // ordered by site name: Alpha, Beta
    EXPECT_EQ(ms[0].siteName, "Alpha");
    EXPECT_EQ(ms[0].role, Role::Owner);
    EXPECT_EQ(ms[1].siteId, "b");
    EXPECT_EQ(tx.countOwners("a"), 2);
    auto ops = tx.operators("a");
    ASSERT_EQ(ops.size(), 2u);
    EXPECT_EQ(ops[0].email, "u@example.com");
    EXPECT_FALSE(ops[0].pending);
    EXPECT_TRUE(ops[1].pending);
    EXPECT_FALSE(tx.operatorOf("b", v));
  });
  write([&](AccountTx& tx) { tx.setMembershipDisabled(v, "a", true); });
  read([&](AccountTx& tx) {
    EXPECT_EQ(tx.countOwners("a"), 1);  // disabled owners do not count
    EXPECT_TRUE(tx.operatorOf("a", v)->disabled);
  });
  // Upserting changes the role and re-enables.
  write([&](AccountTx& tx) { tx.upsertMembership(v, "a", Role::Admin, 2); });
  read([&](AccountTx& tx) {
    auto e = tx.operatorOf("a", v);
    EXPECT_EQ(e->role, Role::Admin);
    EXPECT_FALSE(e->disabled);
    EXPECT_EQ(tx.countOwners("a"), 1);
  });
}

TEST_F(AccountRepo, SitesLookups) {
  read([](AccountTx& tx) {
    EXPECT_TRUE(tx.siteExists("a"));
    EXPECT_FALSE(tx.siteExists("zzz"));
    EXPECT_EQ(tx.siteName("b"), "Beta");
    EXPECT_EQ(tx.siteName("zzz"), "zzz");
    EXPECT_EQ(tx.allSiteIds(), (std::vector<std::string>{"a", "b"}));
  });
}

TEST_F(AccountRepo, SessionsAndSweeping) {
  std::int64_t u = 0;
  write([&](AccountTx& tx) {
    u = tx.createUser("u@example.com", "", "ru", 1);
    tx.createSession("old", u, "c0", 100, 200);
    tx.createSession("s1", u, "c1", 100, 1000);
  });
  read([&](AccountTx& tx) {
    EXPECT_TRUE(tx.session("old"));  // not swept while nothing newer was written
    auto s = tx.session("s1");
    ASSERT_TRUE(s);
    EXPECT_EQ(s->userId, u);
    EXPECT_EQ(s->csrfToken, "c1");
    EXPECT_EQ(s->expiresAt, 1000);
  });
  write([&](AccountTx& tx) { tx.createSession("s2", u, "c2", 500, 2000); });
  read([](AccountTx& tx) { EXPECT_FALSE(tx.session("old")); });  // expired at 200 < 500
  write([&](AccountTx& tx) {
    tx.createSession("s3", u, "c3", 500, 2000);
    tx.deleteUserSessions(u, "s2");
  });
  read([](AccountTx& tx) {
    EXPECT_FALSE(tx.session("s1"));
    EXPECT_TRUE(tx.session("s2"));
    EXPECT_FALSE(tx.session("s3"));
  });
  write([&](AccountTx& tx) { tx.deleteUserSessions(u, ""); });
  read([](AccountTx& tx) { EXPECT_FALSE(tx.session("s2")); });
  write([](AccountTx& tx) { tx.deleteSession("never-existed"); });
}

TEST_F(AccountRepo, OneTimeTokens) {
  std::int64_t u = 0;
  write([&](AccountTx& tx) {
    u = tx.createUser("u@example.com", "", "ru", 1);
    tx.createToken("inv", OneTimeToken{TokenKind::Invite, u, "a", Role::Admin, 99, std::nullopt}, 1);
    tx.createToken("rst", OneTimeToken{TokenKind::Reset, u, std::nullopt, std::nullopt, 50, std::nullopt}, 1);
  });
  read([&](AccountTx& tx) {
    auto i = tx.token("inv");
    ASSERT_TRUE(i);
    EXPECT_EQ(i->kind, TokenKind::Invite);
    EXPECT_EQ(i->userId, u);
    EXPECT_EQ(i->siteId, "a");
    EXPECT_EQ(i->role, Role::Admin);
    EXPECT_EQ(i->expiresAt, 99);
    EXPECT_FALSE(i->usedAt);
    auto r = tx.token("rst");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->kind, TokenKind::Reset);
    EXPECT_FALSE(r->siteId);
    EXPECT_FALSE(r->role);
    EXPECT_FALSE(tx.token("nope"));
  });
  write([](AccountTx& tx) { tx.markTokenUsed("inv", 42); });
  read([](AccountTx& tx) { EXPECT_EQ(tx.token("inv")->usedAt, 42); });
}

TEST_F(AccountRepo, MailGoesToTheOutboxWithItsCause) {
  write([](AccountTx& tx) {
    tx.createUser("u@example.com", "", "ru", 1);
    tx.enqueueMail({"u@example.com", "Hello \"you\"", "line 1\nline 2\tend"}, 7);
  });
  EXPECT_THROW(write([](AccountTx& tx) {
                 tx.enqueueMail({"x@example.com", "s", "t"}, 7);
                 throw std::runtime_error("rolled back with its cause");
               }),
               std::runtime_error);
  auto jobs = db->read([](Connection& c) { return dueOutboxJobs(c, INT64_MAX, 10); });
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].kind, "mail");
  EXPECT_EQ(jobs[0].payload,
            R"({"to":"u@example.com","subject":"Hello \"you\"","text":"line 1\nline 2\tend"})");
  EXPECT_EQ(wakeups, 0);
  repo.mailQueued();
  EXPECT_EQ(wakeups, 1);
  AccountRepository silent(*db, nullptr);
  EXPECT_NO_THROW(silent.mailQueued());
}

TEST(JsonQuote, EscapesEverythingJsonNeeds) {
  EXPECT_EQ(jsonQuote(""), "\"\"");
  EXPECT_EQ(jsonQuote("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(jsonQuote("\r\n\t"), R"("\r\n\t")");
  EXPECT_EQ(jsonQuote(std::string("\x01\x1f", 2)), R"("\u0001\u001f")");
  EXPECT_EQ(jsonQuote(std::string("\0", 1)), R"("\u0000")");
  EXPECT_EQ(jsonQuote("Привет"), "\"Привет\"");
}

TEST_F(AccountRepo, StatusCounts) {
  write([](AccountTx& tx) {
    auto u = tx.createUser("u@example.com", "", "ru", 1);
    tx.createSession("s", u, "c", 1, 100);
  });
  auto counts = db->read([](Connection& c) { return countObjects(c); });
  EXPECT_EQ(counts.sites, 2);
  EXPECT_EQ(counts.users, 1);
  EXPECT_EQ(counts.sessions, 1);
}

}  // namespace
}  // namespace callpy::storage
