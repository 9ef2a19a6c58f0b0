// Dialog controls of the panel (F17): transfer to a department, the Blocked list, and the
// transcript e-mail (queued in the durable outbox in the same transaction that reads the dialog).
#include <ctime>

#include "core/accounts/account_service.h"
#include "core/common/error.h"
#include "core/dialogs/dialog_service.h"

namespace callpy::core::dialogs {

namespace {

constexpr int kTranscriptMaxMessages = 5000;

std::string utcTime(std::int64_t seconds) {
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

std::string authorLabel(const Message& m, const Visitor& v, const TranscriptContext& c, bool en) {
  switch (m.authorKind) {
    case AuthorKind::Visitor: {
      auto name = v.displayName.empty() ? v.info.name : v.displayName;
      return name.empty() ? (en ? "Visitor" : "Посетитель") : name;
    }
    case AuthorKind::Operator: {
      auto it = c.operatorNames.find(m.authorId);
      if (it != c.operatorNames.end() && !it->second.empty()) return it->second;
      return en ? "Operator" : "Оператор";
    }
    case AuthorKind::System:
      break;
  }
  return en ? "System" : "Система";
}

}  // namespace

Dialog DialogService::setDepartment(const accounts::Principal& p, std::int64_t dialogId,
                                    std::int64_t departmentId) {
  const Actor a(p);
  if (a.isVisitor()) throw forbidden("only operators can do this");
  Dialog out;
  store_.write([&](ports::DialogTx& tx) {
    out = accessible(tx, a, dialogId);
    if (out.status != DialogStatus::Open) throw conflict("the dialog is closed");
    auto site = tx.departmentSite(departmentId);
    if (!site || *site != out.siteId) throw invalid("no such department", "department");
    tx.setDepartment(dialogId, departmentId);
    out.departmentId = departmentId;
  });
  return out;
}

std::vector<Visitor> DialogService::blockedVisitors(const accounts::Principal& p,
                                                    const std::string& siteId) {
  const Actor a(p);
  std::vector<std::string> sites;
  if (!siteId.empty()) {
    if (!a.canSeeSite(siteId)) throw forbidden("you have no access to this site");
    sites.push_back(siteId);
  } else {
    sites = a.sites();
  }
  const bool all = siteId.empty() && a.system();
  if (sites.empty() && !all) return {};
  std::vector<Visitor> out;
  store_.read([&](ports::DialogTx& tx) { out = tx.blockedVisitors(sites, all); });
  return out;
}

std::string DialogService::queueTranscript(const accounts::Principal& p, std::int64_t dialogId,
                                           const std::string& to,
                                           const TranscriptContext& context) {
  const Actor a(p);
  if (a.isVisitor()) throw forbidden("only operators can do this");
  const bool en = context.language == "en";
  const auto now = clock_();
  std::string address;
  store_.write([&](ports::DialogTx& tx) {
    const auto d = accessible(tx, a, dialogId);
    const auto v = tx.visitor(d.visitorId).value_or(Visitor{});
    address = accounts::normalizeEmail(to.empty() ? v.info.email : to);
    if (!accounts::isPlausibleEmail(address)) {
      throw invalid(to.empty() ? "the visitor left no e-mail address; enter one"
                               : "enter a valid e-mail address",
                    "email");
    }
    std::string text = en ? "Transcript of dialog #" + std::to_string(d.id) + " on \"" +
                                context.siteName + "\" (times in UTC)\n\n"
                          : "Переписка, диалог №" + std::to_string(d.id) + " на сайте «" +
                                context.siteName + "» (время UTC)\n\n";
    std::int64_t after = 0;
    int total = 0;
    for (;;) {
      auto page = tx.messagesAfter(dialogId, after, kMaxPage);
      for (const auto& m : page) {
        text += "[" + utcTime(m.createdAt) + "] " + authorLabel(m, v, context, en) + ": " +
                m.body + "\n";
        after = m.seq;
      }
      total += static_cast<int>(page.size());
      if (page.size() < static_cast<std::size_t>(kMaxPage) || total >= kTranscriptMaxMessages) break;
    }
    if (total == 0) text += en ? "(no messages)\n" : "(сообщений нет)\n";
    const auto subject = en ? "Chat transcript: " + context.siteName
                            : "Переписка с сайта " + context.siteName;
    tx.enqueueMail({address, subject, text}, now);
  });
  store_.mailQueued();
  return address;
}

}  // namespace callpy::core::dialogs
