#include "storage/first_response_repository.h"

namespace callpy::storage {

using core::ports::UnansweredDialog;

namespace {

constexpr const char* kSelect =
    "SELECT d.id, d.site_id, d.created_at, d.assignee_id, d.reoffered_at, "
    "s.first_response_seconds FROM dialogs d JOIN sites s ON s.id = d.site_id "
    "WHERE d.status = 'open' AND d.channel = 'widget' AND d.first_response_at IS NULL";

UnansweredDialog readRow(Statement& s) {
  UnansweredDialog d;
  d.dialogId = s.columnInt64(0);
  d.siteId = s.columnText(1);
  d.createdAt = s.columnInt64(2);
  if (!s.isNull(3)) d.assignee = s.columnInt64(3);
  if (!s.isNull(4)) d.reofferedAt = s.columnInt64(4);
  d.firstResponseSeconds = s.columnInt(5);
  return d;
}

}  // namespace

std::vector<UnansweredDialog> FirstResponseRepository::unanswered() {
  return db_.read([](Connection& c) {
    std::vector<UnansweredDialog> out;
    auto& s = c.prepare(std::string(kSelect) + " ORDER BY d.id");
    while (s.step()) out.push_back(readRow(s));
    return out;
  });
}

std::optional<UnansweredDialog> FirstResponseRepository::unansweredDialog(std::int64_t dialogId) {
  return db_.read([dialogId](Connection& c) -> std::optional<UnansweredDialog> {
    auto& s = c.prepare(std::string(kSelect) + " AND d.id = ?");
    s.bind(1, dialogId);
    if (!s.step()) return std::nullopt;
    return readRow(s);
  });
}

bool FirstResponseRepository::markReoffered(std::int64_t dialogId, std::int64_t now) {
  return db_.writeSync([dialogId, now](Connection& c) {
    return c.prepare(
                "UPDATE dialogs SET reoffered_at = ? WHERE id = ? AND reoffered_at IS NULL AND "
                "first_response_at IS NULL AND status = 'open'")
               .bind(1, now)
               .bind(2, dialogId)
               .run() > 0;
  });
}

}  // namespace callpy::storage
