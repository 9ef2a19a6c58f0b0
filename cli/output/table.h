#pragma once

#include <Poco/Dynamic/Var.h>

#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace callpy::cli {

// Columns aligned by display width (UTF-8 aware, so Cyrillic names line up), two spaces apart,
// headers in capitals. No trailing spaces, so the output diffs and greps cleanly.
class Table {
 public:
  explicit Table(std::vector<std::string> headers);

  void addRow(std::vector<std::string> cells);
  bool empty() const { return rows_.empty(); }
  void render(std::ostream& out) const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

using KeyValues = std::vector<std::pair<std::string, std::string>>;

// "key:  value" lines with the values aligned; for one object (a site, the daemon status).
void renderKeyValues(std::ostream& out, const KeyValues& rows);

// Display width of UTF-8 text in terminal columns (code points; combining marks are rare here).
size_t displayWidth(const std::string& text);

// A JSON value as table text: "-" for null/empty, "yes"/"no" for booleans, lists comma-joined.
std::string cellText(const Poco::Dynamic::Var& value);

}  // namespace callpy::cli
