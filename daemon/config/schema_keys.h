#pragma once
// The configuration schema as a list of key paths, read from the loader itself so the
// documentation tests (man/callpyd.yaml.5, config/callpyd.example.yaml) cannot drift from it.
#include <set>
#include <string>

namespace callpy::config {

// Every key the loader accepts, as paths with "[]" for list items: "listen", "listen.http",
// "sites", "sites[].departments[].operators", ... Maps whose keys are free (operator_limits'
// e-mails) contribute only their own key.
std::set<std::string> knownKeyPaths();

// "sites[3].hours" -> "sites[].hours".
std::string normalizeKeyPath(const std::string& path);

}  // namespace callpy::config
