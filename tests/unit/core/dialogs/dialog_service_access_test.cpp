// DialogService: who may touch which dialog, the panel's lists with History search, and the
// dialog controls (close, important, rating, rename, block, assign, invite).
#include <gtest/gtest.h>

#include <algorithm>

#include "shop_and_blog_fixture.h"

namespace callpy::core::dialogs {
namespace {

using accounts::Role;
using testing::DialogsEnv;
using testing::errorOf;

class DialogAccess : public testing::ShopAndBlogTest {
 protected:
  std::int64_t bothOp = 0;
  VisitorRef bob, carol;  // bob on shop (like alice), carol on blog
  void SetUp() override {
    ShopAndBlogTest::SetUp();
    bothOp = env.addUser("both@example.com", "operator password", "shop", Role::Admin);
    env.addMembership(bothOp, "blog", Role::Operator);
    bob = env.newVisitor("shop");
    carol = env.newVisitor("blog");
  }
  std::vector<std::int64_t> ids(const std::vector<DialogSummary>& list) {
    std::vector<std::int64_t> out;
    for (const auto& s : list) out.push_back(s.dialog.id);
    return out;
  }
};

TEST_F(DialogAccess, AVisitorTouchesOnlyItsOwnDialogs) {
  auto d = env.chat.openDialog(alice);
  env.chat.postMessage(alice, d.id, "a1", "private");
  EXPECT_EQ(errorOf([&] { env.chat.postMessage(bob, d.id, "b1", "intrusion"); }),
            ErrorCode::NotFound);
  EXPECT_EQ(errorOf([&] { env.chat.messagesSince(bob, d.id, 0, 10); }), ErrorCode::NotFound);
  EXPECT_EQ(errorOf([&] { env.chat.dialog(bob, d.id); }), ErrorCode::NotFound);
  EXPECT_EQ(errorOf([&] { env.chat.closeDialog(bob, d.id); }), ErrorCode::NotFound);
  EXPECT_EQ(errorOf([&] { env.chat.rate(bob, d.id, 1, ""); }), ErrorCode::NotFound);
  EXPECT_EQ(errorOf([&] { env.chat.visitor(bob, alice.id); }), ErrorCode::NotFound);
  // A forged ref with alice's id but another site is not alice.
  EXPECT_EQ(errorOf([&] { env.chat.messagesSince(VisitorRef{alice.id, "blog"}, d.id, 0, 10); }),
            ErrorCode::NotFound);
  EXPECT_EQ(env.chat.dialog(alice, d.id).lastSeq, 1);
  EXPECT_EQ(env.count("SELECT count(*) FROM messages"), 1);
}

TEST_F(DialogAccess, AnOperatorTouchesOnlyDialogsOfItsEnabledSites) {
  auto shopDialog = env.chat.openDialog(alice);
  auto blogDialog = env.chat.openDialog(carol);
  EXPECT_EQ(errorOf([&] { env.chat.postMessage(as(blogOp), shopDialog.id, "x", "hi"); }),
            ErrorCode::NotFound);
  EXPECT_EQ(errorOf([&] { env.chat.messagesSince(as(blogOp), shopDialog.id, 0, 10); }),
            ErrorCode::NotFound);
  EXPECT_EQ(errorOf([&] { env.chat.closeDialog(as(shopOp), blogDialog.id); }),
            ErrorCode::NotFound);
  EXPECT_EQ(errorOf([&] { env.chat.markImportant(as(shopOp), blogDialog.id, true); }),
            ErrorCode::NotFound);
  EXPECT_EQ(errorOf([&] { env.chat.renameVisitor(as(shopOp), carol.id, "Carol"); }),
            ErrorCode::NotFound);
  EXPECT_NO_THROW(env.chat.postMessage(as(bothOp), shopDialog.id, "x", "hi"));
  EXPECT_NO_THROW(env.chat.postMessage(as(bothOp), blogDialog.id, "x", "hi"));

  // A disabled membership is no access.
  env.accountRepo.write(
      [&](ports::AccountTx& tx) { tx.setMembershipDisabled(bothOp, "blog", true); });
  EXPECT_EQ(errorOf([&] { env.chat.messagesSince(as(bothOp), blogDialog.id, 0, 10); }),
            ErrorCode::NotFound);
  EXPECT_EQ(errorOf([&] { env.chat.listDialogs(as(bothOp), {.siteId = "blog"}); }),
            ErrorCode::Forbidden);
  EXPECT_EQ(ids(env.chat.listDialogs(as(bothOp), {})), std::vector<std::int64_t>{shopDialog.id});

  // Visitors are not operators; the admin socket sees everything but cannot author messages.
  EXPECT_EQ(errorOf([&] { env.chat.renameVisitor(accounts::Principal{}, alice.id, "x"); }),
            ErrorCode::NotFound);
  EXPECT_EQ(env.chat.listDialogs(DialogsEnv::system(), {}).size(), 2u);
  EXPECT_EQ(errorOf([&] { env.chat.postMessage(DialogsEnv::system(), shopDialog.id, "s", "x"); }),
            ErrorCode::Forbidden);
}

TEST_F(DialogAccess, ListsSplitOpenHistoryAndImportant) {
  auto a = env.chat.openDialog(alice);
  env.now += 10;
  auto b = env.chat.openDialog(bob);
  env.chat.postMessage(bob, b.id, "b1", "newest message");
  auto c = env.chat.openDialog(carol);
  env.chat.renameVisitor(as(shopOp), bob.id, " Боб ");
  env.chat.updateVisitorInfo(alice, {.name = "Alice", .email = "alice@example.com"});

  auto open = env.chat.listDialogs(as(shopOp), {.folder = Folder::Open});
  ASSERT_EQ(ids(open), (std::vector<std::int64_t>{b.id, a.id}));
  EXPECT_EQ(open[0].visitorName, "Боб");
  EXPECT_EQ(open[0].lastMessage, "newest message");
  EXPECT_EQ(open[1].visitorName, "Alice");  // no display name: the contact name
  EXPECT_EQ(open[1].lastMessage, "");

  env.now += 10;
  env.chat.closeDialog(as(shopOp), a.id);
  env.chat.markImportant(as(shopOp), b.id, true);
  env.chat.markImportant(as(blogOp), c.id, true);
  EXPECT_EQ(ids(env.chat.listDialogs(as(shopOp), {.folder = Folder::Open})),
            std::vector<std::int64_t>{b.id});
  auto history = env.chat.listDialogs(as(shopOp), {.folder = Folder::History});
  ASSERT_EQ(ids(history), std::vector<std::int64_t>{a.id});
  EXPECT_EQ(history[0].dialog.closedAt, env.now);
  EXPECT_EQ(ids(env.chat.listDialogs(as(shopOp), {.folder = Folder::Important})),
            std::vector<std::int64_t>{b.id});
  EXPECT_EQ(ids(env.chat.listDialogs(as(bothOp), {.folder = Folder::Important})),
            (std::vector<std::int64_t>{c.id, b.id}));
  EXPECT_EQ(env.chat.listDialogs(as(shopOp), {.folder = Folder::Open, .limit = 1, .offset = 1})
                .size(),
            0u);
}

TEST_F(DialogAccess, HistorySearchFindsClosedDialogsByWordsInAnyCase) {
  auto a = env.chat.openDialog(alice);
  env.chat.postMessage(alice, a.id, "a1", "Здравствуйте! Где мой ЗАКАЗ номер 4217?");
  env.chat.postMessage(as(shopOp), a.id, "o1", "Your parcel is on the way");
  env.chat.closeDialog(as(shopOp), a.id);
  auto b = env.chat.openDialog(bob);
  env.chat.postMessage(bob, b.id, "b1", "заказ ещё открыт");  // open: not in History
  auto c = env.chat.openDialog(carol);
  env.chat.postMessage(carol, c.id, "c1", "мой заказ тоже");  // another site
  env.chat.closeDialog(carol, c.id);

  auto search = [&](const std::string& text, std::int64_t user) {
    return ids(env.chat.listDialogs(as(user), {.folder = Folder::History, .search = text}));
  };
  const std::vector<std::int64_t> onlyA{a.id};
  EXPECT_EQ(search("заказ", shopOp), onlyA);
  EXPECT_EQ(search("Заказ", shopOp), onlyA);
  EXPECT_EQ(search("ЗДРАВСТВУЙТЕ", shopOp), onlyA);
  EXPECT_EQ(search("мой заказ", shopOp), onlyA);  // a phrase
  EXPECT_EQ(search("PARCEL", shopOp), onlyA);
  EXPECT_EQ(search("номер 42", shopOp), onlyA);   // the last word as a prefix
  EXPECT_TRUE(search("заказ мой", shopOp).empty());  // words out of order
  EXPECT_TRUE(search("доставка", shopOp).empty());
  EXPECT_TRUE(search("\"", shopOp).empty());
  EXPECT_TRUE(search("NEAR(заказ) OR *", shopOp).empty());  // FTS syntax is just text
  EXPECT_EQ(search("заказ", blogOp), std::vector<std::int64_t>{c.id});
  EXPECT_EQ(search("мой заказ", bothOp), (std::vector<std::int64_t>{c.id, a.id}));
}

TEST_F(DialogAccess, DialogControls) {
  auto d = env.chat.openDialog(alice);
  auto rated = env.chat.rate(alice, d.id, 5, " Отлично ");
  EXPECT_EQ(rated.rating, 5);
  EXPECT_EQ(env.chat.dialog(as(shopOp), d.id).ratingComment, "Отлично");
  EXPECT_EQ(errorOf([&] { env.chat.rate(alice, d.id, 6, ""); }), ErrorCode::Invalid);
  EXPECT_EQ(errorOf([&] { env.chat.rate(alice, d.id, 0, ""); }), ErrorCode::Invalid);

  EXPECT_TRUE(env.chat.markImportant(as(shopOp), d.id, true).important);
  EXPECT_TRUE(env.chat.dialog(alice, d.id).important);
  EXPECT_FALSE(env.chat.markImportant(as(shopOp), d.id, false).important);

  EXPECT_EQ(errorOf([&] { env.chat.assign(as(shopOp), d.id, blogOp); }), ErrorCode::Invalid);
  EXPECT_EQ(env.chat.assign(as(shopOp), d.id, shopOp).assigneeId, shopOp);
  env.chat.invite(as(shopOp), d.id, bothOp);
  env.chat.assign(as(shopOp), d.id, bothOp);  // transfer: the old assignee leaves
  auto people = env.chat.participants(as(shopOp), d.id);
  ASSERT_EQ(people.size(), 1u);
  EXPECT_EQ(people[0].userId, bothOp);
  EXPECT_EQ(people[0].role, ParticipantRole::Assignee);
  EXPECT_EQ(env.chat.dialog(alice, d.id).assigneeId, bothOp);

  EXPECT_EQ(errorOf([&] { env.chat.renameVisitor(as(shopOp), alice.id, std::string(101, 'x')); }),
            ErrorCode::Invalid);
  EXPECT_EQ(env.chat.renameVisitor(as(shopOp), alice.id, "VIP").displayName, "VIP");
  EXPECT_EQ(env.chat.visitor(alice, alice.id).displayName, "VIP");
}

TEST_F(DialogAccess, ABlockedVisitorLosesItsDialogAndCannotOpenOne) {
  auto d = env.chat.openDialog(alice);
  EXPECT_TRUE(env.chat.setVisitorBlocked(as(shopOp), alice.id, true).blockedAt);
  EXPECT_EQ(env.chat.dialog(alice, d.id).status, DialogStatus::Closed);
  EXPECT_EQ(errorOf([&] { env.chat.openDialog(alice); }), ErrorCode::Forbidden);
  EXPECT_EQ(errorOf([&] { env.chat.postMessage(alice, d.id, "x", "hi"); }), ErrorCode::Conflict);
  EXPECT_FALSE(env.chat.setVisitorBlocked(as(shopOp), alice.id, false).blockedAt);
  EXPECT_NE(env.chat.openDialog(alice).id, d.id);
}

TEST_F(DialogAccess, VisitorInfoMergesAndIsChecked) {
  env.chat.updateVisitorInfo(alice, {.name = "Alice", .custom = {{"plan", "pro"}, {"id", "7"}}});
  auto v = env.chat.updateVisitorInfo(
      alice, {.phone = "+7 900 000-00-00", .custom = {{"plan", "max \"quoted\" \\ \n"}}});
  EXPECT_EQ(v.info.name, "Alice");
  EXPECT_EQ(v.info.phone, "+7 900 000-00-00");
  auto stored = env.chat.visitor(as(shopOp), alice.id);
  EXPECT_EQ(stored.info, v.info);
  ASSERT_EQ(stored.info.custom.size(), 2u);
  EXPECT_EQ(stored.info.custom[0].second, "max \"quoted\" \\");
  EXPECT_EQ(errorOf([&] { env.chat.updateVisitorInfo(alice, {.name = "bad\x01"}); }),
            ErrorCode::Invalid);
  EXPECT_EQ(errorOf([&] { env.chat.updateVisitorInfo(alice, {.custom = {{"", "x"}}}); }),
            ErrorCode::Invalid);
  env.now += 60;
  env.chat.touchVisitor(alice);
  EXPECT_EQ(env.chat.visitor(alice, alice.id).lastSeenAt, env.now);
}

}  // namespace
}  // namespace callpy::core::dialogs
