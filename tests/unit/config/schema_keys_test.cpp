// The configuration reference cannot drift from the loader: every key the loader accepts is
// documented in man/callpyd.yaml.5 and shown (possibly commented out) in
// config/callpyd.example.yaml, and neither documents a key the loader does not accept.
#include "config/schema_keys.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "doc_keys.h"

namespace fs = std::filesystem;
using callpy::config::knownKeyPaths;
using callpy::config::normalizeKeyPath;
using namespace callpy::testsupport;

namespace {

std::string readSourceFile(const std::string& relative) {
  std::ifstream in(fs::path(CALLPY_SOURCE_DIR) / relative, std::ios::binary);
  EXPECT_TRUE(in) << "cannot read " << relative;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string listOf(const std::set<std::string>& keys) {
  std::string out;
  for (const auto& k : keys) out += "  " + k + "\n";
  return out;
}

std::set<std::string> minus(const std::set<std::string>& a, const std::set<std::string>& b) {
  std::set<std::string> out;
  for (const auto& k : a) {
    if (!b.count(k)) out.insert(k);
  }
  return out;
}

std::set<std::string> withoutListMarks(const std::set<std::string>& keys) {
  std::set<std::string> out;
  for (std::string k : keys) {
    for (auto at = k.find("[]"); at != std::string::npos; at = k.find("[]")) k.erase(at, 2);
    out.insert(k);
  }
  return out;
}

}  // namespace

TEST(SchemaKeys, NormalisesListIndexes) {
  EXPECT_EQ(normalizeKeyPath("sites[12].hours.exceptions[0].date"), "sites[].hours.exceptions[].date");
  EXPECT_EQ(normalizeKeyPath("listen.http"), "listen.http");
}

TEST(SchemaKeys, ReachesNestedMapsTheLoaderReads) {
  std::set<std::string> keys = knownKeyPaths();
  // Top level, a nested section, lists of maps two levels deep, and a section no example needs.
  for (const char* k : {"listen", "listen.http", "data_dir", "limits.max_body_bytes", "admin.socket",
                        "sites", "sites[].id", "sites[].departments[].operators",
                        "sites[].hours.weekly.mon", "sites[].hours.exceptions[].closed",
                        "smtp.password_file", "geoip.database"}) {
    EXPECT_TRUE(keys.count(k)) << k << " missing from\n" << listOf(keys);
  }
  EXPECT_FALSE(keys.count("sites.id")) << "list items are written with []";
}

TEST(DocKeys, ReadsYamlOutlineWithCommentedKeys) {
  std::string text =
      "# Prose, not a key: x\n"
      "a:\n"
      "  b: 1  # c: neither\n"
      "# d:\n"
      "#   e: x\n"
      "list:\n"
      "  - id: 1\n"
      "    sub:\n"
      "      - x: 1\n"
      "        # y: left out\n"
      "  - id: 2\n"
      "flow: [1, 2]\n";
  YamlOutline o = yamlOutlineKeys(text);
  EXPECT_EQ(o.live, (std::set<std::string>{"a", "a.b", "list", "list[].id", "list[].sub",
                                           "list[].sub[].x", "flow"}));
  EXPECT_EQ(o.commented, (std::set<std::string>{"d", "d.e", "list[].sub[].y"}));
}

TEST(DocKeys, ReadsNestedTagListsOfTheKeysSection) {
  std::string text =
      ".Sh DESCRIPTION\n.Bl -tag\n.It Cm notakey\n.El\n"
      ".Sh KEYS\n"
      ".Bl -tag -width Ds\n"
      ".It Cm listen\n"
      ".Bl -tag -width Ds\n"
      ".It Cm http Ar host : Ns Ar port\n"
      "Text.\n"
      ".El\n"
      ".It Cm weekly\n"
      ".Bl -tag -width Ds\n"
      ".It Cm mon , tue , Cm wed\n"
      ".El\n"
      ".It Cm sizes\n"
      ".Bl -bullet\n"
      ".It\nprose\n"
      ".El\n"
      ".El\n"
      ".Sh FILES\n.Bl -tag\n.It Cm other\n.El\n";
  EXPECT_EQ(manPageKeys(text), (std::set<std::string>{"listen", "listen.http", "weekly",
                                                      "weekly.mon", "weekly.tue", "weekly.wed",
                                                      "sizes"}));
}

TEST(ShippedDocs, ManPageDocumentsExactlyTheSchema) {
  std::set<std::string> schema = withoutListMarks(knownKeyPaths());
  std::set<std::string> documented = manPageKeys(readSourceFile("man/callpyd.yaml.5"));
  EXPECT_TRUE(minus(schema, documented).empty())
      << "keys the loader accepts but man/callpyd.yaml.5 (section KEYS) does not document:\n"
      << listOf(minus(schema, documented));
  EXPECT_TRUE(minus(documented, schema).empty())
      << "keys man/callpyd.yaml.5 documents but the loader does not accept:\n"
      << listOf(minus(documented, schema));
}

TEST(ShippedDocs, ExampleShowsEveryKey) {
  std::set<std::string> schema = knownKeyPaths();
  YamlOutline example = yamlOutlineKeys(readSourceFile("config/callpyd.example.yaml"));
  std::set<std::string> shown = example.live;
  shown.insert(example.commented.begin(), example.commented.end());
  EXPECT_TRUE(minus(schema, shown).empty())
      << "keys the loader accepts but config/callpyd.example.yaml does not show:\n"
      << listOf(minus(schema, shown));
  EXPECT_TRUE(minus(example.live, schema).empty())
      << "keys in config/callpyd.example.yaml the loader does not accept:\n"
      << listOf(minus(example.live, schema));
}
