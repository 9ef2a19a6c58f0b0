#include "realtime/chat_frames.h"

#include <Poco/JSON/Stringifier.h>

#include <sstream>

#include "core/files/avatar_directory.h"

namespace callpy::realtime::frames {

using namespace core::dialogs;

Json object(const char* type) {
  Json o = new Poco::JSON::Object;
  o->set("t", std::string(type));
  return o;
}

std::string text(const Json& frame) {
  std::ostringstream os;
  Poco::JSON::Stringifier::condense(frame, os);
  return os.str();
}

Json message(const Message& m, const std::string& authorName,
             std::optional<std::int64_t> avatarFileId) {
  auto o = object("msg");
  o->set("dialog", m.dialogId);
  o->set("seq", m.seq);
  o->set("id", m.id);
  if (!m.cid.empty()) o->set("cid", m.cid);
  Json author = new Poco::JSON::Object;
  author->set("kind", std::string(authorKindName(m.authorKind)));
  author->set("id", m.authorId);
  author->set("name", authorName);
  if (avatarFileId) author->set("avatar", core::files::avatarPath(*avatarFileId));
  o->set("author", author);
  o->set("kind", std::string(messageKindName(m.kind)));
  o->set("text", m.body);
  o->set("ts", millis(m.createdAt));
  if (m.file) o->set("file", file(*m.file));
  return o;
}

Json file(const FileRef& f) {
  Json o = new Poco::JSON::Object;
  o->set("id", f.id);
  o->set("name", f.name);
  o->set("size", f.size);
  o->set("mime", f.mime);
  return o;
}

Json ack(const Message& m) {
  auto o = object("ack");
  o->set("cid", m.cid);
  o->set("id", m.id);
  o->set("dialog", m.dialogId);
  o->set("seq", m.seq);
  o->set("ts", millis(m.createdAt));
  return o;
}

Json error(const std::string& code, const std::string& message, const std::string& cid) {
  auto o = object("err");
  o->set("code", code);
  o->set("message", message);
  if (!cid.empty()) o->set("cid", cid);
  return o;
}

Json dialog(const Dialog& d) {
  Json inner = new Poco::JSON::Object;
  inner->set("id", d.id);
  inner->set("site", d.siteId);
  inner->set("visitor", d.visitorId);
  inner->set("status", std::string(dialogStatusName(d.status)));
  inner->set("last_seq", d.lastSeq);
  if (d.assigneeId) inner->set("assignee", *d.assigneeId);
  else inner->set("assignee", Poco::Dynamic::Var());
  inner->set("important", d.important);
  if (d.rating) inner->set("rating", *d.rating);
  else inner->set("rating", Poco::Dynamic::Var());
  inner->set("rating_comment", d.ratingComment);
  auto o = object("dialog");
  o->set("dialog", inner);
  return o;
}

}  // namespace callpy::realtime::frames
