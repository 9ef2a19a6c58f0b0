#pragma once
// Visitors, dialogs and messages (F4, F13, F14, F17): identity of widget visitors, idempotent
// message posting with a gap-free per-dialog seq, resume, the panel's lists and dialog controls.
//
// Authorisation: a visitor touches only its own dialogs; an operator only dialogs of sites where
// it holds an enabled membership. A dialog the caller may not see is reported as not_found, so
// ids of other sites' dialogs cannot be probed.
#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/accounts/types.h"
#include "core/dialogs/types.h"
#include "core/ports/crypto.h"
#include "core/ports/dialog_store.h"

namespace callpy::core::dialogs {

inline constexpr int kMaxPage = 500;       // messages per messagesSince call
inline constexpr int kMaxDialogList = 200;  // dialogs per listDialogs call

struct NewVisitor {
  VisitorRef visitor;
  std::string token;  // 256-bit secret for the widget to keep; only its SHA-256 is stored
};

struct PostResult {
  Message message;
  bool duplicate = false;  // the (author, cid) was already stored: `message` is the original
};

struct OfflineRequest {
  std::string cid;
  std::string name;
  std::string email;
  std::string phone;
  std::string text;
};

// Where and how the offline request is e-mailed.
struct OfflineMailContext {
  std::vector<std::string> to;  // the site's offline-form addresses
  std::string siteName;
  std::string language;         // of the site: ru or en
  std::string panelUrl;         // e.g. https://chat.example.com/app (the dialog id is appended)
};

// How a transcript e-mail is written: the site's name and language, operators' names by id.
struct TranscriptContext {
  std::string siteName;
  std::string language;  // ru or en
  std::map<std::int64_t, std::string> operatorNames;
  std::string timeZone = "UTC";  // informational: times are written in UTC with the zone name
};

class DialogService {
 public:
  using Clock = std::function<std::int64_t()>;  // Unix seconds
  // On failure `result` is empty and `error` holds a core::Error (or a storage error).
  using PostDone = std::function<void(std::optional<PostResult> result, std::exception_ptr error)>;

  DialogService(ports::DialogStore& store, ports::Crypto& crypto, Clock clock);

  // --- visitors ---
  // A new visitor identity on a site (not_found when the site does not exist).
  NewVisitor createVisitor(const std::string& siteId, const VisitorInfo& info);
  // The visitor holding `token` on `siteId`; nullopt for an unknown token or another site's.
  std::optional<Visitor> authenticateVisitor(const std::string& siteId, const std::string& token);
  // Records that the visitor is around now (for the Visitors list).
  void touchVisitor(const VisitorRef& v);
  // Contact fields that are not empty replace the stored ones; custom entries are merged by key
  // (Callpy.setContactInfo / setCustomData).
  Visitor updateVisitorInfo(const VisitorRef& v, const VisitorInfo& patch);
  // The visitor itself, or an operator of its site.
  Visitor visitor(const Actor& a, std::int64_t visitorId);
  // "" resets to the default name. Operators only.
  Visitor renameVisitor(const accounts::Principal& p, std::int64_t visitorId,
                        const std::string& name);
  // Blocking also closes the visitor's open dialog; a blocked visitor cannot open dialogs.
  Visitor setVisitorBlocked(const accounts::Principal& p, std::int64_t visitorId, bool blocked);

