// Chat settings of a site (issue 4 §4): validation, storage, per-operator limits, routing with
// the limits they give, and the first-response bookkeeping the re-offer timer reads.
#include <gtest/gtest.h>

#include "../dialogs/dialogs_env.h"
#include "core/routing/router.h"
#include "shop_team_fixture.h"
#include "storage/first_response_repository.h"

namespace callpy::core::sites {
namespace {

using accounts::Principal;
using accounts::Role;
using testing::DialogsEnv;
using testing::errorOf;

class ChatSettingsTest : public testing::ShopTeamTest<DialogsEnv> {};

TEST(ChatSettingsCheck, Bounds) {
  EXPECT_FALSE(checkChatSettings(0, 0));
  EXPECT_FALSE(checkChatSettings(kMaxFirstResponseSeconds, kMaxDialogLimit));
  EXPECT_EQ(checkChatSettings(-1, 0)->first, "first_response_seconds");
  EXPECT_EQ(checkChatSettings(kMaxFirstResponseSeconds + 1, 0)->first, "first_response_seconds");
  EXPECT_EQ(checkChatSettings(0, -1)->first, "dialog_limit");
  EXPECT_EQ(checkChatSettings(0, kMaxDialogLimit + 1)->first, "dialog_limit");
}

TEST_F(ChatSettingsTest, DefaultsMatchTheSchema) {
  auto s = env.sites.get(sys, "shop").site;
  EXPECT_EQ(s.chat, ChatSettings{});
  EXPECT_TRUE(s.chat.typingPreview);
  EXPECT_EQ(s.chat.firstResponseSeconds, 60);
}

TEST_F(ChatSettingsTest, AdminChangesAreStoredAndReadBack) {
  auto dep = env.sites.createDepartment(sys, "shop", "Sales", "sales");
  SiteChanges c;
  c.typingPreview = false;
  c.firstResponseSeconds = 15;
  c.dialogLimit = 3;
  c.prechatDepartments = false;
  c.defaultDepartmentId = std::optional<std::int64_t>{dep.id};
  auto v = env.sites.update(as(admin), "shop", c);
  ChatSettings want{false, 15, 3, false, dep.id};
  EXPECT_EQ(v.site.chat, want);
  EXPECT_EQ(env.sites.get(as(op), "shop").site.chat, want);
  // Other fields stay; clearing the default department works.
  SiteChanges clear;
  clear.defaultDepartmentId = std::optional<std::int64_t>{};
  EXPECT_FALSE(env.sites.update(as(owner), "shop", clear).site.chat.defaultDepartmentId);
  EXPECT_EQ(env.sites.get(sys, "shop").site.chat.dialogLimit, 3);
  // Deleting the department clears the default (ON DELETE SET NULL).
  env.sites.update(as(owner), "shop", c);
  env.sites.deleteDepartment(sys, "shop", "sales");
  EXPECT_FALSE(env.sites.get(sys, "shop").site.chat.defaultDepartmentId);
}

// F21: incoming call settings beside the chat settings.
TEST_F(ChatSettingsTest, CallSettingsAreStoredAndChecked) {
  EXPECT_EQ(env.sites.get(sys, "shop").site.calls, CallSettings{});
  SiteChanges c;
  c.callsEnabled = false;
  c.ringMode = RingMode::Sequential;
  c.ringTimeoutSeconds = 45;
  c.afterHours = AfterHoursCall::Callback;
  auto v = env.sites.update(as(admin), "shop", c);
  CallSettings want{false, RingMode::Sequential, 45, AfterHoursCall::Callback};
  EXPECT_EQ(v.site.calls, want);
  EXPECT_EQ(env.sites.get(as(op), "shop").site.calls, want);
  EXPECT_EQ(env.sites.chatContext("shop").site.calls, want);
  EXPECT_EQ(env.sites.get(sys, "other").site.calls, CallSettings{});
  for (int bad : {kMinRingTimeoutSeconds - 1, kMaxRingTimeoutSeconds + 1}) {
    SiteChanges b;
    b.ringTimeoutSeconds = bad;
    try {
      env.sites.update(as(owner), "shop", b);
      FAIL() << "accepted " << bad;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::Invalid);
      EXPECT_EQ(e.field(), "ring_timeout_seconds");
    }
  }
  SiteChanges on;
  on.callsEnabled = true;
  EXPECT_EQ(errorOf([&] { env.sites.update(as(op), "shop", on); }), ErrorCode::Forbidden);
  EXPECT_EQ(env.sites.get(sys, "shop").site.calls.ringTimeoutSeconds, 45);
  EXPECT_EQ(parseRingMode("sequential"), RingMode::Sequential);
  EXPECT_FALSE(parseRingMode("Sequential"));
  EXPECT_EQ(std::string(afterHoursName(AfterHoursCall::Callback)), "callback");
  EXPECT_FALSE(parseAfterHours(""));
}

TEST_F(ChatSettingsTest, BadValuesAndRolesAreRefused) {
  SiteChanges bad;
  bad.dialogLimit = -2;
  try {
    env.sites.update(as(owner), "shop", bad);
    FAIL() << "accepted a negative limit";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Invalid);
    EXPECT_EQ(e.field(), "dialog_limit");
  }
  SiteChanges slow;
  slow.firstResponseSeconds = kMaxFirstResponseSeconds + 1;
  EXPECT_EQ(errorOf([&] { env.sites.update(as(owner), "shop", slow); }), ErrorCode::Invalid);
  // Another site's department cannot be the default.
  auto foreign = env.sites.createDepartment(sys, "other", "X", "x");
  SiteChanges cross;
  cross.defaultDepartmentId = std::optional<std::int64_t>{foreign.id};
  EXPECT_EQ(errorOf([&] { env.sites.update(as(owner), "shop", cross); }), ErrorCode::Invalid);
  SiteChanges ok;
  ok.typingPreview = false;
  EXPECT_EQ(errorOf([&] { env.sites.update(as(op), "shop", ok); }), ErrorCode::Forbidden);
  EXPECT_EQ(errorOf([&] { env.sites.update(as(stranger), "shop", ok); }), ErrorCode::Forbidden);
  EXPECT_TRUE(env.sites.get(sys, "shop").site.chat.typingPreview);
}

