#include "storage/dialog_repository.h"

#include <pthread.h>
#include "storage/outbox_repository.h"

#include <string>
#include <utility>

#include "storage/account_repository.h"  // jsonQuote

namespace callpy::storage {

namespace dialogs = core::dialogs;
using dialogs::AuthorKind;
using dialogs::Dialog;
using dialogs::DialogSummary;
using dialogs::Message;
using dialogs::Participant;
using dialogs::Visitor;
using dialogs::VisitorInfo;

std::string ftsPhraseQuery(const std::string& text) {
  std::string out = "\"";
  for (char ch : text) {
    if (ch == '"') out += '"';
    out += ch;
  }
  return out + "\" *";
}

namespace {

std::string infoJson(const VisitorInfo& info) {
  std::string custom = "{";
  for (const auto& [key, value] : info.custom) {
    if (custom.size() > 1) custom += ',';
    custom += jsonQuote(key) + ':' + jsonQuote(value);
  }
  custom += '}';
  return "{\"name\":" + jsonQuote(info.name) + ",\"email\":" + jsonQuote(info.email) +
         ",\"phone\":" + jsonQuote(info.phone) + ",\"userAgent\":" + jsonQuote(info.userAgent) +
         ",\"language\":" + jsonQuote(info.language) + ",\"custom\":" + custom + "}";
}

constexpr const char* kVisitorSelect =
    "SELECT id, site_id, display_name, blocked_at, created_at, last_seen_at, "
    "json_extract(info, '$.name'), json_extract(info, '$.email'), json_extract(info, '$.phone'), "
    "json_extract(info, '$.userAgent'), json_extract(info, '$.language') FROM visitors ";

constexpr const char* kDialogColumns =
    "d.id, d.site_id, d.visitor_id, d.department_id, d.status, d.assignee_id, d.channel, "
    "d.important, d.rating, d.rating_comment, d.last_seq, d.created_at, d.closed_at, "
    "d.last_message_at";
constexpr int kDialogColumnCount = 14;

// Messages with the upload a file message carries (F16); the WHERE clauses that follow name
// only columns the files table does not have.
constexpr const char* kMessageSelect =
    "SELECT messages.id, dialog_id, seq, author_kind, author_id, cid, kind, body, "
    "messages.created_at, file_id, f.name, f.size, f.mime "
    "FROM messages LEFT JOIN files f ON f.id = messages.file_id ";

Dialog readDialog(Statement& s) {
  Dialog d;
  d.id = s.columnInt64(0);
  d.siteId = s.columnText(1);
  d.visitorId = s.columnInt64(2);
  d.departmentId = s.columnOptionalInt64(3);
  d.status = dialogs::parseDialogStatus(s.columnText(4)).value_or(dialogs::DialogStatus::Closed);
  d.assigneeId = s.columnOptionalInt64(5);
  d.channel = dialogs::parseChannel(s.columnText(6)).value_or(dialogs::Channel::Widget);
  d.important = s.columnInt(7) != 0;
  if (!s.isNull(8)) d.rating = s.columnInt(8);
  d.ratingComment = s.columnText(9);
  d.lastSeq = s.columnInt64(10);
  d.createdAt = s.columnInt64(11);
  d.closedAt = s.columnOptionalInt64(12);
  d.lastMessageAt = s.columnInt64(13);
  return d;
}

Message readMessage(Statement& s) {
  Message m;
  m.id = s.columnInt64(0);
  m.dialogId = s.columnInt64(1);
  m.seq = s.columnInt64(2);
  m.authorKind = dialogs::parseAuthorKind(s.columnText(3)).value_or(AuthorKind::System);
  m.authorId = s.columnInt64(4);
  m.cid = s.columnText(5);
  m.kind = dialogs::parseMessageKind(s.columnText(6)).value_or(dialogs::MessageKind::Text);
  m.body = s.columnText(7);
  m.createdAt = s.columnInt64(8);
  if (!s.isNull(9)) {
    m.file = dialogs::FileRef{s.columnInt64(9), s.columnText(10), s.columnInt64(11), s.columnText(12)};
  }
  return m;
}

// The SQL of one findDialogs variant; each variant is a distinct cached statement.
std::string findDialogsSql(dialogs::Folder folder, bool search, bool allSites) {
  std::string sql = std::string("SELECT ") + kDialogColumns +
                    ", v.display_name, json_extract(v.info, '$.name'), "
                    "(SELECT substr(body, 1, 200) FROM messages m "
                    "WHERE m.dialog_id = d.id AND m.seq = d.last_seq) "
                    "FROM dialogs d JOIN visitors v ON v.id = d.visitor_id WHERE ";
  sql += allSites ? "?1 IS NULL " : "d.site_id IN (SELECT value FROM json_each(?1)) ";
  switch (folder) {
    case dialogs::Folder::Open: sql += "AND d.status = 'open' "; break;
    case dialogs::Folder::History: sql += "AND d.status = 'closed' "; break;
    case dialogs::Folder::Important: sql += "AND d.important = 1 "; break;
  }
  if (search) {
    sql +=
        "AND d.id IN (SELECT m.dialog_id FROM messages_fts JOIN messages m "
        "ON m.id = messages_fts.rowid WHERE messages_fts MATCH ?2) ";
  } else {
    sql += "AND ?2 IS NULL ";
  }
  sql += folder == dialogs::Folder::History ? "ORDER BY d.closed_at DESC, d.id DESC "
                                            : "ORDER BY d.last_message_at DESC, d.id DESC ";
  return sql + "LIMIT ?3 OFFSET ?4";
}

// Rows indexed when a dialog closes, at most: more than the indexer leaves pending at any time
// at full load, so in practice the whole backlog.
constexpr int kCloseIndexLimit = 20'000;

// Binds ?1 of a "(?1 IS NULL OR site_id IN (SELECT value FROM json_each(?1)))" filter: NULL for
// every site, else the sites as a JSON array.
void bindSiteFilter(Statement& s, const std::vector<std::string>& siteIds, bool allSites) {
  if (allSites) {
    s.bindNull(1);
    return;
  }
  std::string list = "[";
  for (const auto& id : siteIds) {
    if (list.size() > 1) list += ',';
    list += jsonQuote(id);
  }
  s.bind(1, list + "]");
}

class SqlDialogTx : public core::ports::DialogTx {
 public:
  SqlDialogTx(Connection& c, std::atomic<std::uint64_t>& unindexed)
      : c_(c), unindexed_(unindexed) {}

