#pragma once
// One operator tab's WebSocket (/ws/operator): live visitors of its sites, dialogs, messages with
// ack after commit, typing both ways, starting and closing chats, and the operator's status.
#include <map>
#include <memory>
#include <string>

#include "core/accounts/types.h"
#include "core/dialogs/types.h"
#include "realtime/connection_kinds.h"
#include "realtime/realtime_server.h"
#include "realtime/session_support.h"
#include "realtime/worker_pool.h"

namespace callpy::realtime {

class ChatGateway;

class OperatorSession : public ConnectionHandler {
 public:
  OperatorSession(ChatGateway& gateway, core::accounts::Principal principal);
  void onOpen(ConnectionRef connection) override;
  void onText(ConnectionRef connection, std::string_view text) override;
  void onClose(std::uint16_t code) override;

  struct State {
    State(ChatGateway& g, core::accounts::Principal p) : gateway(g), principal(std::move(p)) {}
    void handle(const std::string& text);
    void hello();
    void message(const frames::Json& f);
    void resume(const frames::Json& f);
    void typing(const frames::Json& f);
    void start(const frames::Json& f);
    void close(const frames::Json& f);
    void status(const frames::Json& f);
    void rateRequest(const frames::Json& f);
    void transfer(const frames::Json& f);
    void call(const std::string& type, const frames::Json& f);  // call_* frames
    // rename, block, invite, transcript (operator_controls.cpp); false for another type.
    bool controls(const std::string& type, const frames::Json& f);
    void closed();
    void send(const frames::Json& frame);
    // The dialog, checked against the operator's sites (cached: site and visitor never change).
    const core::dialogs::Dialog& dialog(std::int64_t id);
    std::vector<std::string> sites() const;
    std::string displayName() const;

    ChatGateway& gateway;
    core::accounts::Principal principal;
    ConnectionId connection = 0;
    bool greeted = false;
    std::string state = "online";
    std::map<std::int64_t, core::dialogs::Dialog> dialogs;
    Throttle typingThrottle{5};
  };

 private:
  std::shared_ptr<State> state_;
  std::shared_ptr<Strand> strand_;
  ConnectionKindCount kindCount_{ConnectionKind::Operator};  // callpy_ws_connections{kind=...}
};

}  // namespace callpy::realtime
