#include "output/json.h"

namespace callpy::cli {

void renderJson(std::ostream& out, const Poco::JSON::Object::Ptr& answer) {
  // A fresh Object keeps keys in a sorted map (insertion order off), which makes output stable.
  Poco::JSON::Object wrapped;
  if (answer) {
    for (const auto& [key, value] : *answer) wrapped.set(key, value);
  }
  wrapped.set("format_version", kJsonFormatVersion);
  wrapped.stringify(out, 2);
  out << '\n';
}

}  // namespace callpy::cli
