#pragma once
// Readers for the key paths that the configuration documents name (for schema_keys_test).
#include <set>
#include <string>

namespace callpy::testsupport {

struct YamlOutline {
  std::set<std::string> live;       // keys of the YAML itself ("sites[].id")
  std::set<std::string> commented;  // keys of commented-out lines ("# geoip:" / "#   database:")
};

// Reads block-style YAML by indentation. A comment line "<indent># key: ..." counts as the line
// "<indent>key: ..." with one space after '#' dropped, so commented-out examples keep their place.
YamlOutline yamlOutlineKeys(const std::string& text);

// Keys of an mdoc page's "KEYS" section: each `.It Cm key` of a nested `.Bl -tag` list, under the
// key of the item the list is nested in ("listen" + "http" = "listen.http"). One item may name
// several keys (".It Cm mon , tue").
std::set<std::string> manPageKeys(const std::string& text);

}  // namespace callpy::testsupport
