#include "core/sites/snippet.h"

#include <gtest/gtest.h>

namespace callpy::core::sites {
namespace {

TEST(Snippet, BothVariantsLoadTheWidgetWithTheKey) {
  auto s = makeSnippet("https://chat.example.com", "Key_123-abc");
  for (const auto* text : {&s.bodyStart, &s.anywhere}) {
    EXPECT_NE(text->find("https://chat.example.com/widget/loader.js"), std::string::npos) << *text;
    EXPECT_NE(text->find("Key_123-abc"), std::string::npos) << *text;
    EXPECT_NE(text->find("<script"), std::string::npos);
    EXPECT_NE(text->find("</script>"), std::string::npos);
  }
  EXPECT_NE(s.bodyStart.find("data-callpy-key=\"Key_123-abc\""), std::string::npos);
  // The "anywhere" variant loads asynchronously after the page.
  EXPECT_NE(s.anywhere.find("async"), std::string::npos);
  EXPECT_NE(s.bodyStart, s.anywhere);
}

}  // namespace
}  // namespace callpy::core::sites
