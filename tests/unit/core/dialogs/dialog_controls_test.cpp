// Dialog controls added for the panel (F17): transfer to a department, the Blocked list, the
// transcript e-mail queued in the outbox, and operator preferences (F5 toggles, quick buttons).
#include <gtest/gtest.h>

#include "core/accounts/preferences.h"
#include "shop_and_blog_fixture.h"
#include "storage/preference_repository.h"

namespace callpy::core::dialogs {
namespace {

using accounts::Role;
using testing::DialogsEnv;
using testing::errorOf;

class DialogControls : public testing::ShopAndBlogTest {
 protected:
  VisitorRef carol;
  TranscriptContext context;
  void SetUp() override {
    ShopAndBlogTest::SetUp();
    carol = env.newVisitor("blog");
    context.siteName = "Shop";
    context.language = "ru";
    context.operatorNames[shopOp] = "Анна";
  }
  std::int64_t department(const std::string& site, const std::string& name) {
    return env.sites.createDepartment(env.system(), site, name, "").id;
  }
};

TEST_F(DialogControls, TransferToADepartmentOfTheSameSiteOnly) {
  auto sales = department("shop", "Sales");
  auto press = department("blog", "Press");
  auto d = env.chat.openDialog(alice);
  EXPECT_EQ(env.chat.setDepartment(as(shopOp), d.id, sales).departmentId, sales);
  EXPECT_EQ(env.chat.dialog(alice, d.id).departmentId, sales);
  EXPECT_EQ(errorOf([&] { env.chat.setDepartment(as(shopOp), d.id, press); }), ErrorCode::Invalid);
  EXPECT_EQ(errorOf([&] { env.chat.setDepartment(as(blogOp), d.id, sales); }), ErrorCode::NotFound);
  env.chat.closeDialog(as(shopOp), d.id);
  EXPECT_EQ(errorOf([&] { env.chat.setDepartment(as(shopOp), d.id, sales); }), ErrorCode::Conflict);
}

TEST_F(DialogControls, BlockedListShowsOnlyTheCallersSites) {
  env.chat.setVisitorBlocked(as(shopOp), alice.id, true);
  env.chat.setVisitorBlocked(as(blogOp), carol.id, true);
  EXPECT_EQ(errorOf([&] { env.chat.setVisitorBlocked(as(blogOp), alice.id, false); }),
            ErrorCode::NotFound);
  auto mine = env.chat.blockedVisitors(as(shopOp), "");
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0].id, alice.id);
  EXPECT_EQ(errorOf([&] { env.chat.blockedVisitors(as(shopOp), "blog"); }), ErrorCode::Forbidden);
  EXPECT_EQ(env.chat.blockedVisitors(env.system(), "").size(), 2u);
  env.chat.setVisitorBlocked(as(shopOp), alice.id, false);
  EXPECT_TRUE(env.chat.blockedVisitors(as(shopOp), "").empty());
}

TEST_F(DialogControls, ABlockedVisitorCannotSendTheOfflineFormEither) {
  env.chat.setVisitorBlocked(as(shopOp), alice.id, true);
  EXPECT_EQ(errorOf([&] {
              env.chat.submitOfflineRequest(alice, {"c1", "", "a@example.com", "", "hi"},
                                            {{"x@example.com"}, "Shop", "ru", "https://x/app"});
            }),
            ErrorCode::Forbidden);
}

TEST_F(DialogControls, InviteAddsAnInvitedParticipantOfTheSiteOnly) {
  auto second = env.addUser("second@example.com", "operator password", "shop", Role::Operator);
  auto d = env.chat.openDialog(alice);
  env.chat.assign(as(shopOp), d.id, shopOp);
  env.chat.invite(as(shopOp), d.id, second);
  env.chat.invite(as(shopOp), d.id, second);  // twice: no change
  auto people = env.chat.participants(as(second), d.id);
  ASSERT_EQ(people.size(), 2u);
  EXPECT_EQ(people[1].userId, second);
  EXPECT_EQ(people[1].role, ParticipantRole::Invited);
  EXPECT_EQ(errorOf([&] { env.chat.invite(as(shopOp), d.id, blogOp); }), ErrorCode::Invalid);
  EXPECT_EQ(errorOf([&] { env.chat.invite(as(blogOp), d.id, blogOp); }), ErrorCode::NotFound);
  // The invited operator can write in the dialog.
  EXPECT_FALSE(env.chat.postMessage(as(second), d.id, "s1", "Здравствуйте").duplicate);
}

