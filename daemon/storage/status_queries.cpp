#include "storage/status_queries.h"

namespace callpy::storage {

ObjectCounts countObjects(Connection& c) {
  auto& s = c.prepare(
      "SELECT (SELECT count(*) FROM sites), (SELECT count(*) FROM users), "
      "(SELECT count(*) FROM sessions)");
  s.step();
  return {s.columnInt64(0), s.columnInt64(1), s.columnInt64(2)};
}

ChatCounts countChat(Connection& c) {
  auto& s = c.prepare(
      "SELECT (SELECT count(*) FROM dialogs WHERE status = 'open'), "
      "(SELECT coalesce(max(seq), 0) FROM sqlite_sequence WHERE name = 'messages')");
  s.step();
  ChatCounts counts{s.columnInt64(0), s.columnInt64(1)};
  s.reset();
  return counts;
}

}  // namespace callpy::storage
