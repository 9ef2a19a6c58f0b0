#pragma once
// The embed code a site owner pastes into their pages (F9), in the manual's two variants.
#include <string>

namespace callpy::core::sites {

struct Snippet {
  std::string bodyStart;  // right after <body>: loads at once, fastest
  std::string anywhere;   // anywhere on the page: loads after the page
};

Snippet makeSnippet(const std::string& publicUrl, const std::string& widgetKey);

}  // namespace callpy::core::sites
