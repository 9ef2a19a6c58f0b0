#pragma once
// What the dialogs service needs from storage; same unit-of-work shape as AccountStore. A write
// unit is one durable transaction; on SQLite it is one job of the group-commit writer.
#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/dialogs/types.h"
#include "core/ports/account_store.h"  // OutgoingMail

namespace callpy::core::ports {

class DialogTx {
 public:
  virtual ~DialogTx() = default;

  virtual bool siteExists(const std::string& siteId) = 0;
  // The site of a department, nullopt when there is no such department.
  virtual std::optional<std::string> departmentSite(std::int64_t departmentId) = 0;
  // Whether the user holds an enabled membership (any role) on the site.
  virtual bool isEnabledMember(const std::string& siteId, std::int64_t userId) = 0;

  virtual std::int64_t createVisitor(const std::string& siteId, const std::string& tokenHash,
                                     const dialogs::VisitorInfo& info, std::int64_t now) = 0;
  virtual std::optional<dialogs::Visitor> visitor(std::int64_t id) = 0;
  virtual std::optional<dialogs::Visitor> visitorByTokenHash(const std::string& tokenHash) = 0;
  virtual void setVisitorName(std::int64_t id, const std::string& name) = 0;
  virtual void setVisitorInfo(std::int64_t id, const dialogs::VisitorInfo& info) = 0;
  virtual void setVisitorBlocked(std::int64_t id, std::optional<std::int64_t> blockedAt) = 0;
  virtual void touchVisitor(std::int64_t id, std::int64_t now) = 0;

  virtual std::optional<dialogs::Dialog> dialog(std::int64_t id) = 0;
  // The visitor's open widget dialog, if any.
  virtual std::optional<dialogs::Dialog> openDialogOf(std::int64_t visitorId) = 0;
  // Inserts a dialog from d's site, visitor, department, channel and createdAt; returns its id.
  virtual std::int64_t createDialog(const dialogs::Dialog& d) = 0;
  virtual void closeDialog(std::int64_t id, std::int64_t now) = 0;
  virtual void setImportant(std::int64_t id, bool important) = 0;
  virtual void setRating(std::int64_t id, int rating, const std::string& comment) = 0;
  // Sets the assignee; the previous assignee leaves the participants, the new one joins.
  virtual void setAssignee(std::int64_t dialogId, std::int64_t userId, std::int64_t now) = 0;
  // Adds an invited operator (no change when already a participant).
  virtual void addInvited(std::int64_t dialogId, std::int64_t userId, std::int64_t now) = 0;
  virtual std::vector<dialogs::Participant> participants(std::int64_t dialogId) = 0;
  virtual void setDepartment(std::int64_t dialogId, std::optional<std::int64_t> departmentId) = 0;
  // Blocked visitors of `siteIds` (every site when `allSites`), latest blocked first, at most 500.
  virtual std::vector<dialogs::Visitor> blockedVisitors(const std::vector<std::string>& siteIds,
                                                        bool allSites) = 0;
  // Dialogs of `siteIds` (every site when `allSites`) in q.folder, newest first; q.search, when
  // not empty, keeps those with a message containing its words as a phrase.
  // The offline-form dialog in which this visitor already sent `cid` (idempotent submits).
  virtual std::optional<std::int64_t> offlineDialogByCid(std::int64_t visitorId,
                                                         const std::string& cid) = 0;
  // Queues an e-mail in the outbox, committed with the rest of the unit.
  virtual void enqueueMail(const OutgoingMail& mail, std::int64_t now) = 0;
  // Open dialogs per assignee on a site (operators without one are absent).
  virtual std::map<std::int64_t, int> openDialogsByAssignee(const std::string& siteId) = 0;
  virtual std::vector<dialogs::DialogSummary> findDialogs(const dialogs::DialogQuery& q,
                                                          const std::vector<std::string>& siteIds,
                                                          bool allSites) = 0;

  // Inserts m (its id is ignored) unless the dialog already has a message with the same author
  // and cid; returns the new id, or nullopt for such a duplicate.
  virtual std::optional<std::int64_t> insertMessage(const dialogs::Message& m) = 0;
  virtual void setLastSeq(std::int64_t dialogId, std::int64_t seq, std::int64_t at) = 0;
  // dialogs.first_response_at = at unless already set (routing: the first operator answer).
  virtual void noteFirstResponse(std::int64_t dialogId, std::int64_t at) = 0;
  virtual std::optional<dialogs::Message> messageByCid(std::int64_t dialogId,
                                                       dialogs::AuthorKind kind,
                                                       std::int64_t authorId,
                                                       const std::string& cid) = 0;
  // Messages with seq > afterSeq in seq order, at most `limit`.
  virtual std::vector<dialogs::Message> messagesAfter(std::int64_t dialogId, std::int64_t afterSeq,
                                                      int limit) = 0;
};

class DialogStore {
 public:
  virtual ~DialogStore() = default;
  virtual void read(const std::function<void(DialogTx&)>& work) = 0;
  // Returns once the unit is durably committed; an exception from `work` rolls it back.
  virtual void write(const std::function<void(DialogTx&)>& work) = 0;
  // Queues the unit and returns at once. `done` runs exactly once, on a storage thread, after
  // the unit is durably committed (null) or failed (the exception from `work` or the commit).
  // Units complete in the order they were queued. Keep `done` short: hand off to your own loop.
  // Called after a unit that queued mail has committed, so the sender wakes up.
  virtual void mailQueued() {}
  virtual void writeAsync(std::function<void(DialogTx&)> work,
                          std::function<void(std::exception_ptr)> done) = 0;
};

}  // namespace callpy::core::ports
