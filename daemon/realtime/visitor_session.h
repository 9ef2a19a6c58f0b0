#pragma once
// One visitor tab's WebSocket (/ws/visitor): hello/welcome, messages with ack after commit,
// resume, typing previews and presence for operators. Frames are handled on a strand of the
// gateway's worker pool, in arrival order, so the event loop never waits for the database.
#include <memory>
#include <optional>
#include <string>

#include "core/dialogs/types.h"
#include "realtime/connection_kinds.h"
#include "realtime/realtime_server.h"
#include "realtime/session_support.h"
#include "realtime/worker_pool.h"

namespace callpy::realtime {

class ChatGateway;

struct VisitorSessionContext {
  std::string siteId;
  std::string widgetKey;  // to read the site's current settings (offline addresses)
  std::string siteName;
  std::string siteLanguage;
  std::string userAgent;
  std::string acceptLanguage;
  std::string peerAddress{};  // the socket's peer, for the location (F12)
};

class VisitorSession : public ConnectionHandler {
 public:
  VisitorSession(ChatGateway& gateway, VisitorSessionContext context);
  void onOpen(ConnectionRef connection) override;
  void onText(ConnectionRef connection, std::string_view text) override;
  void onClose(std::uint16_t code) override;

  // Everything the strand touches; shared so queued tasks outlive the handler.
  struct State {
    State(ChatGateway& g, VisitorSessionContext c) : gateway(g), context(std::move(c)) {}
    void handle(const std::string& text);
    void hello(const frames::Json& f);
    void message(const frames::Json& f);
    void resume(const frames::Json& f);
    void typing(const frames::Json& f);
    void presence(const std::string& type, const frames::Json& f);
    void contact(const std::string& type, const frames::Json& f);
    void offline(const frames::Json& f);
    void rate(const frames::Json& f);
    void call(const std::string& type, const frames::Json& f);  // call_* frames
    // The visitor's open dialog, opened (and routed) now when there is none.
    std::int64_t currentOrNewDialog(std::optional<std::int64_t> department);
    void closed();
    void send(const frames::Json& frame);
    void publishView();
    core::dialogs::VisitorRef ref() const { return {visitorId, context.siteId}; }

    ChatGateway& gateway;
    VisitorSessionContext context;
    ConnectionId connection = 0;
    std::int64_t visitorId = 0;  // 0 until hello
    std::optional<std::int64_t> dialogId;
    bool typingPreview = true;  // the site's setting at hello; off: drafts never leave here
    Throttle typingThrottle{5};
    Throttle presenceThrottle{10};
  };

 private:
  std::shared_ptr<State> state_;
  std::shared_ptr<Strand> strand_;
  ConnectionKindCount kindCount_{ConnectionKind::Visitor};  // callpy_ws_connections{kind=...}
};

}  // namespace callpy::realtime