  bool siteExists(const std::string& siteId) override {
    return c_.prepare("SELECT 1 FROM sites WHERE id = ?").bind(1, siteId).step();
  }
  std::optional<std::string> departmentSite(std::int64_t departmentId) override {
    auto& s = c_.prepare("SELECT site_id FROM departments WHERE id = ?");
    if (!s.bind(1, departmentId).step()) return std::nullopt;
    return s.columnText(0);
  }
  bool isEnabledMember(const std::string& siteId, std::int64_t userId) override {
    return c_.prepare("SELECT 1 FROM memberships WHERE site_id = ? AND user_id = ? AND disabled = 0")
        .bind(1, siteId).bind(2, userId).step();
  }

  std::int64_t createVisitor(const std::string& siteId, const std::string& tokenHash,
                             const VisitorInfo& info, std::int64_t now) override {
    c_.prepare(
          "INSERT INTO visitors (site_id, token_hash, info, created_at, last_seen_at) "
          "VALUES (?, ?, ?, ?, ?)")
        .bind(1, siteId).bind(2, tokenHash).bind(3, infoJson(info)).bind(4, now).bind(5, now)
        .run();
    return c_.lastInsertRowId();
  }
  std::optional<Visitor> visitor(std::int64_t id) override {
    auto& s = c_.prepare(std::string(kVisitorSelect) + "WHERE id = ?");
    if (!s.bind(1, id).step()) return std::nullopt;
    return readVisitor(s);
  }
  std::optional<Visitor> visitorByTokenHash(const std::string& tokenHash) override {
    auto& s = c_.prepare(std::string(kVisitorSelect) + "WHERE token_hash = ?");
    if (!s.bind(1, tokenHash).step()) return std::nullopt;
    return readVisitor(s);
  }
  void setVisitorName(std::int64_t id, const std::string& name) override {
    c_.prepare("UPDATE visitors SET display_name = ? WHERE id = ?").bind(1, name).bind(2, id).run();
  }
  void setVisitorInfo(std::int64_t id, const VisitorInfo& info) override {
    // The location (visitor_page_repository) lives in the same JSON as "geo": keep it.
    c_.prepare("UPDATE visitors SET info = CASE WHEN json_type(info, '$.geo') = 'object' "
               "THEN json_set(?1, '$.geo', json(json_extract(info, '$.geo'))) ELSE ?1 END "
               "WHERE id = ?2")
        .bind(1, infoJson(info)).bind(2, id).run();
  }
  void setVisitorBlocked(std::int64_t id, std::optional<std::int64_t> blockedAt) override {
    c_.prepare("UPDATE visitors SET blocked_at = ? WHERE id = ?").bind(1, blockedAt).bind(2, id)
        .run();
  }
  void touchVisitor(std::int64_t id, std::int64_t now) override {
    c_.prepare("UPDATE visitors SET last_seen_at = max(last_seen_at, ?) WHERE id = ?")
        .bind(1, now).bind(2, id).run();
  }

