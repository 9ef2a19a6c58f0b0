#include "core/dialogs/dialog_service.h"

#include <algorithm>
#include <memory>
#include <utility>

#include "core/common/error.h"
#include "core/dialogs/text.h"

namespace callpy::core::dialogs {

namespace {

constexpr std::size_t kMaxTokenBytes = 128;
constexpr std::size_t kMaxCustomEntries = 50;

Error noDialog() { return notFound("no such dialog"); }
Error noVisitor() { return notFound("no such visitor"); }

void requireOperator(const Actor& a) {
  if (a.isVisitor()) throw forbidden("only operators can do this");
}

void requireOpen(const Dialog& d) {
  if (d.status != DialogStatus::Open) throw conflict("the dialog is closed");
}

}  // namespace

VisitorInfo checkVisitorInfo(const VisitorInfo& info) {
  VisitorInfo out;
  out.name = checkLabel(info.name, kMaxNameCodePoints, "name");
  out.email = checkLabel(info.email, 254, "email");
  out.phone = checkLabel(info.phone, 50, "phone");
  out.userAgent = checkLabel(info.userAgent, 512, "userAgent");
  out.language = checkLabel(info.language, 16, "language");
  if (info.custom.size() > kMaxCustomEntries) {
    throw invalid("at most " + std::to_string(kMaxCustomEntries) + " custom fields", "custom");
  }
  for (const auto& [key, value] : info.custom) {
    auto k = checkLabel(key, 64, "custom");
    if (k.empty()) throw invalid("a custom field needs a name", "custom");
    out.custom.emplace_back(std::move(k), checkLabel(value, 1000, "custom", true));
  }
  return out;
}

DialogService::DialogService(ports::DialogStore& store, ports::Crypto& crypto, Clock clock)
    : store_(store), crypto_(crypto), clock_(std::move(clock)) {}

Dialog DialogService::accessible(ports::DialogTx& tx, const Actor& a, std::int64_t dialogId) {
  auto d = tx.dialog(dialogId);
  if (!d || !a.canAccess(*d)) throw noDialog();
  return *d;
}

Visitor DialogService::visitorFor(ports::DialogTx& tx, const Actor& a, std::int64_t visitorId) {
  auto v = tx.visitor(visitorId);
  if (!v) throw noVisitor();
  if (a.isVisitor() ? a.id() != v->id : !a.canSeeSite(v->siteId)) throw noVisitor();
  return *v;
}

// --- visitors ---

NewVisitor DialogService::createVisitor(const std::string& siteId, const VisitorInfo& info) {
  const auto checked = checkVisitorInfo(info);
  NewVisitor out{{0, siteId}, crypto_.randomToken()};
  const auto hash = crypto_.sha256Hex(out.token);
  const auto now = clock_();
  store_.write([&](ports::DialogTx& tx) {
    if (!tx.siteExists(siteId)) throw notFound("no such site");
    out.visitor.id = tx.createVisitor(siteId, hash, checked, now);
  });
  return out;
}

std::optional<Visitor> DialogService::authenticateVisitor(const std::string& siteId,
                                                          const std::string& token) {
  if (token.empty() || token.size() > kMaxTokenBytes) return std::nullopt;
  const auto hash = crypto_.sha256Hex(token);
  std::optional<Visitor> v;
  store_.read([&](ports::DialogTx& tx) { v = tx.visitorByTokenHash(hash); });
  if (!v || v->siteId != siteId) return std::nullopt;
  return v;
}

void DialogService::touchVisitor(const VisitorRef& v) {
  const auto now = clock_();
  store_.write([&](ports::DialogTx& tx) { tx.touchVisitor(v.id, now); });
}

Visitor DialogService::updateVisitorInfo(const VisitorRef& v, const VisitorInfo& patch) {
  const auto checked = checkVisitorInfo(patch);
  Visitor out;
  store_.write([&](ports::DialogTx& tx) {
    out = visitorFor(tx, v, v.id);
    auto& info = out.info;
    for (auto [field, value] : {std::pair{&info.name, &checked.name},
                                {&info.email, &checked.email},
                                {&info.phone, &checked.phone},
                                {&info.userAgent, &checked.userAgent},
                                {&info.language, &checked.language}}) {
      if (!value->empty()) *field = *value;
    }
    for (const auto& [key, value] : checked.custom) {
      auto it = std::find_if(info.custom.begin(), info.custom.end(),
                             [&](const auto& e) { return e.first == key; });
      if (it != info.custom.end()) {
        it->second = value;
      } else {
        info.custom.emplace_back(key, value);
      }
    }
    if (info.custom.size() > kMaxCustomEntries) {
      throw invalid("at most " + std::to_string(kMaxCustomEntries) + " custom fields", "custom");
    }
    tx.setVisitorInfo(out.id, info);
  });
  return out;
}

Visitor DialogService::visitor(const Actor& a, std::int64_t visitorId) {
  Visitor out;
  store_.read([&](ports::DialogTx& tx) { out = visitorFor(tx, a, visitorId); });
  return out;
}

Visitor DialogService::renameVisitor(const accounts::Principal& p, std::int64_t visitorId,
                                     const std::string& name) {
  const Actor a(p);
  requireOperator(a);
  const auto checked = checkLabel(name, kMaxNameCodePoints, "name");
  Visitor out;
  store_.write([&](ports::DialogTx& tx) {
    out = visitorFor(tx, a, visitorId);
    tx.setVisitorName(visitorId, checked);
    out.displayName = checked;
  });
  return out;
}

Visitor DialogService::setVisitorBlocked(const accounts::Principal& p, std::int64_t visitorId,
                                         bool blocked) {
  const Actor a(p);
  const auto now = clock_();
  Visitor out;
  store_.write([&](ports::DialogTx& tx) {
    out = visitorFor(tx, a, visitorId);
    if (blocked == out.blockedAt.has_value()) return;
    out.blockedAt = blocked ? std::optional<std::int64_t>(now) : std::nullopt;
    tx.setVisitorBlocked(visitorId, out.blockedAt);
    if (blocked) {
      if (auto d = tx.openDialogOf(visitorId)) tx.closeDialog(d->id, now);
    }
  });
  return out;
}

// --- dialogs ---

std::optional<Dialog> DialogService::currentDialog(const VisitorRef& v) {
  std::optional<Dialog> d;
  store_.read([&](ports::DialogTx& tx) { d = tx.openDialogOf(v.id); });
  if (d && d->siteId != v.siteId) return std::nullopt;
  return d;
}

Dialog DialogService::openDialog(const VisitorRef& v, std::optional<std::int64_t> departmentId) {
  // Most calls find the dialog already open: answer those from a reader, off the writer.
  std::optional<Dialog> existing;
  store_.read([&](ports::DialogTx& tx) { existing = tx.openDialogOf(v.id); });
  if (existing && existing->siteId == v.siteId) return *existing;

  const auto now = clock_();
  Dialog out;
  store_.write([&](ports::DialogTx& tx) {
    auto visitor = tx.visitor(v.id);
    if (!visitor || visitor->siteId != v.siteId) throw noVisitor();
    if (visitor->blockedAt) throw forbidden("this visitor is blocked");
    // Another tab may have opened it since the read above; writes are serialised.
    if (auto d = tx.openDialogOf(v.id)) {
      out = *d;
      return;
    }
    if (departmentId) {
      auto site = tx.departmentSite(*departmentId);
      if (!site || *site != v.siteId) throw invalid("no such department", "department");
    }
    out.siteId = v.siteId;
    out.visitorId = v.id;
    out.departmentId = departmentId;
    out.createdAt = now;
    out.lastMessageAt = now;
    out.id = tx.createDialog(out);
  });
  return out;
}

Dialog DialogService::dialog(const Actor& a, std::int64_t dialogId) {
  Dialog out;
  store_.read([&](ports::DialogTx& tx) { out = accessible(tx, a, dialogId); });
  return out;
}

std::vector<DialogSummary> DialogService::listDialogs(const accounts::Principal& p,
                                                      const DialogQuery& query) {
  const Actor a(p);
  DialogQuery q = query;
  q.search = checkLabel(query.search, kMaxSearchCodePoints, "search");
  q.limit = std::clamp(query.limit, 1, kMaxDialogList);
  q.offset = std::max(query.offset, 0);
  std::vector<std::string> sites;
  if (!q.siteId.empty()) {
    if (!a.canSeeSite(q.siteId)) throw forbidden("you have no access to this site");
    sites.push_back(q.siteId);
  } else {
    sites = a.sites();
  }
  const bool all = q.siteId.empty() && a.system();
  if (sites.empty() && !all) return {};
  std::vector<DialogSummary> out;
  store_.read([&](ports::DialogTx& tx) { out = tx.findDialogs(q, sites, all); });
  return out;
}

Dialog DialogService::closeDialog(const Actor& a, std::int64_t dialogId) {
  const auto now = clock_();
  Dialog out;
  store_.write([&](ports::DialogTx& tx) {
    out = accessible(tx, a, dialogId);
    if (out.status == DialogStatus::Closed) return;
    tx.closeDialog(dialogId, now);
    out.status = DialogStatus::Closed;
    out.closedAt = now;
  });
  return out;
}

Dialog DialogService::markImportant(const accounts::Principal& p, std::int64_t dialogId,
                                    bool important) {
  const Actor a(p);
  Dialog out;
  store_.write([&](ports::DialogTx& tx) {
    out = accessible(tx, a, dialogId);
    tx.setImportant(dialogId, important);
    out.important = important;
  });
  return out;
}

Dialog DialogService::rate(const VisitorRef& v, std::int64_t dialogId, int rating,
                           const std::string& comment) {
  if (rating < 1 || rating > 5) throw invalid("the rating must be 1 to 5", "rating");
  const auto checked = checkLabel(comment, kMaxCommentCodePoints, "comment", true);
  Dialog out;
  store_.write([&](ports::DialogTx& tx) {
    out = accessible(tx, v, dialogId);
    tx.setRating(dialogId, rating, checked);
    out.rating = rating;
    out.ratingComment = checked;
  });
  return out;
}

std::map<std::int64_t, int> DialogService::openDialogsByAssignee(const std::string& siteId) {
  std::map<std::int64_t, int> out;
  store_.read([&](ports::DialogTx& tx) { out = tx.openDialogsByAssignee(siteId); });
  return out;
}

Dialog DialogService::openDialogForMember(ports::DialogTx& tx, const Actor& a,
                                          std::int64_t dialogId, std::int64_t userId) {
  Dialog d = accessible(tx, a, dialogId);
  requireOpen(d);
  if (!tx.isEnabledMember(d.siteId, userId)) {
    throw invalid("this user is not an operator of the site", "user");
  }
  return d;
}

Dialog DialogService::assign(const accounts::Principal& p, std::int64_t dialogId,
                             std::int64_t userId) {
  const Actor a(p);
  const auto now = clock_();
  Dialog out;
  store_.write([&](ports::DialogTx& tx) {
    out = openDialogForMember(tx, a, dialogId, userId);
    tx.setAssignee(dialogId, userId, now);
    out.assigneeId = userId;
  });
  return out;
}

Dialog DialogService::invite(const accounts::Principal& p, std::int64_t dialogId,
                             std::int64_t userId) {
  const Actor a(p);
  const auto now = clock_();
  Dialog out;
  store_.write([&](ports::DialogTx& tx) {
    out = openDialogForMember(tx, a, dialogId, userId);
    tx.addInvited(dialogId, userId, now);
  });
  return out;
}

std::vector<Participant> DialogService::participants(const Actor& a, std::int64_t dialogId) {
  std::vector<Participant> out;
  store_.read([&](ports::DialogTx& tx) {
    accessible(tx, a, dialogId);
    out = tx.participants(dialogId);
  });
  return out;
}

// --- messages ---

PostResult DialogService::postInTx(ports::DialogTx& tx, const Actor& a, std::int64_t dialogId,
                                   const std::string& cid, const std::string& body,
                                   std::int64_t now, const std::optional<FileRef>& file) {
  const auto d = accessible(tx, a, dialogId);
  if (d.status != DialogStatus::Open) {
    // A retry of a message that made it in before the dialog closed still gets its ack.
    if (auto original = tx.messageByCid(dialogId, a.kind(), a.id(), cid)) return {*original, true};
    requireOpen(d);
  }
  Message m{0, dialogId, d.lastSeq + 1, a.kind(), a.id(), cid, MessageKind::Text, body, now};
  if (file) {
    m.kind = MessageKind::File;
    m.file = file;
  }
  if (auto id = tx.insertMessage(m)) {
    m.id = *id;
    tx.setLastSeq(dialogId, m.seq, now);
    // Stops the first-response re-offer timer (core/routing), in the same transaction.
    if (a.kind() == AuthorKind::Operator) tx.noteFirstResponse(dialogId, now);
    return {std::move(m), false};
  }
  auto original = tx.messageByCid(dialogId, a.kind(), a.id(), cid);
  if (!original) throw Error(ErrorCode::Internal, "a message with this cid vanished");
  return {std::move(*original), true};
}

PostResult DialogService::postMessage(const Actor& a, std::int64_t dialogId,
                                      const std::string& cid, const std::string& text) {
  if (a.id() == 0) throw forbidden("only visitors and operators post messages");
  checkCid(cid);
  const auto body = checkMessageText(text);
  const auto now = clock_();
  PostResult out;
  store_.write([&](ports::DialogTx& tx) { out = postInTx(tx, a, dialogId, cid, body, now); });
  return out;
}

void DialogService::postMessageAsync(const Actor& a, std::int64_t dialogId,
                                     const std::string& cid, const std::string& text,
                                     PostDone done) {
  if (a.id() == 0) throw forbidden("only visitors and operators post messages");
  checkCid(cid);
  auto body = checkMessageText(text);
  const auto now = clock_();
  // Shared between the job (writer thread) and its completion (a storage thread), which the
  // writer orders: the completion runs after the job.
  auto result = std::make_shared<std::optional<PostResult>>();
  store_.writeAsync(
      [this, result, actor = a, dialogId, cid, body = std::move(body), now](ports::DialogTx& tx) {
        *result = postInTx(tx, actor, dialogId, cid, body, now);
      },
      [result, done = std::move(done)](std::exception_ptr error) {
        if (error) {
          done(std::nullopt, error);
        } else {
          done(std::move(*result), nullptr);
        }
      });
}

void DialogService::postFileMessageAsync(const Actor& a, std::int64_t dialogId,
                                         const std::string& cid, const FileRef& file,
                                         PostDone done) {
  if (a.id() == 0) throw forbidden("only visitors and operators post messages");
  checkCid(cid);
  const auto now = clock_();
  auto result = std::make_shared<std::optional<PostResult>>();
  store_.writeAsync(
      [this, result, actor = a, dialogId, cid, file, now](ports::DialogTx& tx) {
        *result = postInTx(tx, actor, dialogId, cid, file.name, now, file);
      },
      [result, done = std::move(done)](std::exception_ptr error) {
        if (error) {
          done(std::nullopt, error);
        } else {
          done(std::move(*result), nullptr);
        }
      });
}

Message DialogService::postSystemMessage(std::int64_t dialogId, const std::string& text) {
  const auto body = checkMessageText(text);
  const auto now = clock_();
  Message m{0, dialogId, 0, AuthorKind::System, 0, "", MessageKind::System, body, now};
  store_.write([&](ports::DialogTx& tx) {
    auto d = tx.dialog(dialogId);
    if (!d) throw noDialog();
    m.seq = d->lastSeq + 1;
    auto id = tx.insertMessage(m);
    if (!id) throw Error(ErrorCode::Internal, "a system message was taken for a duplicate");
    m.id = *id;
    tx.setLastSeq(dialogId, m.seq, now);
  });
  return m;
}

MessagePage DialogService::messagesSince(const Actor& a, std::int64_t dialogId,
                                         std::int64_t afterSeq, int limit) {
  limit = std::clamp(limit, 1, kMaxPage);
  MessagePage page;
  // One read transaction: lastSeq and the messages come from the same snapshot.
  store_.read([&](ports::DialogTx& tx) {
    page.lastSeq = accessible(tx, a, dialogId).lastSeq;
    page.messages = tx.messagesAfter(dialogId, std::max<std::int64_t>(afterSeq, 0), limit);
  });
  return page;
}

}  // namespace callpy::core::dialogs