TEST_F(ChatSettingsTest, ManagedSitesAreReadOnly) {
  env.addSite("managed", "Managed", true);
  env.addUser("m@example.com", "pw-managed", "managed", Role::Owner);
  SiteChanges c;
  c.dialogLimit = 1;
  EXPECT_EQ(errorOf([&] { env.sites.update(sys, "managed", c); }), ErrorCode::Conflict);
  auto m = env.addUser("m2@example.com", "pw-managed", "managed", Role::Operator);
  EXPECT_EQ(errorOf([&] { env.sites.setOperatorLimit(sys, "managed", m, 2); }), ErrorCode::Conflict);
}

TEST_F(ChatSettingsTest, OperatorLimitsOverrideTheSiteLimit) {
  SiteChanges c;
  c.dialogLimit = 2;
  env.sites.update(as(owner), "shop", c);
  env.sites.setOperatorLimit(as(admin), "shop", op, 5);
  env.sites.setOperatorLimit(as(admin), "shop", owner, 0);  // 0: unlimited for the owner
  EXPECT_EQ(env.sites.operatorLimits(as(op), "shop"), (std::map<std::int64_t, int>{{owner, 0}, {op, 5}}));
  auto ctx = env.sites.chatContext("shop");
  EXPECT_EQ(ctx.limitFor(op), 5);
  EXPECT_EQ(ctx.limitFor(owner), 0);
  EXPECT_EQ(ctx.limitFor(admin), 2);
  env.sites.setOperatorLimit(as(owner), "shop", op, std::nullopt);
  EXPECT_EQ(env.sites.chatContext("shop").limitFor(op), 2);

  EXPECT_EQ(errorOf([&] { env.sites.setOperatorLimit(as(op), "shop", op, 9); }), ErrorCode::Forbidden);
  EXPECT_EQ(errorOf([&] { env.sites.setOperatorLimit(as(owner), "shop", stranger, 1); }), ErrorCode::NotFound);
  EXPECT_EQ(errorOf([&] { env.sites.setOperatorLimit(as(owner), "shop", op, -1); }), ErrorCode::Invalid);
  EXPECT_EQ(errorOf([&] { env.sites.operatorLimits(as(stranger), "shop"); }), ErrorCode::Forbidden);
}