  std::optional<Dialog> dialog(std::int64_t id) override {
    static const std::string sql =
        std::string("SELECT ") + kDialogColumns + " FROM dialogs d WHERE d.id = ?";
    auto& s = c_.prepare(sql);
    if (!s.bind(1, id).step()) return std::nullopt;
    return readDialog(s);
  }
  std::optional<Dialog> openDialogOf(std::int64_t visitorId) override {
    auto& s = c_.prepare(std::string("SELECT ") + kDialogColumns +
                         " FROM dialogs d WHERE d.visitor_id = ? AND d.status = 'open' "
                         "AND d.channel = 'widget'");
    if (!s.bind(1, visitorId).step()) return std::nullopt;
    return readDialog(s);
  }
  std::int64_t createDialog(const Dialog& d) override {
    c_.prepare(
          "INSERT INTO dialogs (site_id, visitor_id, department_id, channel, created_at, "
          "last_message_at) VALUES (?, ?, ?, ?, ?, ?)")
        .bind(1, d.siteId).bind(2, d.visitorId).bind(3, d.departmentId)
        .bind(4, dialogs::channelName(d.channel)).bind(5, d.createdAt).bind(6, d.createdAt).run();
    return c_.lastInsertRowId();
  }
  void closeDialog(std::int64_t id, std::int64_t now) override {
    c_.prepare("UPDATE dialogs SET status = 'closed', closed_at = ? WHERE id = ? AND status = 'open'")
        .bind(1, now).bind(2, id).run();
    // History search must find the dialog as soon as it is there.
    indexPendingMessages(c_, kCloseIndexLimit);
  }
  void setImportant(std::int64_t id, bool important) override {
    c_.prepare("UPDATE dialogs SET important = ? WHERE id = ?").bind(1, important ? 1 : 0)
        .bind(2, id).run();
  }
  void setRating(std::int64_t id, int rating, const std::string& comment) override {
    c_.prepare("UPDATE dialogs SET rating = ?, rating_comment = ? WHERE id = ?")
        .bind(1, rating).bind(2, comment).bind(3, id).run();
  }
  void setAssignee(std::int64_t dialogId, std::int64_t userId, std::int64_t now) override {
    c_.prepare("DELETE FROM dialog_participants WHERE dialog_id = ? AND role = 'assignee'")
        .bind(1, dialogId).run();
    c_.prepare(
          "INSERT INTO dialog_participants (dialog_id, user_id, role, joined_at) "
          "VALUES (?, ?, 'assignee', ?) "
          "ON CONFLICT (dialog_id, user_id) DO UPDATE SET role = 'assignee'")
        .bind(1, dialogId).bind(2, userId).bind(3, now).run();
    c_.prepare("UPDATE dialogs SET assignee_id = ? WHERE id = ?").bind(1, userId).bind(2, dialogId)
        .run();
  }
  void addInvited(std::int64_t dialogId, std::int64_t userId, std::int64_t now) override {
    c_.prepare(
          "INSERT INTO dialog_participants (dialog_id, user_id, role, joined_at) "
          "VALUES (?, ?, 'invited', ?) ON CONFLICT (dialog_id, user_id) DO NOTHING")
        .bind(1, dialogId).bind(2, userId).bind(3, now).run();
  }
  std::vector<Participant> participants(std::int64_t dialogId) override {
    auto& s = c_.prepare(
        "SELECT user_id, role, joined_at FROM dialog_participants WHERE dialog_id = ? "
        "ORDER BY joined_at, user_id");
    s.bind(1, dialogId);
    std::vector<Participant> out;
    while (s.step()) {
      out.push_back({s.columnInt64(0),
                     dialogs::parseParticipantRole(s.columnText(1))
                         .value_or(dialogs::ParticipantRole::Invited),
                     s.columnInt64(2)});
    }
    return out;
  }
  void setDepartment(std::int64_t dialogId, std::optional<std::int64_t> departmentId) override {
    c_.prepare("UPDATE dialogs SET department_id = ? WHERE id = ?").bind(1, departmentId)
        .bind(2, dialogId).run();
  }
  std::vector<Visitor> blockedVisitors(const std::vector<std::string>& siteIds,
                                       bool allSites) override {
    auto& s = c_.prepare(std::string(kVisitorSelect) +
                         "WHERE blocked_at IS NOT NULL AND (?1 IS NULL OR site_id IN "
                         "(SELECT value FROM json_each(?1))) ORDER BY blocked_at DESC, id DESC "
                         "LIMIT 500");
    bindSiteFilter(s, siteIds, allSites);
    std::vector<Visitor> out;
    while (s.step()) out.push_back(readVisitor(s));
    return out;
  }
  std::optional<std::int64_t> offlineDialogByCid(std::int64_t visitorId,
                                                 const std::string& cid) override {
    auto& s = c_.prepare(
        "SELECT m.dialog_id FROM messages m JOIN dialogs d ON d.id = m.dialog_id "
        "WHERE d.visitor_id = ? AND d.channel = 'offline_form' AND m.author_kind = 'visitor' "
        "AND m.author_id = ? AND m.cid = ? LIMIT 1");
    s.bind(1, visitorId).bind(2, visitorId).bind(3, cid);
    if (!s.step()) return std::nullopt;
    return s.columnInt64(0);
  }
  void enqueueMail(const core::ports::OutgoingMail& mail, std::int64_t now) override {
    enqueueOutbox(c_, "mail", mailPayloadJson(mail), now);
  }
  std::map<std::int64_t, int> openDialogsByAssignee(const std::string& siteId) override {
    auto& s = c_.prepare(
        "SELECT assignee_id, count(*) FROM dialogs WHERE site_id = ? AND status = 'open' "
        "AND assignee_id IS NOT NULL GROUP BY assignee_id");
    s.bind(1, siteId);
    std::map<std::int64_t, int> out;
    while (s.step()) out[s.columnInt64(0)] = s.columnInt(1);
    return out;
  }
  std::vector<DialogSummary> findDialogs(const dialogs::DialogQuery& q,
                                         const std::vector<std::string>& siteIds,
                                         bool allSites) override {
    const bool search = !q.search.empty();
    auto& s = c_.prepare(findDialogsSql(q.folder, search, allSites));
    bindSiteFilter(s, siteIds, allSites);
    if (search) {
      s.bind(2, ftsPhraseQuery(q.search));
    } else {
      s.bindNull(2);
    }
    s.bind(3, q.limit).bind(4, q.offset);
    std::vector<DialogSummary> out;
    while (s.step()) {
      DialogSummary d{readDialog(s), s.columnText(kDialogColumnCount),
                      s.columnText(kDialogColumnCount + 2)};
      if (d.visitorName.empty()) d.visitorName = s.columnText(kDialogColumnCount + 1);
      out.push_back(std::move(d));
    }
    return out;
  }

