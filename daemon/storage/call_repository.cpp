#include "storage/call_repository.h"

namespace callpy::storage {

using core::calls::Call;
using core::calls::CallState;
using core::calls::EndReason;
using core::calls::PartyKind;

namespace {

constexpr const char* kColumns =
    "SELECT c.id, c.public_id, c.dialog_id, d.site_id, d.visitor_id, c.caller_kind, c.caller_id, "
    "c.video, c.started_ms, c.answered_ms, c.answered_by, c.ended_ms, c.end_reason "
    "FROM calls c JOIN dialogs d ON d.id = c.dialog_id ";

EndReason reasonOf(const std::string& name) {
  for (auto r : {EndReason::Hangup, EndReason::Declined, EndReason::NoAnswer, EndReason::Failed,
                 EndReason::Left, EndReason::Busy, EndReason::Interrupted, EndReason::Closed}) {
    if (core::calls::reasonName(r) == name) return r;
  }
  return EndReason::None;
}

Call readRow(Statement& s) {
  Call c;
  c.number = s.columnInt64(0);
  c.id = s.columnText(1);
  c.dialogId = s.columnInt64(2);
  c.siteId = s.columnText(3);
  c.visitorId = s.columnInt64(4);
  c.caller = {s.columnText(5) == "visitor" ? PartyKind::Visitor : PartyKind::Operator,
              s.columnInt64(6)};
  c.video = s.columnInt(7) != 0;
  c.startedMs = s.columnInt64(8);
  if (!s.isNull(9)) c.answeredMs = s.columnInt64(9);
  if (!s.isNull(10)) c.answeredBy = s.columnInt64(10);
  if (!s.isNull(11)) c.endedMs = s.columnInt64(11);
  c.reason = s.isNull(12) ? EndReason::None : reasonOf(s.columnText(12));
  c.state = c.endedMs ? CallState::Ended : c.answeredMs ? CallState::Active : CallState::Ringing;
  return c;
}

}  // namespace

std::int64_t CallRepository::insertCall(const Call& c) {
  return db_.writeSync([&c](Connection& conn) {
    conn.prepare(
            "INSERT INTO calls (public_id, dialog_id, caller_kind, caller_id, video, started_ms) "
            "VALUES (?, ?, ?, ?, ?, ?)")
        .bind(1, c.id)
        .bind(2, c.dialogId)
        .bind(3, std::string(c.fromVisitor() ? "visitor" : "operator"))
        .bind(4, c.caller.id)
        .bind(5, c.video ? 1 : 0)
        .bind(6, c.startedMs)
        .run();
    return conn.lastInsertRowId();
  });
}

void CallRepository::updateCall(const Call& c) {
  db_.writeSync([&c](Connection& conn) {
    auto& s = conn.prepare(
        "UPDATE calls SET answered_ms = ?, answered_by = ?, ended_ms = ?, end_reason = ? "
        "WHERE public_id = ?");
    if (c.answeredMs) s.bind(1, *c.answeredMs); else s.bindNull(1);
    if (c.answeredBy) s.bind(2, *c.answeredBy); else s.bindNull(2);
    if (c.endedMs) s.bind(3, *c.endedMs); else s.bindNull(3);
    auto reason = core::calls::reasonName(c.reason);
    if (reason.empty()) s.bindNull(4); else s.bind(4, std::string(reason));
    s.bind(5, c.id).run();
    // Every operator who took part (F18): kept for History once, in the order they joined.
    for (const auto* list : {&c.formerOperators, &c.participants}) {
      for (const auto& p : *list) {
        if (p.party.kind != PartyKind::Operator) continue;
        conn.prepare(
                "INSERT OR IGNORE INTO call_operators (call_id, user_id, name) "
                "SELECT id, ?, ? FROM calls WHERE public_id = ?")
            .bind(1, p.party.id)
            .bind(2, p.name)
            .bind(3, c.id)
            .run();
      }
    }
  });
}

void CallRepository::deleteCall(std::int64_t number) {
  db_.writeSync([number](Connection& conn) {
    conn.prepare("DELETE FROM calls WHERE id = ?").bind(1, number).run();
  });
}

std::vector<Call> CallRepository::endUnfinished(std::int64_t nowMs) {
  return db_.writeSync([nowMs](Connection& conn) {
    std::vector<Call> out;
    auto& s = conn.prepare(std::string(kColumns) + "WHERE c.ended_ms IS NULL ORDER BY c.id");
    while (s.step()) out.push_back(readRow(s));
    s.reset();
    conn.prepare("UPDATE calls SET ended_ms = ?, end_reason = 'interrupted' WHERE ended_ms IS NULL")
        .bind(1, nowMs)
        .run();
    for (auto& c : out) {
      c.endedMs = nowMs;
      c.reason = EndReason::Interrupted;
      c.state = CallState::Ended;
    }
    return out;
  });
}

std::vector<Call> CallRepository::callsOfDialog(std::int64_t dialogId) {
  return db_.read([dialogId](Connection& conn) {
    std::vector<Call> out;
    auto& s = conn.prepare(std::string(kColumns) + "WHERE c.dialog_id = ? ORDER BY c.id");
    s.bind(1, dialogId);
    while (s.step()) out.push_back(readRow(s));
    s.reset();
    // The operators who took part (F18), as the call's participants for History.
    auto& ops = conn.prepare("SELECT user_id, name FROM call_operators WHERE call_id = ? ORDER BY id");
    for (auto& c : out) {
      ops.bind(1, c.number);
      while (ops.step()) {
        c.participants.push_back({{PartyKind::Operator, ops.isNull(0) ? 0 : ops.columnInt64(0)}, ops.columnText(1), 0});
      }
      ops.reset();
    }
    return out;
  });
}

}  // namespace callpy::storage
