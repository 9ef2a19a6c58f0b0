// DialogService: visitor identity, idempotent posting, gap-free seq, resume, async acks and
// durability, over the real SQLite repository.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <set>
#include <thread>
#include <vector>

#include "core/dialogs/text.h"
#include "dialogs_env.h"

namespace callpy::core::dialogs {
namespace {

using accounts::Role;
using testing::DialogsEnv;
using testing::errorOf;

class DialogMessages : public ::testing::Test {
 protected:
  DialogsEnv env;
  std::int64_t op = 0;
  VisitorRef visitor;
  Dialog dialog;
  void SetUp() override {
    env.addSite("shop", "Shop");
    op = env.addUser("op@example.com", "operator password", "shop", Role::Operator);
    visitor = env.newVisitor("shop");
    dialog = env.chat.openDialog(visitor);
  }
  accounts::Principal opPrincipal() { return env.principalOf(op); }
};

TEST_F(DialogMessages, VisitorTokenIsStoredOnlyAsItsHash) {
  auto created = env.chat.createVisitor("shop", {.name = "Анна", .custom = {{"order", "42"}}});
  EXPECT_GE(created.token.size(), 43u);  // 256 bits, base64url
  EXPECT_EQ(env.count("SELECT count(*) FROM visitors WHERE token_hash = '" +
                      env.crypto.sha256Hex(created.token) + "'"),
            1);
  EXPECT_EQ(env.count("SELECT count(*) FROM visitors WHERE instr(token_hash, '" + created.token +
                      "') > 0 OR instr(info, '" + created.token + "') > 0"),
            0);

  auto v = env.chat.authenticateVisitor("shop", created.token);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->id, created.visitor.id);
  EXPECT_EQ(v->info.name, "Анна");
  ASSERT_EQ(v->info.custom.size(), 1u);
  EXPECT_EQ(v->info.custom[0], (std::pair<std::string, std::string>{"order", "42"}));

