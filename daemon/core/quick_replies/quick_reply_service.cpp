#include "core/quick_replies/quick_reply_service.h"

#include "core/common/error.h"
#include "core/dialogs/text.h"

namespace callpy::core::quick_replies {

using accounts::Principal;
using accounts::Role;

namespace {

constexpr std::size_t kDerivedTitleCodePoints = 40;

std::int64_t userIdOf(const Principal& p) { return p.user ? p.user->id : 0; }

bool visibleTo(const QuickReply& r, const Principal& p) {
  if (!p.roleOn(r.siteId)) return false;
  return !r.ownerId || *r.ownerId == userIdOf(p);
}

// The first `n` code points of valid UTF-8 `s`.
std::string prefix(const std::string& s, std::size_t n) {
  std::size_t i = 0;
  for (std::size_t count = 0; i < s.size() && count < n; ++count) {
    ++i;
    while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) ++i;
  }
  return s.substr(0, i);
}

}  // namespace

std::string titleFor(const std::string& title, const std::string& body) {
  auto label = dialogs::checkLabel(title, kMaxTitleCodePoints, "title");
  if (!label.empty()) return label;
  auto firstLine = body.substr(0, body.find('\n'));
  auto cut = prefix(std::string(dialogs::trimSpace(firstLine)), kDerivedTitleCodePoints);
  return cut.size() < firstLine.size() || body.find('\n') != std::string::npos ? cut + "…" : cut;
}

QuickReplyService::QuickReplyService(ports::QuickReplyStore& store, Clock clock)
    : store_(store), clock_(std::move(clock)) {}

std::vector<QuickReply> QuickReplyService::list(const Principal& p, const std::string& siteId) {
  std::vector<std::string> sites;
  if (!siteId.empty()) {
    p.require(siteId, Role::Operator);
    sites.push_back(siteId);
  } else {
    for (const auto& m : p.memberships) {
      if (!m.disabled) sites.push_back(m.siteId);
    }
  }
  std::vector<QuickReply> out;
  if (sites.empty()) return out;
  store_.read([&](ports::QuickReplyTx& tx) { out = tx.visible(sites, userIdOf(p)); });
  return out;
}

QuickReply QuickReplyService::create(const Principal& p, const NewQuickReply& r) {
  if (!p.user) throw forbidden("quick replies belong to operators");
  p.require(r.siteId, r.shared ? Role::Admin : Role::Operator);
  QuickReply reply;
  reply.siteId = r.siteId;
  reply.body = dialogs::checkMessageText(r.body);
  reply.title = titleFor(r.title, reply.body);
  if (!r.shared) reply.ownerId = p.user->id;
  reply.createdAt = clock_();
  store_.write([&](ports::QuickReplyTx& tx) {
    if (tx.count(reply.siteId, reply.ownerId) >= kMaxPerOwner) {
      throw Error(ErrorCode::Limit, "at most " + std::to_string(kMaxPerOwner) +
                                        " quick replies per operator and site");
    }
    reply.id = tx.insert(reply);
  });
  return reply;
}

QuickReply QuickReplyService::editable(ports::QuickReplyTx& tx, const Principal& p,
                                       std::int64_t id) {
  auto r = tx.get(id);
  if (!r || !visibleTo(*r, p)) throw notFound("no such quick reply");
  if (!r->ownerId) p.require(r->siteId, Role::Admin);
  return *r;
}

QuickReply QuickReplyService::update(const Principal& p, std::int64_t id,
                                     const std::optional<std::string>& title,
                                     const std::optional<std::string>& body) {
  QuickReply out;
  // Checked before the transaction so bad input never reaches the writer.
  auto newBody = body ? std::optional(dialogs::checkMessageText(*body)) : std::nullopt;
  store_.write([&](ports::QuickReplyTx& tx) {
    out = editable(tx, p, id);
    if (newBody) out.body = *newBody;
    if (title) out.title = titleFor(*title, out.body);
    tx.update(id, out.title, out.body);
  });
  return out;
}

void QuickReplyService::remove(const Principal& p, std::int64_t id) {
  store_.write([&](ports::QuickReplyTx& tx) {
    editable(tx, p, id);
    tx.remove(id);
  });
}

}  // namespace callpy::core::quick_replies
