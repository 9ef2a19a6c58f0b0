#pragma once
// Test helper: a query's rows as "col1|col2|…" strings (NULL as "NULL"), for compact asserts.
#include <string>
#include <vector>

#include "storage/database.h"

namespace callpy::storage::testing {

inline std::vector<std::string> sqlRows(Database& db, const std::string& sql) {
  return db.read([&](Connection& c) {
    std::vector<std::string> out;
    auto& s = c.prepare(sql);
    while (s.step()) {
      std::string row;
      for (int k = 0; k < s.columnCount(); ++k) {
        if (k) row += "|";
        row += s.isNull(k) ? "NULL" : s.columnText(k);
      }
      out.push_back(row);
    }
    return out;
  });
}

}  // namespace callpy::storage::testing