  std::optional<std::int64_t> insertMessage(const Message& m) override {
    auto& s = c_.prepare(
        "INSERT INTO messages (dialog_id, seq, author_kind, author_id, cid, kind, body, "
        "created_at, file_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (dialog_id, author_kind, author_id, cid) DO NOTHING");
    s.bind(1, m.dialogId).bind(2, m.seq).bind(3, dialogs::authorKindName(m.authorKind))
        .bind(4, m.authorId);
    if (m.cid.empty()) {
      s.bindNull(5);
    } else {
      s.bind(5, m.cid);
    }
    s.bind(6, dialogs::messageKindName(m.kind)).bind(7, m.body).bind(8, m.createdAt);
    if (m.file) {
      s.bind(9, m.file->id);
    } else {
      s.bindNull(9);
    }
    if (s.run() == 0) return std::nullopt;
    unindexed_.fetch_add(1, std::memory_order_relaxed);
    return c_.lastInsertRowId();
  }
  void setLastSeq(std::int64_t dialogId, std::int64_t seq, std::int64_t at) override {
    c_.prepare("UPDATE dialogs SET last_seq = ?, last_message_at = ? WHERE id = ?")
        .bind(1, seq).bind(2, at).bind(3, dialogId).run();
  }
  void noteFirstResponse(std::int64_t dialogId, std::int64_t at) override {
    c_.prepare("UPDATE dialogs SET first_response_at = ? WHERE id = ? AND first_response_at IS NULL")
        .bind(1, at).bind(2, dialogId).run();
  }
  std::optional<Message> messageByCid(std::int64_t dialogId, AuthorKind kind,
                                      std::int64_t authorId, const std::string& cid) override {
    static const std::string sql =
        std::string(kMessageSelect) +
        "WHERE dialog_id = ? AND author_kind = ? AND author_id = ? AND cid = ?";
    auto& s = c_.prepare(sql);
    s.bind(1, dialogId).bind(2, dialogs::authorKindName(kind)).bind(3, authorId).bind(4, cid);
    if (!s.step()) return std::nullopt;
    return readMessage(s);
  }
  std::vector<Message> messagesAfter(std::int64_t dialogId, std::int64_t afterSeq,
                                     int limit) override {
    auto& s = c_.prepare(std::string(kMessageSelect) +
                         "WHERE dialog_id = ? AND seq > ? ORDER BY seq LIMIT ?");
    s.bind(1, dialogId).bind(2, afterSeq).bind(3, limit);
    std::vector<Message> out;
    while (s.step()) out.push_back(readMessage(s));
    return out;
  }

