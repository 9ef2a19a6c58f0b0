#include "storage/quick_reply_repository.h"

namespace callpy::storage {

using core::quick_replies::QuickReply;

namespace {

constexpr const char* kColumns = "id, site_id, user_id, title, body, created_at";

QuickReply readReply(Statement& s) {
  QuickReply r;
  r.id = s.columnInt64(0);
  r.siteId = s.columnText(1);
  if (!s.isNull(2)) r.ownerId = s.columnInt64(2);
  r.title = s.columnText(3);
  r.body = s.columnText(4);
  r.createdAt = s.columnInt64(5);
  return r;
}

class SqlQuickReplyTx : public core::ports::QuickReplyTx {
 public:
  explicit SqlQuickReplyTx(Connection& c) : c_(c) {}

  std::vector<QuickReply> visible(const std::vector<std::string>& siteIds,
                                  std::int64_t userId) override {
    // One statement per site keeps the prepared-statement cache small (no IN-list variants).
    std::vector<QuickReply> out;
    auto& s = c_.prepare(std::string("SELECT ") + kColumns +
                         " FROM quick_replies WHERE site_id = ? AND (user_id IS NULL OR "
                         "user_id = ?) ORDER BY user_id IS NOT NULL, title COLLATE NOCASE, id");
    for (const auto& site : siteIds) {
      s.bind(1, site).bind(2, userId);
      while (s.step()) out.push_back(readReply(s));
      s.reset();
    }
    return out;
  }
  std::optional<QuickReply> get(std::int64_t id) override {
    auto& s = c_.prepare(std::string("SELECT ") + kColumns + " FROM quick_replies WHERE id = ?");
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    auto r = readReply(s);
    s.reset();
    return r;
  }
  std::int64_t insert(const QuickReply& r) override {
    auto& s = c_.prepare(
        "INSERT INTO quick_replies(site_id, user_id, title, body, created_at) "
        "VALUES (?, ?, ?, ?, ?)");
    s.bind(1, r.siteId);
    if (r.ownerId) s.bind(2, *r.ownerId);
    else s.bindNull(2);
    s.bind(3, r.title).bind(4, r.body).bind(5, r.createdAt).run();
    return c_.lastInsertRowId();
  }
  void update(std::int64_t id, const std::string& title, const std::string& body) override {
    c_.prepare("UPDATE quick_replies SET title = ?, body = ? WHERE id = ?")
        .bind(1, title).bind(2, body).bind(3, id).run();
  }
  void remove(std::int64_t id) override {
    c_.prepare("DELETE FROM quick_replies WHERE id = ?").bind(1, id).run();
  }
  int count(const std::string& siteId, std::optional<std::int64_t> ownerId) override {
    auto& s = c_.prepare(
        "SELECT count(*) FROM quick_replies WHERE site_id = ? AND user_id IS ?");
    s.bind(1, siteId);
    if (ownerId) s.bind(2, *ownerId);
    else s.bindNull(2);
    s.step();
    auto n = s.columnInt(0);
    s.reset();
    return n;
  }

 private:
  Connection& c_;
};

}  // namespace

void QuickReplyRepository::read(const std::function<void(core::ports::QuickReplyTx&)>& work) {
  db_.read([&](Connection& c) {
    SqlQuickReplyTx tx(c);
    work(tx);
  });
}

void QuickReplyRepository::write(const std::function<void(core::ports::QuickReplyTx&)>& work) {
  db_.writeSync([&](Connection& c) {
    SqlQuickReplyTx tx(c);
    work(tx);
  });
}

}  // namespace callpy::storage
