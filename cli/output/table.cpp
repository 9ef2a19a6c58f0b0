#include "output/table.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <algorithm>
#include <sstream>

namespace callpy::cli {

namespace {

void writePadded(std::ostream& out, const std::string& text, size_t width) {
  out << text;
  for (size_t w = displayWidth(text); w < width; ++w) out << ' ';
}

void renderLine(std::ostream& out, const std::vector<std::string>& cells,
                const std::vector<size_t>& widths) {
  for (size_t i = 0; i < widths.size(); ++i) {
    const std::string& cell = i < cells.size() ? cells[i] : std::string();
    if (i + 1 == widths.size()) {
      out << cell;
    } else {
      writePadded(out, cell, widths[i]);
      out << "  ";
    }
  }
  out << '\n';
}

}  // namespace

Table::Table(std::vector<std::string> headers) : headers_(std::move(headers)) {}

void Table::addRow(std::vector<std::string> cells) {
  cells.resize(headers_.size());
  rows_.push_back(std::move(cells));
}

void Table::render(std::ostream& out) const {
  std::vector<size_t> widths(headers_.size(), 0);
  for (size_t i = 0; i < headers_.size(); ++i) widths[i] = displayWidth(headers_[i]);
  for (const auto& row : rows_) {
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], displayWidth(row[i]));
  }
  renderLine(out, headers_, widths);
  for (const auto& row : rows_) renderLine(out, row, widths);
}

void renderKeyValues(std::ostream& out, const KeyValues& rows) {
  size_t width = 0;
  for (const auto& [key, value] : rows) width = std::max(width, displayWidth(key) + 1);
  for (const auto& [key, value] : rows) {
    writePadded(out, key + ":", width);
    out << "  " << value << '\n';
  }
}

size_t displayWidth(const std::string& text) {
  size_t width = 0;
  for (unsigned char c : text) {
    if ((c & 0xC0) != 0x80) ++width;  // count lead bytes only
  }
  return width;
}

std::string cellText(const Poco::Dynamic::Var& value) {
  if (value.isEmpty()) return "-";
  if (value.type() == typeid(bool)) return value.extract<bool>() ? "yes" : "no";
  if (value.type() == typeid(Poco::JSON::Array::Ptr)) {
    auto array = value.extract<Poco::JSON::Array::Ptr>();
    if (!array || array->size() == 0) return "-";
    std::string joined;
    for (size_t i = 0; i < array->size(); ++i) {
      if (i) joined += ", ";
      joined += cellText(array->get(i));
    }
    return joined;
  }
  if (value.type() == typeid(Poco::JSON::Object::Ptr)) {
    std::ostringstream text;
    auto obj = value.extract<Poco::JSON::Object::Ptr>();
    if (obj) obj->stringify(text);
    return text.str();
  }
  std::string text = value.convert<std::string>();
  return text.empty() ? "-" : text;
}

}  // namespace callpy::cli
