#include "output/table.h"

#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <sstream>

#include "output/json.h"

namespace callpy::cli {
namespace {

TEST(Table, AlignsColumnsWithoutTrailingSpaces) {
  Table table({"ID", "NAME", "LANGUAGE"});
  table.addRow({"shop", "Магазин", "ru"});
  table.addRow({"a-much-longer-id", "Shop", "en"});
  std::ostringstream out;
  table.render(out);
  EXPECT_EQ(out.str(),
            "ID                NAME     LANGUAGE\n"
            "shop              Магазин  ru\n"
            "a-much-longer-id  Shop     en\n");
}

TEST(Table, ShortRowsArePadded) {
  Table table({"A", "B"});
  table.addRow({"x"});
  std::ostringstream out;
  table.render(out);
  EXPECT_EQ(out.str(), "A  B\nx  \n");
}

TEST(Table, HeadersOnlyWhenEmpty) {
  Table table({"ID", "NAME"});
  std::ostringstream out;
  table.render(out);
  EXPECT_TRUE(table.empty());
  EXPECT_EQ(out.str(), "ID  NAME\n");
}

TEST(KeyValues, AlignsValues) {
  std::ostringstream out;
  renderKeyValues(out, {{"id", "shop"}, {"widget key", "k1"}});
  EXPECT_EQ(out.str(),
            "id:          shop\n"
            "widget key:  k1\n");
}

TEST(CellText, FormatsJsonValues) {
  Poco::JSON::Parser parser;
  auto obj = parser.parse(R"({"b": true, "n": null, "a": ["x", "y"], "e": [], "i": 42, "s": ""})")
                 .extract<Poco::JSON::Object::Ptr>();
  EXPECT_EQ(cellText(obj->get("b")), "yes");
  EXPECT_EQ(cellText(obj->get("n")), "-");
  EXPECT_EQ(cellText(obj->get("a")), "x, y");
  EXPECT_EQ(cellText(obj->get("e")), "-");
  EXPECT_EQ(cellText(obj->get("i")), "42");
  EXPECT_EQ(cellText(obj->get("s")), "-");
}

TEST(Json, WrapsTheAnswerWithSortedKeysAndAFormatVersion) {
  Poco::JSON::Parser parser;
  auto answer = parser.parse(R"({"zeta": 1, "alpha": {"y": 2, "x": 1}, "version": "0.1.0"})")
                    .extract<Poco::JSON::Object::Ptr>();
  std::ostringstream out;
  renderJson(out, answer);
  std::string text = out.str();
  EXPECT_LT(text.find("\"alpha\""), text.find("\"format_version\""));
  EXPECT_LT(text.find("\"format_version\""), text.find("\"version\""));
  EXPECT_LT(text.find("\"version\""), text.find("\"zeta\""));
  EXPECT_LT(text.find("\"x\""), text.find("\"y\""));
  auto parsed = parser.parse(text).extract<Poco::JSON::Object::Ptr>();
  EXPECT_EQ(parsed->getValue<int>("format_version"), kJsonFormatVersion);
  EXPECT_EQ(parsed->getValue<std::string>("version"), "0.1.0");
  EXPECT_EQ(text.back(), '\n');
}

}  // namespace
}  // namespace callpy::cli