  // --- dialogs ---
  // The visitor's open dialog, or a new one (in `departmentId` when given; it must belong to the
  // visitor's site). Forbidden for a blocked visitor.
  Dialog openDialog(const VisitorRef& v, std::optional<std::int64_t> departmentId = {});
  // The visitor's open dialog, without opening one.
  std::optional<Dialog> currentDialog(const VisitorRef& v);
  Dialog dialog(const Actor& a, std::int64_t dialogId);
  std::vector<DialogSummary> listDialogs(const accounts::Principal& p, const DialogQuery& q);
  // Closing a closed dialog changes nothing.
  Dialog closeDialog(const Actor& a, std::int64_t dialogId);
  Dialog markImportant(const accounts::Principal& p, std::int64_t dialogId, bool important);
  // The visitor's rating (1..5) and comment; the last one counts.
  Dialog rate(const VisitorRef& v, std::int64_t dialogId, int rating, const std::string& comment);
  // Transfer: `userId` (an enabled operator of the dialog's site) becomes the assignee.
  Dialog assign(const accounts::Principal& p, std::int64_t dialogId, std::int64_t userId);
  // Group dialog: `userId` (an enabled operator of the site) joins as invited.
  Dialog invite(const accounts::Principal& p, std::int64_t dialogId, std::int64_t userId);
  std::vector<Participant> participants(const Actor& a, std::int64_t dialogId);
  // Dialog controls (dialog_controls.cpp). Transfer to a department: the dialog's department
  // changes (it must be a department of the dialog's site); routing picks the operator.
  Dialog setDepartment(const accounts::Principal& p, std::int64_t dialogId,
                       std::int64_t departmentId);
  // Blocked visitors of the caller's sites (of `siteId` only when not empty), newest first.
  std::vector<Visitor> blockedVisitors(const accounts::Principal& p, const std::string& siteId);
  // Queues the dialog's transcript (plain text) to `to` (default: the visitor's contact e-mail)
  // in the durable outbox; returns the address used. Throws invalid (field "email") when there
  // is no valid address.
  std::string queueTranscript(const accounts::Principal& p, std::int64_t dialogId,
                              const std::string& to, const TranscriptContext& context);
  // F7: a request left in the offline form becomes a dialog (channel offline_form) holding the
  // message, the visitor's contact details are kept, and one e-mail per address in
  // `mail.to` is queued — all in one transaction. The same cid again returns the same dialog.
  Dialog submitOfflineRequest(const VisitorRef& v, const OfflineRequest& request,
                              const OfflineMailContext& mail);
  // Load per operator for routing: open dialogs assigned to each user of the site.
  std::map<std::int64_t, int> openDialogsByAssignee(const std::string& siteId);

  // --- messages ---
  // Stores a text message and returns it once durable. Idempotent: the same author and cid in
  // the dialog return the original message (duplicate = true), even after the dialog closed.
  // The seq is the dialog's last_seq + 1, assigned in the same transaction. Throws invalid /
  // too_large for bad text or cid, not_found, conflict when the dialog is closed.
  PostResult postMessage(const Actor& a, std::int64_t dialogId, const std::string& cid,
                         const std::string& text);
  // The same without blocking (for the event loop): the text and cid are checked here (throws
  // like postMessage), then `done` runs once on a storage thread after the durable commit.
  void postMessageAsync(const Actor& a, std::int64_t dialogId, const std::string& cid,
                        const std::string& text, PostDone done);
  // F16: a message of kind file carrying `file` (checked by FileService::attachable); its body
  // is the file name (for History search). Idempotent and acknowledged like postMessageAsync.
  void postFileMessageAsync(const Actor& a, std::int64_t dialogId, const std::string& cid,
                            const FileRef& file, PostDone done);
  // A message by the system (e.g. "transferred to ..."), in any state of the dialog.
  Message postSystemMessage(std::int64_t dialogId, const std::string& text);
  // Resume: the messages with seq > afterSeq, in order, at most `limit` (capped at kMaxPage).
  MessagePage messagesSince(const Actor& a, std::int64_t dialogId, std::int64_t afterSeq,
                            int limit);

 private:
  PostResult postInTx(ports::DialogTx& tx, const Actor& a, std::int64_t dialogId,
                      const std::string& cid, const std::string& body, std::int64_t now,
                      const std::optional<FileRef>& file = std::nullopt);
  static Dialog accessible(ports::DialogTx& tx, const Actor& a, std::int64_t dialogId);
  // The open dialog `a` may see, where `userId` is an enabled operator of its site (else throws).
  static Dialog openDialogForMember(ports::DialogTx& tx, const Actor& a, std::int64_t dialogId,
                                    std::int64_t userId);
  static Visitor visitorFor(ports::DialogTx& tx, const Actor& a, std::int64_t visitorId);

  ports::DialogStore& store_;
  ports::Crypto& crypto_;
  Clock clock_;
};

// The contact fields and custom data checked and trimmed (throws Error(invalid, field)).
VisitorInfo checkVisitorInfo(const VisitorInfo& info);

}  // namespace callpy::core::dialogs