  env.addSite("other");
  EXPECT_FALSE(env.chat.authenticateVisitor("other", created.token));
  EXPECT_FALSE(env.chat.authenticateVisitor("shop", created.token + "x"));
  EXPECT_FALSE(env.chat.authenticateVisitor("shop", ""));
  EXPECT_EQ(errorOf([&] { env.chat.createVisitor("nowhere", {}); }), ErrorCode::NotFound);
}

TEST_F(DialogMessages, OpenDialogReturnsTheOpenOneUntilItCloses) {
  EXPECT_EQ(env.chat.openDialog(visitor).id, dialog.id);
  EXPECT_EQ(dialog.status, DialogStatus::Open);
  EXPECT_EQ(dialog.lastSeq, 0);
  env.chat.closeDialog(visitor, dialog.id);
  auto next = env.chat.openDialog(visitor);
  EXPECT_NE(next.id, dialog.id);
  EXPECT_EQ(env.chat.openDialog(visitor).id, next.id);
}

TEST_F(DialogMessages, SameCidTwiceGivesTheOriginalAndOneRow) {
  auto first = env.chat.postMessage(visitor, dialog.id, "c-1", "  Hello  ");
  EXPECT_FALSE(first.duplicate);
  EXPECT_EQ(first.message.seq, 1);
  EXPECT_EQ(first.message.body, "Hello");
  EXPECT_EQ(first.message.authorKind, AuthorKind::Visitor);
  EXPECT_EQ(first.message.authorId, visitor.id);

  env.now += 5;
  auto again = env.chat.postMessage(visitor, dialog.id, "c-1", "different text on retry");
  EXPECT_TRUE(again.duplicate);
  EXPECT_EQ(again.message.id, first.message.id);
  EXPECT_EQ(again.message.seq, 1);
  EXPECT_EQ(again.message.body, "Hello");
  EXPECT_EQ(again.message.createdAt, first.message.createdAt);
  EXPECT_EQ(env.count("SELECT count(*) FROM messages"), 1);
  EXPECT_EQ(env.chat.dialog(visitor, dialog.id).lastSeq, 1);

  // The same cid from another author is another message.
  auto fromOp = env.chat.postMessage(opPrincipal(), dialog.id, "c-1", "Hi");
  EXPECT_FALSE(fromOp.duplicate);
  EXPECT_EQ(fromOp.message.seq, 2);
  EXPECT_EQ(fromOp.message.authorKind, AuthorKind::Operator);
  EXPECT_EQ(fromOp.message.authorId, op);
}

TEST_F(DialogMessages, RetryAfterCloseStillGetsTheOriginalButNewTextIsRefused) {
  auto first = env.chat.postMessage(visitor, dialog.id, "c-1", "before close");
  env.chat.closeDialog(opPrincipal(), dialog.id);
  auto again = env.chat.postMessage(visitor, dialog.id, "c-1", "before close");
  EXPECT_TRUE(again.duplicate);
  EXPECT_EQ(again.message.id, first.message.id);
  EXPECT_EQ(errorOf([&] { env.chat.postMessage(visitor, dialog.id, "c-2", "after"); }),
            ErrorCode::Conflict);
}

TEST_F(DialogMessages, SeqIsGapFreeUnder32ConcurrentPosters) {
  constexpr int kPosters = 32;
  constexpr int kEach = 40;
  const auto opP = opPrincipal();
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  std::vector<std::vector<std::int64_t>> seqs(kPosters);
  for (int t = 0; t < kPosters; ++t) {
    threads.emplace_back([&, t] {
      // Half post as the visitor, half as the operator; each retries one cid to mix duplicates in.
      const Actor actor = t % 2 ? Actor(opP) : Actor(visitor);
      for (int i = 0; i < kEach; ++i) {
        const auto cid = "t" + std::to_string(t) + "-" + std::to_string(i);
        try {
          auto r = env.chat.postMessage(actor, dialog.id, cid, "message " + cid);
          if (r.duplicate) ++failures;
          seqs[t].push_back(r.message.seq);
          if (i == 0 && env.chat.postMessage(actor, dialog.id, cid, "retry").message.seq !=
                            r.message.seq) {
            ++failures;
          }
        } catch (...) {
          ++failures;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  ASSERT_EQ(failures.load(), 0);

  constexpr int kTotal = kPosters * kEach;
  auto page = env.chat.messagesSince(visitor, dialog.id, 0, kMaxPage);
  EXPECT_EQ(page.lastSeq, kTotal);
  std::vector<Message> all = page.messages;
  while (static_cast<int>(all.size()) < kTotal) {
    auto more = env.chat.messagesSince(visitor, dialog.id, all.back().seq, kMaxPage);
    ASSERT_FALSE(more.messages.empty());
    all.insert(all.end(), more.messages.begin(), more.messages.end());
  }
  ASSERT_EQ(static_cast<int>(all.size()), kTotal);
  std::set<std::string> cids;
  for (int i = 0; i < kTotal; ++i) {
    EXPECT_EQ(all[i].seq, i + 1);
    cids.insert(all[i].cid);
  }
  EXPECT_EQ(static_cast<int>(cids.size()), kTotal);
  // Each poster waited for its ack before the next post, so its own seqs increase.
  for (const auto& own : seqs) {
    EXPECT_TRUE(std::is_sorted(own.begin(), own.end()));
  }
  EXPECT_EQ(env.count("SELECT count(*) FROM messages"), kTotal);
}

TEST_F(DialogMessages, ResumeReturnsExactlyTheMissingMessagesInOrder) {
  for (int i = 1; i <= 10; ++i) {
    env.chat.postMessage(i % 3 ? Actor(visitor) : Actor(opPrincipal()), dialog.id,
                         "c" + std::to_string(i), "m" + std::to_string(i));
  }
  auto page = env.chat.messagesSince(visitor, dialog.id, 6, 100);
  EXPECT_EQ(page.lastSeq, 10);
  ASSERT_EQ(page.messages.size(), 4u);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(page.messages[i].seq, 7 + i);
    EXPECT_EQ(page.messages[i].body, "m" + std::to_string(7 + i));
  }
  auto limited = env.chat.messagesSince(opPrincipal(), dialog.id, 6, 2);
  ASSERT_EQ(limited.messages.size(), 2u);
  EXPECT_EQ(limited.messages[1].seq, 8);
  EXPECT_EQ(limited.lastSeq, 10);
  EXPECT_TRUE(env.chat.messagesSince(visitor, dialog.id, 10, 100).messages.empty());
  EXPECT_EQ(env.chat.messagesSince(visitor, dialog.id, -5, 100).messages.size(), 10u);
}

TEST_F(DialogMessages, AsyncPostCompletesAfterCommitAndInOrder) {
  std::mutex m;
  std::vector<std::int64_t> seqs;
  testing::Eventually<bool> allDone;
  constexpr int kPosts = 20;
  for (int i = 0; i < kPosts; ++i) {
    env.chat.postMessageAsync(
        visitor, dialog.id, "a" + std::to_string(i % 10), "async " + std::to_string(i),
        [&, i](std::optional<PostResult> r, std::exception_ptr error) {
          std::lock_guard lock(m);
          if (error || !r) {
            seqs.push_back(-1);
          } else {
            seqs.push_back(r->message.seq);
            // Committed: a fresh connection to the file already sees it.
            if (env.count("SELECT count(*) FROM messages WHERE id = " +
                          std::to_string(r->message.id)) != 1) {
              seqs.back() = -2;
            }
            if (r->duplicate != (i >= 10)) seqs.back() = -3;
          }
          if (seqs.size() == kPosts) allDone.set(true);
        });
  }
  ASSERT_TRUE(allDone.get());
  std::lock_guard lock(m);
  for (int i = 0; i < kPosts; ++i) EXPECT_EQ(seqs[i], i % 10 + 1) << i;

  testing::Eventually<ErrorCode> failed;
  env.chat.postMessageAsync(visitor, dialog.id + 1000, "x", "nowhere",
                            [&](std::optional<PostResult> r, std::exception_ptr error) {
                              try {
                                if (error) std::rethrow_exception(error);
                                failed.set(ErrorCode::Internal);
                              } catch (const Error& e) {
                                failed.set(r ? ErrorCode::Internal : e.code());
                              }
                            });
  EXPECT_EQ(failed.get(), ErrorCode::NotFound);
  EXPECT_EQ(errorOf([&] { env.chat.postMessageAsync(visitor, dialog.id, "x", " ", {}); }),
            ErrorCode::Invalid);
}

TEST_F(DialogMessages, TextAndCidAreChecked) {
  auto post = [&](const std::string& cid, const std::string& text) {
    return errorOf([&] { env.chat.postMessage(visitor, dialog.id, cid, text); });
  };
  EXPECT_EQ(post("c", ""), ErrorCode::Invalid);
  EXPECT_EQ(post("c", " \n\t\u00a0\u3000"), ErrorCode::Invalid);
  EXPECT_EQ(post("c", "bad \xff utf-8"), ErrorCode::Invalid);
  EXPECT_EQ(post("c", "\xc0\xaf overlong"), ErrorCode::Invalid);
  EXPECT_EQ(post("c", std::string("nul \0 inside", 12)), ErrorCode::Invalid);
  std::string limit;
  for (std::size_t i = 0; i < kMaxMessageCodePoints; ++i) limit += "ж";  // 2 bytes each
  EXPECT_EQ(post("c", limit + "ж"), ErrorCode::TooLarge);
  EXPECT_EQ(post("", "text"), ErrorCode::Invalid);
  EXPECT_EQ(post(std::string(65, 'a'), "text"), ErrorCode::Invalid);
  EXPECT_EQ(post("a b", "text"), ErrorCode::Invalid);
  EXPECT_EQ(env.count("SELECT count(*) FROM messages"), 0);

  EXPECT_EQ(post("c", limit), std::nullopt);
  EXPECT_EQ(post("emoji", "line one\nline two 😀"), std::nullopt);
  EXPECT_EQ(env.chat.messagesSince(visitor, dialog.id, 1, 5).messages.at(0).body,
            "line one\nline two 😀");
}

TEST_F(DialogMessages, SystemMessagesTakeTheNextSeq) {
  env.chat.postMessage(visitor, dialog.id, "c1", "hi");
  auto m = env.chat.postSystemMessage(dialog.id, "transferred");
  EXPECT_EQ(m.seq, 2);
  EXPECT_EQ(m.authorKind, AuthorKind::System);
  EXPECT_EQ(m.kind, MessageKind::System);
  auto m2 = env.chat.postSystemMessage(dialog.id, "transferred");
  EXPECT_EQ(m2.seq, 3);  // no cid, so never taken for a duplicate
  EXPECT_EQ(env.chat.messagesSince(visitor, dialog.id, 0, 10).messages.at(1).cid, "");
}

TEST_F(DialogMessages, AnAcknowledgedMessageIsInTheFileForANewDatabase) {
  auto r = env.chat.postMessage(visitor, dialog.id, "durable-1", "Сохранено на диске");
  // Another Database over the same file while the first is still running...
  {
    auto other = storage::Database::open({.path = env.db->path(), .readers = 1});
    storage::DialogRepository repo(*other);
    DialogService chat(repo, env.crypto, [] { return 0; });
    auto page = chat.messagesSince(visitor, dialog.id, 0, 10);
    ASSERT_EQ(page.messages.size(), 1u);
    EXPECT_EQ(page.messages[0].id, r.message.id);
    EXPECT_EQ(page.messages[0].body, "Сохранено на диске");
  }
}

}  // namespace
}  // namespace callpy::core::dialogs