TEST_F(DialogControls, TranscriptIsQueuedWithTimesAuthorsAndMessages) {
  env.chat.updateVisitorInfo(alice, {.name = "Алиса", .email = "Alice@Example.com"});
  auto d = env.chat.openDialog(alice);
  env.chat.postMessage(alice, d.id, "v1", "Где мой заказ?");
  env.chat.postMessage(as(shopOp), d.id, "o1", "Уже в пути");
  auto to = env.chat.queueTranscript(as(shopOp), d.id, "", context);
  EXPECT_EQ(to, "alice@example.com");
  auto mails = env.mails();
  ASSERT_EQ(mails.size(), 1u);
  const auto& payload = mails[0].payload;
  EXPECT_NE(payload.find("alice@example.com"), std::string::npos);
  EXPECT_NE(payload.find("[2023-11-14 22:13:20] Алиса: Где мой заказ?"), std::string::npos) << payload;
  EXPECT_NE(payload.find("Анна: Уже в пути"), std::string::npos) << payload;
  EXPECT_NE(payload.find("Переписка"), std::string::npos);

  context.language = "en";
  env.chat.queueTranscript(as(shopOp), d.id, "boss@example.com", context);
  EXPECT_NE(env.mails()[1].payload.find("Transcript of dialog"), std::string::npos);
}

TEST_F(DialogControls, TranscriptNeedsAnAddressAndAccess) {
  auto d = env.chat.openDialog(alice);
  EXPECT_EQ(errorOf([&] { env.chat.queueTranscript(as(shopOp), d.id, "", context); }),
            ErrorCode::Invalid);
  EXPECT_EQ(errorOf([&] { env.chat.queueTranscript(as(shopOp), d.id, "nope", context); }),
            ErrorCode::Invalid);
  EXPECT_EQ(errorOf([&] { env.chat.queueTranscript(as(blogOp), d.id, "a@example.com", context); }),
            ErrorCode::NotFound);
  EXPECT_TRUE(env.mails().empty());
}

TEST_F(DialogControls, PreferencesAreValidatedMergedAndKeptPerOperator) {
  storage::PreferenceRepository repo{*env.db};
  accounts::PreferencesService prefs{repo};
  auto fresh = prefs.get(as(shopOp));
  EXPECT_TRUE(fresh.sound);
  EXPECT_TRUE(fresh.notify.at("visitor"));
  EXPECT_TRUE(fresh.quickButtons.empty());

  accounts::PreferencesPatch patch;
  patch.notify["message"] = false;
  patch.sound = false;
  patch.quickButtons = std::vector<std::string>{"transcript", "block"};
  prefs.update(as(shopOp), patch);
  auto stored = prefs.get(as(shopOp));
  EXPECT_FALSE(stored.notify.at("message"));
  EXPECT_TRUE(stored.notify.at("dialog"));
  EXPECT_FALSE(stored.sound);
  EXPECT_EQ(stored.quickButtons, (std::vector<std::string>{"transcript", "block"}));
  EXPECT_TRUE(prefs.get(as(blogOp)).sound);  // per operator

  accounts::PreferencesPatch bad;
  bad.quickButtons = std::vector<std::string>{"<script>"};
  EXPECT_EQ(errorOf([&] { prefs.update(as(shopOp), bad); }), ErrorCode::Invalid);
  bad.quickButtons = std::vector<std::string>{"block", "block"};
  EXPECT_EQ(errorOf([&] { prefs.update(as(shopOp), bad); }), ErrorCode::Invalid);
  accounts::PreferencesPatch badEvent;
  badEvent.notify["calls"] = true;
  EXPECT_EQ(errorOf([&] { prefs.update(as(shopOp), badEvent); }), ErrorCode::Invalid);
  EXPECT_EQ(prefs.get(as(shopOp)).quickButtons.size(), 2u);  // nothing changed
  EXPECT_EQ(errorOf([&] { prefs.get(env.system()); }), ErrorCode::Forbidden);
}

}  // namespace
}  // namespace callpy::core::dialogs
