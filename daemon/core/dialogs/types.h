#pragma once
// Chat: visitors, dialogs, messages (F4, F13, F14, F17) and who may act on them.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/accounts/types.h"

namespace callpy::core::dialogs {

enum class AuthorKind { Visitor, Operator, System };
enum class MessageKind { Text, File, System };
enum class DialogStatus { Open, Closed };
enum class Channel { Widget, OfflineForm };
enum class ParticipantRole { Assignee, Invited };
// The panel's lists: Dialogs (open), History (closed), Important (either).
enum class Folder { Open, History, Important };

// The stored names ("visitor", "offline_form", ...), also used on the wire.
const char* authorKindName(AuthorKind k);
const char* messageKindName(MessageKind k);
const char* dialogStatusName(DialogStatus s);
const char* channelName(Channel c);
const char* participantRoleName(ParticipantRole r);
std::optional<AuthorKind> parseAuthorKind(std::string_view s);
std::optional<MessageKind> parseMessageKind(std::string_view s);
std::optional<DialogStatus> parseDialogStatus(std::string_view s);
std::optional<Channel> parseChannel(std::string_view s);
std::optional<ParticipantRole> parseParticipantRole(std::string_view s);
std::optional<Folder> parseFolder(std::string_view s);  // "open", "history", "important"

// What the widget and the site's JS API told us about the visitor (display only, never trusted).
struct VisitorInfo {
  // Default initialisers let callers use designated initialisers for a few fields.
  std::string name{};
  std::string email{};
  std::string phone{};
  std::string userAgent{};
  std::string language{};
  std::vector<std::pair<std::string, std::string>> custom{};  // Callpy.setCustomData, in order
  bool operator==(const VisitorInfo&) const = default;
};

struct Visitor {
  std::int64_t id = 0;
  std::string siteId;
  std::string displayName;  // set by an operator; "" = the panel shows a default
  VisitorInfo info;
  std::optional<std::int64_t> blockedAt;
  std::int64_t createdAt = 0;
  std::int64_t lastSeenAt = 0;
};

struct Dialog {
  std::int64_t id = 0;
  std::string siteId;
  std::int64_t visitorId = 0;
  std::optional<std::int64_t> departmentId;
  DialogStatus status = DialogStatus::Open;
  std::optional<std::int64_t> assigneeId;
  Channel channel = Channel::Widget;
  bool important = false;
  std::optional<int> rating;
  std::string ratingComment;
  std::int64_t lastSeq = 0;  // seq of the newest message; 0 when there is none
  std::int64_t createdAt = 0;
  std::optional<std::int64_t> closedAt;
  std::int64_t lastMessageAt = 0;
};

struct Participant {
  std::int64_t userId = 0;
  ParticipantRole role = ParticipantRole::Invited;
  std::int64_t joinedAt = 0;
};

// An uploaded file as a message shows it (F16): the name is the uploader's, display only; the
// type was detected from the content.
struct FileRef {
  std::int64_t id = 0;
  std::string name;
  std::int64_t size = 0;
  std::string mime;
};

struct Message {
  std::int64_t id = 0;
  std::int64_t dialogId = 0;
  std::int64_t seq = 0;
  AuthorKind authorKind = AuthorKind::System;
  std::int64_t authorId = 0;  // visitor id, user id, or 0 for the system
  std::string cid;            // the author's idempotency key ("" for system messages)
  MessageKind kind = MessageKind::Text;
  std::string body;
  std::int64_t createdAt = 0;
  std::optional<FileRef> file{};  // kind File: the upload it carries (F16)
};

struct DialogSummary {
  Dialog dialog;
  std::string visitorName;  // display name, else the contact name, else ""
  std::string lastMessage;  // body of the newest message ("" when none)
};

struct DialogQuery {
  Folder folder = Folder::Open;
  std::string siteId{};  // "" = every site the caller can see
  std::string search{};  // words that must appear in a message, in this order (any folder)
  int limit = 50;
  int offset = 0;
};

// A page of a dialog's messages for resume: those after the client's last seq, in seq order.
struct MessagePage {
  std::vector<Message> messages;
  std::int64_t lastSeq = 0;  // the dialog's newest seq; more pages follow while it is larger
};

// A visitor as the gateway knows it after authenticateVisitor.
struct VisitorRef {
  std::int64_t id = 0;
  std::string siteId;
};

// Who acts on a dialog: a visitor (only its own dialogs) or a signed-in operator (dialogs of the
// sites where it holds an enabled membership; the system administrator sees every site).
// Converts implicitly from both, so one call serves the widget and the panel.
class Actor {
 public:
  Actor(const VisitorRef& visitor);           // NOLINT(google-explicit-constructor)
  Actor(const accounts::Principal& principal);  // NOLINT(google-explicit-constructor)

  bool isVisitor() const { return kind_ == AuthorKind::Visitor; }
  AuthorKind kind() const { return kind_; }
  // The visitor's id, the operator's user id, or 0 for the system administrator.
  std::int64_t id() const { return id_; }
  bool system() const { return system_; }
  // Sites an operator may see (the visitor's own site for a visitor); ignored when system().
  const std::vector<std::string>& sites() const { return sites_; }
  bool canSeeSite(const std::string& siteId) const;
  bool canAccess(const Dialog& d) const;

 private:
  AuthorKind kind_;
  std::int64_t id_ = 0;
  bool system_ = false;
  std::vector<std::string> sites_;
};

}  // namespace callpy::core::dialogs
