// DialogService::submitOfflineRequest (F7): one transaction stores the dialog, the message, the
// visitor's contact details and one e-mail per address; the same cid changes nothing.
#include <gtest/gtest.h>

#include "core/common/error.h"
#include "dialogs_env.h"

namespace callpy::core::dialogs {
namespace {

using callpy::testing::DialogsEnv;

class OfflineRequestTest : public ::testing::Test {
 protected:
  DialogsEnv env;
  VisitorRef visitor;
  OfflineMailContext mail{{"sales@example.com", "boss@example.com"}, "Ромашка", "ru",
                          "https://chat.example.com/app"};
  void SetUp() override {
    env.addSite("shop", "Ромашка");
    visitor = env.newVisitor("shop");
  }
  OfflineRequest request(const std::string& cid) {
    return {cid, "Анна", "Anna@Example.com", "+7 900", "Перезвоните, пожалуйста"};
  }
};

TEST_F(OfflineRequestTest, StoresTheDialogAndQueuesOneMailPerAddress) {
  auto d = env.chat.submitOfflineRequest(visitor, request("c1"), mail);
  EXPECT_EQ(d.channel, Channel::OfflineForm);
  EXPECT_EQ(d.lastSeq, 1);
  EXPECT_EQ(env.count("SELECT count(*) FROM messages WHERE dialog_id = " + std::to_string(d.id) +
                      " AND body = 'Перезвоните, пожалуйста'"),
            1);
  EXPECT_EQ(env.count("SELECT count(*) FROM outbox WHERE kind = 'mail' AND done_at IS NULL"), 2);
  EXPECT_EQ(env.count("SELECT count(*) FROM outbox WHERE payload LIKE '%/app/dialogs/" +
                      std::to_string(d.id) + "%'"),
            2);
  auto v = env.chat.visitor(visitor, visitor.id);
  EXPECT_EQ(v.info.name, "Анна");
  EXPECT_EQ(v.info.email, "anna@example.com");
}

TEST_F(OfflineRequestTest, TheSameCidReturnsTheSameDialogAndSendsNothingMore) {
  auto first = env.chat.submitOfflineRequest(visitor, request("c1"), mail);
  auto again = env.chat.submitOfflineRequest(visitor, request("c1"), mail);
  EXPECT_EQ(again.id, first.id);
  EXPECT_EQ(env.count("SELECT count(*) FROM outbox"), 2);
  auto other = env.chat.submitOfflineRequest(visitor, request("c2"), mail);
  EXPECT_NE(other.id, first.id);
}

TEST_F(OfflineRequestTest, BadInputIsRefusedWithTheField) {
  auto bad = request("c1");
  bad.email = "not an address";
  try {
    env.chat.submitOfflineRequest(visitor, bad, mail);
    FAIL() << "accepted a bad e-mail";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Invalid);
    EXPECT_EQ(e.field(), "email");
  }
  bad = request("c1");
  bad.text = "   ";
  EXPECT_THROW(env.chat.submitOfflineRequest(visitor, bad, mail), Error);
  EXPECT_EQ(env.count("SELECT count(*) FROM dialogs"), 0);
  EXPECT_EQ(env.count("SELECT count(*) FROM outbox"), 0);
}

TEST_F(OfflineRequestTest, WithoutAddressesTheRequestIsStillKept) {
  mail.to.clear();
  auto d = env.chat.submitOfflineRequest(visitor, request("c1"), mail);
  EXPECT_GT(d.id, 0);
  EXPECT_EQ(env.count("SELECT count(*) FROM outbox"), 0);
}

}  // namespace
}  // namespace callpy::core::dialogs
