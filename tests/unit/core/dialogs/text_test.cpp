#include "core/dialogs/text.h"

#include <gtest/gtest.h>

#include "core/common/error.h"
#include "core/dialogs/types.h"

namespace callpy::core::dialogs {
namespace {

TEST(DialogText, Utf8IsStrict) {
  EXPECT_EQ(utf8CodePoints(""), 0u);
  EXPECT_EQ(utf8CodePoints("abc"), 3u);
  EXPECT_EQ(utf8CodePoints("Ёж"), 2u);
  EXPECT_EQ(utf8CodePoints("€😀"), 2u);
  EXPECT_EQ(utf8CodePoints("\xf4\x8f\xbf\xbf"), 1u);   // U+10FFFF
  EXPECT_FALSE(utf8CodePoints("\xf4\x90\x80\x80"));    // above U+10FFFF
  EXPECT_FALSE(utf8CodePoints("\xc0\x80"));            // overlong NUL
  EXPECT_FALSE(utf8CodePoints("\xe0\x80\xaf"));        // overlong '/'
  EXPECT_FALSE(utf8CodePoints("\xed\xa0\x80"));        // surrogate U+D800
  EXPECT_FALSE(utf8CodePoints("\x80"));                // lone continuation
  EXPECT_FALSE(utf8CodePoints("\xd0"));                // truncated
  EXPECT_FALSE(utf8CodePoints("\xe2\x82"));            // truncated
  EXPECT_FALSE(utf8CodePoints("\xe2\x28\xa1"));        // bad continuation
  EXPECT_FALSE(utf8CodePoints("\xff"));
}

TEST(DialogText, TrimsAsciiAndUnicodeSpace) {
  EXPECT_EQ(trimSpace("  a b \n"), "a b");
  EXPECT_EQ(trimSpace("\u00a0\u200b\ufeffпривет\u3000"), "привет");
  EXPECT_EQ(trimSpace(" \t "), "");
  EXPECT_EQ(trimSpace("x"), "x");
}

TEST(DialogText, MessageTextRules) {
  EXPECT_EQ(checkMessageText("  hi\r\n there\t"), "hi\r\n there");
  std::string max(kMaxMessageCodePoints, 'a');
  EXPECT_EQ(checkMessageText(" " + max + " "), max);
  try {
    checkMessageText(max + "a");
    FAIL() << "accepted 4001 characters";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::TooLarge);
    EXPECT_EQ(e.field(), "text");
  }
  EXPECT_THROW(checkMessageText("bell \a"), Error);
  EXPECT_THROW(checkMessageText("c1 \xc2\x85 next line is a control"), Error);
  EXPECT_THROW(checkMessageText("\u200b"), Error);
}

TEST(DialogText, CidAndLabels) {
  EXPECT_NO_THROW(checkCid("0b5e-4c:x_y.z"));
  EXPECT_THROW(checkCid(""), Error);
  EXPECT_THROW(checkCid("with space"), Error);
  EXPECT_THROW(checkCid("кириллица"), Error);
  EXPECT_THROW(checkCid(std::string(kMaxCidBytes + 1, 'a')), Error);
  EXPECT_EQ(checkLabel("  Иван  ", 4, "name"), "Иван");
  EXPECT_THROW(checkLabel("Иванов", 4, "name"), Error);
  EXPECT_THROW(checkLabel("a\nb", 10, "name"), Error);
  EXPECT_EQ(checkLabel("a\nb", 10, "comment", true), "a\nb");
}

TEST(DialogTypes, NamesRoundTrip) {
  for (auto k : {AuthorKind::Visitor, AuthorKind::Operator, AuthorKind::System}) {
    EXPECT_EQ(parseAuthorKind(authorKindName(k)), k);
  }
  EXPECT_EQ(parseChannel(channelName(Channel::OfflineForm)), Channel::OfflineForm);
  EXPECT_EQ(parseFolder("history"), Folder::History);
  EXPECT_FALSE(parseFolder("closed"));
  EXPECT_FALSE(parseDialogStatus("Open"));
}

TEST(DialogTypes, ActorAccess) {
  accounts::Principal p;
  p.user = accounts::User{7, "op@example.com", "Op", "en", std::nullopt};
  p.memberships = {{"shop", "Shop", accounts::Role::Operator, false, false},
                   {"blog", "Blog", accounts::Role::Admin, true, false}};
  const Actor op(p);
  EXPECT_FALSE(op.isVisitor());
  EXPECT_EQ(op.id(), 7);
  Dialog d;
  d.siteId = "shop";
  d.visitorId = 3;
  EXPECT_TRUE(op.canAccess(d));
  d.siteId = "blog";
  EXPECT_FALSE(op.canAccess(d));  // disabled membership
  const Actor visitor(VisitorRef{3, "blog"});
  EXPECT_TRUE(visitor.canAccess(d));
  EXPECT_FALSE(Actor(VisitorRef{4, "blog"}).canAccess(d));
  EXPECT_FALSE(Actor(VisitorRef{3, "shop"}).canAccess(d));
}

}  // namespace
}  // namespace callpy::core::dialogs