 private:
  Visitor readVisitor(Statement& s) {
    Visitor v;
    v.id = s.columnInt64(0);
    v.siteId = s.columnText(1);
    v.displayName = s.columnText(2);
    v.blockedAt = s.columnOptionalInt64(3);
    v.createdAt = s.columnInt64(4);
    v.lastSeenAt = s.columnInt64(5);
    v.info.name = s.columnText(6);
    v.info.email = s.columnText(7);
    v.info.phone = s.columnText(8);
    v.info.userAgent = s.columnText(9);
    v.info.language = s.columnText(10);
    auto& custom = c_.prepare(
        "SELECT j.key, j.value FROM visitors, json_each(visitors.info, '$.custom') AS j "
        "WHERE visitors.id = ?");
    custom.bind(1, v.id);
    while (custom.step()) v.info.custom.emplace_back(custom.columnText(0), custom.columnText(1));
    return v;
  }

  Connection& c_;
  std::atomic<std::uint64_t>& unindexed_;
};

}  // namespace

int indexPendingMessages(Connection& c, int limit) {
  auto& state = c.prepare("SELECT upto FROM messages_fts_state WHERE id = 1");
  const std::int64_t upto = state.step() ? state.columnInt64(0) : 0;
  state.reset();
  auto& last = c.prepare(
      "SELECT count(*), max(id) FROM (SELECT id FROM messages WHERE id > ? ORDER BY id LIMIT ?)");
  last.bind(1, upto).bind(2, limit);
  last.step();
  const int count = last.columnInt(0);
  const std::int64_t newUpto = count > 0 ? last.columnInt64(1) : upto;
  last.reset();
  if (count == 0) return 0;
  c.prepare(
       "INSERT INTO messages_fts (rowid, body) SELECT id, body FROM messages "
       "WHERE id > ? AND id <= ? ORDER BY id")
      .bind(1, upto).bind(2, newUpto).run();
  c.prepare("UPDATE messages_fts_state SET upto = ? WHERE id = 1").bind(1, newUpto).run();
  return count;
}

DialogRepository::DialogRepository(Database& db, std::function<void()> onMailQueued)
    : onMailQueued_(std::move(onMailQueued)),
      db_(db),
      relay_([this] {
        pthread_setname_np(pthread_self(), "callpy-relay");
        relayLoop();
      }),
      indexer_([this] {
        pthread_setname_np(pthread_self(), "callpy-index");
        indexLoop();
      }) {}

DialogRepository::~DialogRepository() {
  {
    std::lock_guard lock(indexMutex_);
    indexStopping_ = true;
  }
  indexWake_.notify_one();
  indexer_.join();
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  relay_.join();
}

void DialogRepository::read(const std::function<void(core::ports::DialogTx&)>& work) {
  db_.read([&](Connection& c) {
    // The reader pool rolls back a transaction left open by an exception.
    c.prepare("BEGIN").run();
    SqlDialogTx tx(c, unindexed_);
    work(tx);
    c.prepare("COMMIT").run();
  });
}

void DialogRepository::write(const std::function<void(core::ports::DialogTx&)>& work) {
  db_.writeSync([&](Connection& c) {
    SqlDialogTx tx(c, unindexed_);
    work(tx);
  });
}

void DialogRepository::writeAsync(std::function<void(core::ports::DialogTx&)> work,
                                  std::function<void(std::exception_ptr)> done) {
  {
    // Queue to the writer and to the relay under one lock, so the relay waits on the futures in
    // the order the writer completes them.
    std::lock_guard lock(mutex_);
    auto committed = db_.write([this, work = std::move(work)](Connection& c) {
      SqlDialogTx tx(c, unindexed_);
      work(tx);
    });
    pending_.push_back({std::move(committed), std::move(done)});
  }
  wake_.notify_one();
}

void DialogRepository::relayLoop() {
  for (;;) {
    Pending next;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !pending_.empty(); });
      if (pending_.empty()) return;  // stopping, and every unit is done
      next = std::move(pending_.front());
      pending_.pop_front();
    }
    std::exception_ptr error;
    try {
      next.committed.get();
    } catch (...) {
      error = std::current_exception();
    }
    try {
      next.done(error);
    } catch (...) {
      // `done` must not throw; there is nobody left to tell.
    }
  }
}

}  // namespace callpy::storage

namespace callpy::storage {

// Unindexed messages are durable already; the index only has to catch up. A pass runs when
// kIndexChunk messages are waiting or kIndexPeriod has passed, and keeps going while it fills
// whole chunks. Indexing left undone at shutdown is picked up by the next start.
void DialogRepository::indexLoop() {
  for (;;) {
    {
      std::unique_lock lock(indexMutex_);
      indexWake_.wait_for(lock, kIndexPeriod, [this] {
        return indexStopping_ || unindexed_.load(std::memory_order_relaxed) >= kIndexChunk;
      });
      if (indexStopping_) return;
    }
    if (unindexed_.exchange(0, std::memory_order_relaxed) == 0) continue;
    try {
      while (db_.writeSync([](Connection& c) { return indexPendingMessages(c, kIndexChunk); }) ==
             kIndexChunk) {
        std::lock_guard lock(indexMutex_);
        if (indexStopping_) return;
      }
    } catch (const std::exception&) {
      // The database is closing or the disk failed; the next pass (or start) retries.
      unindexed_.fetch_add(1, std::memory_order_relaxed);
    }
  }
}

}  // namespace callpy::storage
