// QuickReplyService over the real SQLite repository: who sees and changes which reply, input
// checks, derived titles and the per-owner cap.
#include <gtest/gtest.h>

#include "../accounts/accounts_env.h"
#include "core/quick_replies/quick_reply_service.h"
#include "storage/quick_reply_repository.h"

namespace callpy::core::quick_replies {
namespace {

using accounts::Role;
using testing::errorOf;

class QuickReplies : public ::testing::Test {
 protected:
  testing::ServiceEnv env;
  storage::QuickReplyRepository repo{*env.db};
  QuickReplyService service{repo, [this] { return env.now; }};
  std::int64_t anna = 0, boris = 0, admin = 0, blogOp = 0;
  void SetUp() override {
    env.addSite("shop");
    env.addSite("blog");
    anna = env.addUser("anna@example.com", "password one", "shop", Role::Operator);
    boris = env.addUser("boris@example.com", "password two", "shop", Role::Operator);
    admin = env.addUser("admin@example.com", "password three", "shop", Role::Admin);
    blogOp = env.addUser("blog@example.com", "password four", "blog", Role::Operator);
  }
  accounts::Principal as(std::int64_t user) { return env.principalOf(user); }
  std::vector<std::string> titles(std::int64_t user, const std::string& site = "") {
    std::vector<std::string> out;
    for (const auto& r : service.list(as(user), site)) out.push_back(r.title);
    return out;
  }
};

TEST_F(QuickReplies, OwnRepliesArePrivateAndSharedOnesReachTheWholeSite) {
  service.create(as(anna), {"shop", "Доставка", "Доставим завтра", false});
  service.create(as(admin), {"shop", "Привет", "Здравствуйте! Чем помочь?", true});
  service.create(as(blogOp), {"blog", "Blog", "Read our blog", false});

  EXPECT_EQ(titles(anna), (std::vector<std::string>{"Привет", "Доставка"}));  // shared first
  EXPECT_EQ(titles(boris), (std::vector<std::string>{"Привет"}));
  EXPECT_EQ(titles(blogOp), (std::vector<std::string>{"Blog"}));
  EXPECT_EQ(errorOf([&] { service.list(as(blogOp), "shop"); }), ErrorCode::Forbidden);
}

TEST_F(QuickReplies, OnlyAdminsManageSharedRepliesAndOnlyOwnersTheirOwn) {
  EXPECT_EQ(errorOf([&] { service.create(as(anna), {"shop", "", "text", true}); }),
            ErrorCode::Forbidden);
  EXPECT_EQ(errorOf([&] { service.create(as(blogOp), {"shop", "", "text", false}); }),
            ErrorCode::Forbidden);
  auto shared = service.create(as(admin), {"shop", "Hi", "Hello!", true});
  auto own = service.create(as(anna), {"shop", "Mine", "My text", false});

  EXPECT_EQ(errorOf([&] { service.update(as(anna), shared.id, "X", {}); }), ErrorCode::Forbidden);
  EXPECT_EQ(errorOf([&] { service.update(as(boris), own.id, "X", {}); }), ErrorCode::NotFound);
  EXPECT_EQ(errorOf([&] { service.remove(as(blogOp), shared.id); }), ErrorCode::NotFound);
  EXPECT_EQ(errorOf([&] { service.remove(as(anna), 9999); }), ErrorCode::NotFound);

  auto edited = service.update(as(anna), own.id, std::nullopt, std::string("  New text  "));
  EXPECT_EQ(edited.body, "New text");
  EXPECT_EQ(edited.title, "Mine");
  service.remove(as(admin), shared.id);
  EXPECT_EQ(titles(anna), (std::vector<std::string>{"Mine"}));
}

TEST_F(QuickReplies, ChecksTheTextAndDerivesATitleFromTheBody) {
  EXPECT_EQ(errorOf([&] { service.create(as(anna), {"shop", "", "   ", false}); }),
            ErrorCode::Invalid);
  EXPECT_EQ(errorOf([&] { service.create(as(anna), {"shop", std::string(101, 'x'), "b", false}); }),
            ErrorCode::Invalid);
  EXPECT_EQ(errorOf([&] { service.create(as(anna), {"shop", "", std::string(4001, 'x'), false}); }),
            ErrorCode::TooLarge);
  // A starred message is saved without a title: the first line (cut at 40 code points) names it.
  auto starred = service.create(
      as(anna), {"shop", "", "Спасибо за обращение, мы перезвоним вам в течение часа\nВторая", false});
  EXPECT_EQ(starred.title, "Спасибо за обращение, мы перезвоним вам …");
  EXPECT_EQ(service.create(as(anna), {"shop", "", "Short", false}).title, "Short");
}

TEST_F(QuickReplies, CapsRepliesPerOwnerAndSite) {
  for (int i = 0; i < kMaxPerOwner; ++i) {
    service.create(as(anna), {"shop", "", "reply " + std::to_string(i), false});
  }
  EXPECT_EQ(errorOf([&] { service.create(as(anna), {"shop", "", "one more", false}); }),
            ErrorCode::Limit);
  // Others are not affected by anna's cap.
  EXPECT_NO_THROW(service.create(as(boris), {"shop", "", "boris", false}));
}

}  // namespace
}  // namespace callpy::core::quick_replies
