// msg frames (protocol.md): the operator author carries the URL path of their avatar (F6) when
// they have one, and no avatar key otherwise.
#include "realtime/chat_frames.h"

#include <gtest/gtest.h>

namespace callpy::realtime::frames {
namespace {

core::dialogs::Message operatorMessage() {
  core::dialogs::Message m;
  m.id = 5;
  m.dialogId = 3;
  m.seq = 2;
  m.authorKind = core::dialogs::AuthorKind::Operator;
  m.authorId = 10;
  m.body = "Hello";
  m.createdAt = 100;
  return m;
}

TEST(ChatFrames, OperatorMessageCarriesTheAvatarPath) {
  auto f = message(operatorMessage(), "Anna", 42);
  auto author = f->getObject("author");
  ASSERT_TRUE(author);
  EXPECT_EQ(author->getValue<std::string>("name"), "Anna");
  EXPECT_EQ(author->getValue<std::string>("avatar"), "/api/avatars/42");
  EXPECT_NE(text(f).find(R"("avatar":"/api/avatars/42")"), std::string::npos);
}

TEST(ChatFrames, NoAvatarNoKey) {
  auto f = message(operatorMessage(), "Anna");
  EXPECT_FALSE(f->getObject("author")->has("avatar"));
  EXPECT_EQ(text(f).find("avatar"), std::string::npos);
}

}  // namespace
}  // namespace callpy::realtime::frames
