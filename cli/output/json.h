#pragma once

#include <Poco/JSON/Object.h>

#include <ostream>

namespace callpy::cli {

// Version of the --format json shape. Bump it when a command's JSON output changes
// incompatibly; scripts check it.
inline constexpr int kJsonFormatVersion = 1;

// Prints the server's answer pretty-printed with sorted keys, plus "format_version". The key is
// not "version" because `status` answers carry the daemon's own "version".
void renderJson(std::ostream& out, const Poco::JSON::Object::Ptr& answer);

}  // namespace callpy::cli
