// DialogRepository over real SQLite files: constraints that back the domain rules, the FTS5
// index (Cyrillic case folding, consistency on delete), the async relay, and that every
// acknowledged message survives kill -9 of the process that wrote it.
#include "storage/dialog_repository.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <future>
#include <set>
#include <thread>
#include <vector>

#include "core/dialogs/dialog_service.h"
#include "storage/errors.h"
#include "temp_dir.h"

namespace callpy::storage {
namespace {

namespace dialogs = core::dialogs;
using core::ports::DialogTx;

// postMessage needs no crypto; visitor tokens are tested with the real one in core/dialogs.
class NoCrypto : public core::ports::Crypto {
 public:
  std::string hashPassword(const std::string&) override { return ""; }
  bool verifyPassword(const std::string&, const std::string&) override { return false; }
  std::string randomToken() override { return "token"; }
  std::string sha256Hex(const std::string& data) override { return "hash-" + data; }
};

void seedSite(Database& db) {
  db.writeSync([](Connection& c) {
    c.exec(
        "INSERT INTO sites (id, name, widget_key, created_at) VALUES ('shop', 'Shop', 'k', 1);"
        "INSERT INTO visitors (id, site_id, token_hash, created_at, last_seen_at) "
        "VALUES (1, 'shop', 'h1', 1, 1), (2, 'shop', 'h2', 1, 1);"
        "INSERT INTO dialogs (id, site_id, visitor_id, created_at, last_message_at) "
        "VALUES (1, 'shop', 1, 1, 1);");
  });
}

dialogs::Message textMessage(std::int64_t dialog, std::int64_t seq, const std::string& cid,
                             const std::string& body) {
  return {0, dialog, seq, dialogs::AuthorKind::Visitor, 1, cid, dialogs::MessageKind::Text, body,
          100};
}

std::int64_t scalar(Connection& c, const std::string& sql) {
  auto& s = c.prepare(sql);
  return s.step() ? s.columnInt64(0) : -1;
}

class DialogRepositoryTest : public ::testing::Test {
 protected:
  testing::TempDir dir;
  std::unique_ptr<Database> db = Database::open({dir.file("chat.db")});
  std::unique_ptr<DialogRepository> repo = std::make_unique<DialogRepository>(*db);
  void SetUp() override { seedSite(*db); }
  void TearDown() override { repo.reset(); }
};

TEST_F(DialogRepositoryTest, PhraseQueryQuotesEverything) {
  EXPECT_EQ(ftsPhraseQuery("мой заказ"), "\"мой заказ\" *");
  EXPECT_EQ(ftsPhraseQuery("a\"b OR c"), "\"a\"\"b OR c\" *");
}

TEST_F(DialogRepositoryTest, DuplicateCidIsNotInsertedAndSeqCollisionsFail) {
  repo->write([](DialogTx& tx) {
    EXPECT_TRUE(tx.insertMessage(textMessage(1, 1, "c1", "one")));
    EXPECT_FALSE(tx.insertMessage(textMessage(1, 2, "c1", "again")));
    auto original = tx.messageByCid(1, dialogs::AuthorKind::Visitor, 1, "c1");
    ASSERT_TRUE(original);
    EXPECT_EQ(original->seq, 1);
    EXPECT_EQ(original->body, "one");
  });
  // UNIQUE(dialog_id, seq) is the backstop for the gap-free rule: a second seq 1 is an error.
  EXPECT_THROW(repo->write([](DialogTx& tx) { tx.insertMessage(textMessage(1, 1, "c2", "x")); }),
               StorageError);
  // System messages have no cid and never collide with each other.
  repo->write([](DialogTx& tx) {
    auto m = textMessage(1, 2, "", "sys");
    m.authorKind = dialogs::AuthorKind::System;
    m.authorId = 0;
    EXPECT_TRUE(tx.insertMessage(m));
    m.seq = 3;
    EXPECT_TRUE(tx.insertMessage(m));
  });
  EXPECT_EQ(db->read([](Connection& c) { return scalar(c, "SELECT count(*) FROM messages"); }), 3);
}

TEST_F(DialogRepositoryTest, OneOpenWidgetDialogPerVisitor) {
  dialogs::Dialog d;
  d.siteId = "shop";
  d.visitorId = 1;
  EXPECT_THROW(repo->write([&](DialogTx& tx) { tx.createDialog(d); }), StorageError);
  d.channel = dialogs::Channel::OfflineForm;
  EXPECT_NO_THROW(repo->write([&](DialogTx& tx) { tx.createDialog(d); }));
  repo->write([](DialogTx& tx) {
    tx.closeDialog(1, 5);
    EXPECT_FALSE(tx.openDialogOf(1));
  });
  d.channel = dialogs::Channel::Widget;
  EXPECT_NO_THROW(repo->write([&](DialogTx& tx) { tx.createDialog(d); }));
}

TEST_F(DialogRepositoryTest, FtsFoldsCyrillicCaseAndStaysConsistentOnDelete) {
  repo->write([](DialogTx& tx) {
    tx.insertMessage(textMessage(1, 1, "c1", "Привет, ЗАКАЗ номер семь"));
    tx.insertMessage(textMessage(1, 2, "c2", "ёлка и Ёж, Straße"));
    tx.insertMessage(textMessage(1, 3, "c3", "ещё не в индексе"));
  });
  EXPECT_EQ(db->writeSync([](Connection& c) { return indexPendingMessages(c, 2); }), 2);
  db->read([](Connection& c) {
    auto hits = [&](const std::string& query) {
      auto& s = c.prepare("SELECT count(*) FROM messages_fts WHERE messages_fts MATCH ?");
      s.bind(1, query);
      s.step();
      return s.columnInt64(0);
    };
    EXPECT_EQ(hits(ftsPhraseQuery("заказ")), 1);
    EXPECT_EQ(hits(ftsPhraseQuery("ПРИВЕТ")), 1);
    EXPECT_EQ(hits(ftsPhraseQuery("Заказ Номер")), 1);
    EXPECT_EQ(hits(ftsPhraseQuery("ЁЖ")), 1);
    EXPECT_EQ(hits(ftsPhraseQuery("STRASSE")), 0);  // no stemming or ß folding: by design
    EXPECT_EQ(hits(ftsPhraseQuery("straße")), 1);
  });
  // Edits and deletes of indexed (seq 1, 2) and pending (seq 3) rows keep the index exact.
  db->writeSync([](Connection& c) {
    c.exec("UPDATE messages SET body = 'changed' WHERE seq = 1");
    c.exec("UPDATE messages SET body = 'изменено' WHERE seq = 3");
    c.exec("INSERT INTO messages_fts (messages_fts) VALUES ('integrity-check')");
    c.exec("DELETE FROM visitors WHERE id = 1");  // cascades to the dialog and its messages
  });
  db->read([](Connection& c) {
    EXPECT_EQ(scalar(c, "SELECT count(*) FROM messages"), 0);
    EXPECT_EQ(scalar(c, "SELECT count(*) FROM messages_fts WHERE messages_fts MATCH 'заказ'"), 0);
  });
  db->writeSync([](Connection& c) {
    c.exec("INSERT INTO messages_fts (messages_fts) VALUES ('integrity-check')");
  });
}

TEST_F(DialogRepositoryTest, SearchIndexCatchesUpOffThePostPath) {
  auto indexed = [&] {
    return db->read([](Connection& c) {
      return scalar(c, "SELECT count(*) FROM messages_fts WHERE messages_fts MATCH 'ожидание'");
    });
  };
  repo->write([](DialogTx& tx) {
    for (int i = 1; i <= 1200; ++i) {
      tx.insertMessage(textMessage(1, i, "c" + std::to_string(i), "ожидание " + std::to_string(i)));
    }
  });
  // The indexer thread gets there by itself, in chunks.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (indexed() != 1200 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));  // polling a deadline
  }
  EXPECT_EQ(indexed(), 1200);
  EXPECT_EQ(db->read([](Connection& c) {
              return scalar(c, "SELECT upto FROM messages_fts_state");
            }),
            db->read([](Connection& c) { return scalar(c, "SELECT max(id) FROM messages"); }));

