// Dialog-control frames of an operator tab (F17): rename / block a visitor, invite an operator,
// e-mail the transcript. Each may carry a `cid`; success answers {"t":"done","cid","op"} to this
// tab, a failure the usual `err` with that cid (see protocol.md "Dialog controls").
#include "core/common/error.h"
#include "realtime/chat_gateway.h"
#include "realtime/operator_session.h"

namespace callpy::realtime {

namespace {
frames::Json done(const std::string& op, const std::string& cid) {
  auto f = frames::object("done");
  f->set("op", op);
  if (!cid.empty()) f->set("cid", cid);
  return f;
}
}  // namespace

bool OperatorSession::State::controls(const std::string& type, const frames::Json& f) {
  const auto cid = stringField(f, "cid");
  if (type == "rename") {
    auto visitor = intField(f, "visitor");
    if (!visitor) throw core::invalid("visitor is required", "visitor");
    if (!f->has("name") || !f->get("name").isString()) throw core::invalid("name is required", "name");
    gateway.renameVisitor(principal, *visitor, f->getValue<std::string>("name"));
  } else if (type == "block") {
    auto visitor = intField(f, "visitor");
    if (!visitor) throw core::invalid("visitor is required", "visitor");
    bool blocked = !f->has("blocked") || !f->get("blocked").isBoolean() || f->getValue<bool>("blocked");
    gateway.blockVisitor(principal, *visitor, blocked);
  } else if (type == "invite") {
    auto id = intField(f, "dialog");
    auto user = intField(f, "user");
    if (!id) throw core::invalid("dialog is required", "dialog");
    if (!user) throw core::invalid("user is required", "user");
    gateway.invite(principal, *id, *user);
  } else if (type == "transcript") {
    auto id = intField(f, "dialog");
    if (!id) throw core::invalid("dialog is required", "dialog");
    auto to = gateway.emailTranscript(principal, *id, stringField(f, "email").substr(0, 254));
    auto answer = done(type, cid);
    answer->set("email", to);
    send(answer);
    return true;
  } else {
    return false;
  }
  send(done(type, cid));
  return true;
}

}  // namespace callpy::realtime