// routeNewDialog builds its input exactly like this (chat_routing.cpp).
routing::RouteDecision routeWith(const ChatContext& ctx, std::map<std::int64_t, int> load,
                                 std::optional<std::int64_t> chosen = {}) {
  routing::RoutingInput in;
  for (const auto& d : ctx.departments) in.departments.push_back({d.id, d.operators});
  in.defaultDepartment = ctx.site.chat.defaultDepartmentId;
  in.chosenDepartment = chosen;
  std::int64_t idle = 0;
  for (auto [user, active] : load) {
    in.operators.push_back({user, true, active, ctx.limitFor(user), ++idle});
  }
  return routing::route(in);
}

TEST_F(ChatSettingsTest, RoutingFollowsTheStoredLimitsAndDefaultDepartment) {
  SiteChanges c;
  c.dialogLimit = 1;
  env.sites.update(as(owner), "shop", c);
  // Site limit 1: whoever has a dialog is skipped.
  auto r = routeWith(env.sites.chatContext("shop"), {{owner, 1}, {op, 0}});
  EXPECT_EQ(r.assignee, op);
  r = routeWith(env.sites.chatContext("shop"), {{owner, 1}, {op, 1}});
  EXPECT_EQ(r.reason, routing::RouteReason::AllAtLimit);
  // The owner's own limit of 3 lets it take more.
  env.sites.setOperatorLimit(as(owner), "shop", owner, 3);
  EXPECT_EQ(routeWith(env.sites.chatContext("shop"), {{owner, 2}, {op, 1}}).assignee, owner);

  // The default department gets unchosen dialogs even when busier; a choice overrides it.
  auto sales = env.sites.createDepartment(sys, "shop", "Sales", "sales");
  auto support = env.sites.createDepartment(sys, "shop", "Support", "support");
  env.sites.updateDepartment(sys, "shop", "sales", std::nullopt, std::vector<std::int64_t>{op});
  env.sites.updateDepartment(sys, "shop", "support", std::nullopt, std::vector<std::int64_t>{owner});
  SiteChanges d;
  d.defaultDepartmentId = std::optional<std::int64_t>{support.id};
  d.dialogLimit = 0;
  env.sites.update(as(owner), "shop", d);
  EXPECT_EQ(routeWith(env.sites.chatContext("shop"), {{owner, 2}, {op, 0}}).assignee, owner);
  EXPECT_EQ(routeWith(env.sites.chatContext("shop"), {{owner, 0}, {op, 2}}, sales.id).assignee, op);
}

TEST_F(ChatSettingsTest, FirstResponseBookkeeping) {
  storage::FirstResponseRepository store(*env.db);
  auto v = env.newVisitor("shop");
  auto d = env.chat.openDialog(v);
  env.chat.assign(sys, d.id, op);
  auto list = store.unanswered();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].dialogId, d.id);
  EXPECT_EQ(list[0].siteId, "shop");
  EXPECT_EQ(list[0].createdAt, env.now);
  EXPECT_EQ(list[0].assignee, op);
  EXPECT_EQ(list[0].firstResponseSeconds, 60);
  EXPECT_FALSE(list[0].reofferedAt);

  // The visitor writing does not count as an answer.
  env.chat.postMessage(v, d.id, "v1", "hello");
  ASSERT_TRUE(store.unansweredDialog(d.id));

  env.now += 61;
  EXPECT_TRUE(store.markReoffered(d.id, env.now));
  EXPECT_FALSE(store.markReoffered(d.id, env.now + 1)) << "offered once";
  EXPECT_EQ(store.unansweredDialog(d.id)->reofferedAt, env.now);

  env.now += 5;
  env.chat.postMessage(env.principalOf(op), d.id, "o1", "Здравствуйте");
  EXPECT_FALSE(store.unansweredDialog(d.id));
  EXPECT_TRUE(store.unanswered().empty());
  EXPECT_EQ(env.count("SELECT first_response_at FROM dialogs WHERE id = " + std::to_string(d.id)), env.now);
  env.now += 5;
  env.chat.postMessage(env.principalOf(op), d.id, "o2", "second");
  EXPECT_EQ(env.count("SELECT first_response_at FROM dialogs WHERE id = " + std::to_string(d.id)), env.now - 5)
      << "the first answer is kept";

  // Closed dialogs are never offered.
  auto v2 = env.newVisitor("shop");
  auto d2 = env.chat.openDialog(v2);
  env.chat.closeDialog(sys, d2.id);
  EXPECT_FALSE(store.unansweredDialog(d2.id));
  EXPECT_FALSE(store.markReoffered(d2.id, env.now));
}

}  // namespace
}  // namespace callpy::core::sites