  // Closing a dialog indexes what is pending in the same transaction (insert and close are one
  // job here, so the indexer thread cannot have done it).
  db->writeSync([](Connection& c) {
    c.exec(
        "INSERT INTO dialogs (id, site_id, visitor_id, created_at, last_message_at) "
        "VALUES (2, 'shop', 2, 1, 1)");
  });
  repo->write([](DialogTx& tx) {
    tx.insertMessage(textMessage(2, 1, "z", "закрытие"));
    tx.closeDialog(2, 10);
  });
  EXPECT_EQ(db->read([](Connection& c) {
              return scalar(c, "SELECT count(*) FROM messages_fts WHERE messages_fts MATCH 'закрытие'");
            }),
            1);
}

TEST_F(DialogRepositoryTest, VisitorInfoRoundTripsThroughJson) {
  dialogs::VisitorInfo info;
  info.name = "Анна \"Ann\" \\ O'Brien";
  info.email = "a@example.com";
  info.userAgent = "Mozilla/5.0 (X11)";
  info.custom = {{"корзина", "3 items\nтовара"}, {"tab\tkey", "\x01"}};
  std::int64_t id = 0;
  repo->write([&](DialogTx& tx) { id = tx.createVisitor("shop", "h3", info, 7); });
  repo->read([&](DialogTx& tx) {
    auto v = tx.visitorByTokenHash("h3");
    ASSERT_TRUE(v);
    EXPECT_EQ(v->id, id);
    EXPECT_EQ(v->info, info);
    EXPECT_EQ(v->lastSeenAt, 7);
  });
  EXPECT_THROW(repo->write([&](DialogTx& tx) { tx.createVisitor("shop", "h3", {}, 8); }),
               StorageError);  // token hashes are unique
}

TEST_F(DialogRepositoryTest, AsyncUnitsCompleteInOrderAfterCommit) {
  constexpr int kUnits = 200;
  std::mutex m;
  std::vector<int> order;
  std::vector<std::string> errors;
  std::promise<void> last;
  for (int i = 0; i < kUnits; ++i) {
    repo->writeAsync(
        [i](DialogTx& tx) {
          if (i == 50) throw std::runtime_error("unit 50 fails alone");
          tx.insertMessage(textMessage(1, i + 1, "a" + std::to_string(i), "async"));
        },
        [&, i](std::exception_ptr error) {
          std::lock_guard lock(m);
          order.push_back(i);
          if (error) errors.push_back(std::to_string(i));
          if (i == kUnits - 1) last.set_value();
        });
  }
  ASSERT_EQ(last.get_future().wait_for(std::chrono::seconds(30)), std::future_status::ready);
  std::lock_guard lock(m);
  ASSERT_EQ(order.size(), static_cast<std::size_t>(kUnits));
  for (int i = 0; i < kUnits; ++i) EXPECT_EQ(order[i], i);
  EXPECT_EQ(errors, std::vector<std::string>{"50"});
  EXPECT_EQ(db->read([](Connection& c) { return scalar(c, "SELECT count(*) FROM messages"); }),
            kUnits - 1);
}

TEST_F(DialogRepositoryTest, DestructionWaitsForQueuedAsyncUnits) {
  std::atomic<int> done{0};
  for (int i = 0; i < 100; ++i) {
    repo->writeAsync(
        [i](DialogTx& tx) { tx.insertMessage(textMessage(1, i + 1, "d" + std::to_string(i), "x")); },
        [&](std::exception_ptr error) { done += error ? 1000 : 1; });
  }
  repo.reset();
  EXPECT_EQ(done.load(), 100);
}

// A child process posts through DialogService from several threads and reports each message's
// cid on a pipe right after postMessage returns; the parent kills it with SIGKILL mid-stream.
// Every reported message must be in the file, exactly once, with gap-free seqs.
TEST(DialogDurability, AcknowledgedMessagesSurviveKill9) {
  testing::TempDir dir;
  const std::string path = dir.file("chat.db");
  seedSite(*Database::open({path}));

  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(fds[0]);
    auto db = Database::open({.path = path, .readers = 1});
    DialogRepository repo(*db);
    NoCrypto crypto;
    dialogs::DialogService chat(repo, crypto, [] { return 100; });
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
      threads.emplace_back([&, t] {
        for (std::int64_t i = 0;; ++i) {
          const std::int64_t cid = t * 1'000'000 + i;
          chat.postMessage(dialogs::VisitorRef{1, "shop"}, 1, std::to_string(cid), "durable");
          if (write(fds[1], &cid, sizeof cid) != sizeof cid) _exit(3);
        }
      });
    }
    for (auto& th : threads) th.join();
    _exit(0);
  }
  close(fds[1]);
  std::set<std::int64_t> acked;
  std::int64_t cid = 0;
  while (acked.size() < 2000 && read(fds[0], &cid, sizeof cid) == sizeof cid) acked.insert(cid);
  kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
      << "the writer ended on its own: " << status;
  // Acks written before the kill are acknowledged too.
  while (read(fds[0], &cid, sizeof cid) == sizeof cid) acked.insert(cid);
  close(fds[0]);
  ASSERT_GE(acked.size(), 2000u);

  auto db = Database::open({path});
  db->read([&](Connection& c) {
    const auto lastSeq = scalar(c, "SELECT last_seq FROM dialogs WHERE id = 1");
    // Gap-free: seqs are exactly 1..last_seq.
    EXPECT_EQ(scalar(c, "SELECT count(*) FROM messages"), lastSeq);
    EXPECT_EQ(scalar(c, "SELECT count(DISTINCT seq) FROM messages"), lastSeq);
    EXPECT_EQ(scalar(c, "SELECT min(seq) FROM messages"), 1);
    EXPECT_EQ(scalar(c, "SELECT max(seq) FROM messages"), lastSeq);
    EXPECT_EQ(scalar(c, "SELECT count(DISTINCT cid) FROM messages"), lastSeq);
    std::size_t missing = 0;
    for (auto id : acked) {
      auto& s = c.prepare("SELECT count(*) FROM messages WHERE cid = ?");
      s.bind(1, std::to_string(id));
      s.step();
      if (s.columnInt64(0) != 1) ++missing;
    }
    EXPECT_EQ(missing, 0u) << "of " << acked.size() << " acknowledged messages";
    EXPECT_GE(lastSeq, static_cast<std::int64_t>(acked.size()));
  });
}

}  // namespace
}  // namespace callpy::storage
