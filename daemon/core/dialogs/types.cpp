#include "core/dialogs/types.h"

#include <algorithm>

namespace callpy::core::dialogs {

namespace {

template <typename E, std::size_t N>
std::optional<E> lookup(const std::pair<E, const char*> (&table)[N], std::string_view s) {
  for (const auto& [value, name] : table) {
    if (s == name) return value;
  }
  return std::nullopt;
}

template <typename E, std::size_t N>
const char* nameOf(const std::pair<E, const char*> (&table)[N], E value) {
  for (const auto& [v, name] : table) {
    if (v == value) return name;
  }
  return table[0].second;
}

constexpr std::pair<AuthorKind, const char*> kAuthorKinds[] = {
    {AuthorKind::Visitor, "visitor"}, {AuthorKind::Operator, "operator"},
    {AuthorKind::System, "system"}};
constexpr std::pair<MessageKind, const char*> kMessageKinds[] = {
    {MessageKind::Text, "text"}, {MessageKind::File, "file"}, {MessageKind::System, "system"}};
constexpr std::pair<DialogStatus, const char*> kStatuses[] = {{DialogStatus::Open, "open"},
                                                               {DialogStatus::Closed, "closed"}};
constexpr std::pair<Channel, const char*> kChannels[] = {{Channel::Widget, "widget"},
                                                          {Channel::OfflineForm, "offline_form"}};
constexpr std::pair<ParticipantRole, const char*> kParticipantRoles[] = {
    {ParticipantRole::Assignee, "assignee"}, {ParticipantRole::Invited, "invited"}};
constexpr std::pair<Folder, const char*> kFolders[] = {
    {Folder::Open, "open"}, {Folder::History, "history"}, {Folder::Important, "important"}};

}  // namespace

const char* authorKindName(AuthorKind k) { return nameOf(kAuthorKinds, k); }
const char* messageKindName(MessageKind k) { return nameOf(kMessageKinds, k); }
const char* dialogStatusName(DialogStatus s) { return nameOf(kStatuses, s); }
const char* channelName(Channel c) { return nameOf(kChannels, c); }
const char* participantRoleName(ParticipantRole r) { return nameOf(kParticipantRoles, r); }
std::optional<AuthorKind> parseAuthorKind(std::string_view s) { return lookup(kAuthorKinds, s); }
std::optional<MessageKind> parseMessageKind(std::string_view s) {
  return lookup(kMessageKinds, s);
}
std::optional<DialogStatus> parseDialogStatus(std::string_view s) { return lookup(kStatuses, s); }
std::optional<Channel> parseChannel(std::string_view s) { return lookup(kChannels, s); }
std::optional<ParticipantRole> parseParticipantRole(std::string_view s) {
  return lookup(kParticipantRoles, s);
}
std::optional<Folder> parseFolder(std::string_view s) { return lookup(kFolders, s); }

Actor::Actor(const VisitorRef& visitor)
    : kind_(AuthorKind::Visitor), id_(visitor.id), sites_{visitor.siteId} {}

// A snapshot of the enabled memberships, like the Principal itself: a membership disabled later
// takes effect with the caller's next authentication.
Actor::Actor(const accounts::Principal& principal)
    : kind_(AuthorKind::Operator),
      id_(principal.user ? principal.user->id : 0),
      system_(principal.system) {
  for (const auto& m : principal.memberships) {
    if (!m.disabled) sites_.push_back(m.siteId);
  }
}

bool Actor::canSeeSite(const std::string& siteId) const {
  return system_ || std::find(sites_.begin(), sites_.end(), siteId) != sites_.end();
}

bool Actor::canAccess(const Dialog& d) const {
  if (isVisitor()) return d.visitorId == id_ && d.siteId == sites_.front();
  return canSeeSite(d.siteId);
}

}  // namespace callpy::core::dialogs
