// DialogService::submitOfflineRequest (F7) and the e-mail it sends to the site's addresses.
#include "core/accounts/account_service.h"
#include "core/common/error.h"
#include "core/dialogs/dialog_service.h"
#include "core/dialogs/text.h"

namespace callpy::core::dialogs {

namespace {

ports::OutgoingMail offlineMail(const OfflineMailContext& m, const std::string& to,
                                const OfflineRequest& r, std::int64_t dialogId) {
  const auto link = m.panelUrl + "/dialogs/" + std::to_string(dialogId);
  const bool en = m.language == "en";
  std::string text = en ? "A visitor of \"" + m.siteName + "\" left a request while no operator was online.\n\n"
                        : "Посетитель сайта «" + m.siteName + "» оставил заявку, когда операторов не было в сети.\n\n";
  text += (en ? "Name: " : "Имя: ") + (r.name.empty() ? "—" : r.name) + "\n";
  text += "E-mail: " + r.email + "\n";
  text += (en ? "Phone: " : "Телефон: ") + (r.phone.empty() ? "—" : r.phone) + "\n\n";
  text += r.text + "\n\n";
  text += (en ? "Open the dialog: " : "Открыть диалог: ") + link + "\n";
  return {to, (en ? "Offline request from " : "Заявка с сайта ") + m.siteName, text};
}

}  // namespace

Dialog DialogService::submitOfflineRequest(const VisitorRef& v, const OfflineRequest& request,
                                           const OfflineMailContext& mail) {
  checkCid(request.cid);
  OfflineRequest r = request;
  r.text = checkMessageText(request.text);
  r.name = checkLabel(request.name, 200, "name");
  r.phone = checkLabel(request.phone, 64, "phone");
  r.email = accounts::normalizeEmail(request.email);
  if (!accounts::isPlausibleEmail(r.email)) throw invalid("enter a valid e-mail address", "email");
  const auto now = clock_();
  Dialog out;
  bool queued = false;
  store_.write([&](ports::DialogTx& tx) {
    auto visitor = tx.visitor(v.id);
    if (!visitor || visitor->siteId != v.siteId) throw notFound("no such visitor");
    if (visitor->blockedAt) throw forbidden("this visitor is blocked");
    if (auto existing = tx.offlineDialogByCid(v.id, r.cid)) {
      out = *tx.dialog(*existing);
      return;
    }
    auto info = visitor->info;
    if (!r.name.empty()) info.name = r.name;
    info.email = r.email;
    if (!r.phone.empty()) info.phone = r.phone;
    tx.setVisitorInfo(v.id, info);
    out.siteId = v.siteId;
    out.visitorId = v.id;
    out.channel = Channel::OfflineForm;
    out.createdAt = now;
    out.lastMessageAt = now;
    out.id = tx.createDialog(out);
    Message m{0, out.id, 1, AuthorKind::Visitor, v.id, r.cid, MessageKind::Text, r.text, now};
    auto id = tx.insertMessage(m);
    if (!id) throw Error(ErrorCode::Internal, "could not store the offline request");
    tx.setLastSeq(out.id, 1, now);
    out.lastSeq = 1;
    for (const auto& to : mail.to) tx.enqueueMail(offlineMail(mail, to, r, out.id), now);
    queued = !mail.to.empty();
  });
  if (queued) store_.mailQueued();
  return out;
}

}  // namespace callpy::core::dialogs
