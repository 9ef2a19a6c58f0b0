#include "core/sites/snippet.h"

namespace callpy::core::sites {

Snippet makeSnippet(const std::string& publicUrl, const std::string& widgetKey) {
  // publicUrl comes from the config and widgetKey is [A-Za-z0-9_-]: nothing here needs escaping.
  std::string src = publicUrl + "/widget/loader.js";
  Snippet s;
  s.bodyStart = "<!-- Callpy -->\n<script src=\"" + src + "\" data-callpy-key=\"" + widgetKey +
                "\"></script>\n<!-- /Callpy -->";
  s.anywhere =
      "<!-- Callpy -->\n<script>\n(function (d, k) {\n"
      "  var s = d.createElement('script');\n"
      "  s.src = '" + src + "';\n"
      "  s.async = true;\n"
      "  s.setAttribute('data-callpy-key', k);\n"
      "  (d.body || d.head).appendChild(s);\n"
      "})(document, '" + widgetKey + "');\n</script>\n<!-- /Callpy -->";
  return s;
}

}  // namespace callpy::core::sites
