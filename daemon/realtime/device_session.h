#pragma once
// A phone (or any other device) carrying an operator's side of one call (F18, F20, F23): the
// socket /ws/call?token=… is opened from a one-time link the panel showed as a QR code. It may
// only answer, send media signalling for and hang up that one call, as that operator.
#include <memory>
#include <string>

#include "core/calls/device_links.h"
#include "realtime/connection_kinds.h"
#include "realtime/realtime_server.h"
#include "realtime/worker_pool.h"

namespace callpy::realtime {

class CallGateway;

class DeviceSession : public ConnectionHandler {
 public:
  DeviceSession(CallGateway& calls, WorkerPool& pool, core::calls::DeviceLink link);
  void onOpen(ConnectionRef connection) override;
  void onText(ConnectionRef connection, std::string_view text) override;
  void onClose(std::uint16_t code) override;

  struct State {
    CallGateway& calls;
    core::calls::DeviceLink link;
    ConnectionId connection = 0;
    void handle(const std::string& text);
  };

 private:
  std::shared_ptr<State> state_;
  std::shared_ptr<Strand> strand_;
  ConnectionKindCount kindCount_{ConnectionKind::CallDevice};  // callpy_ws_connections{kind=...}
};

}  // namespace callpy::realtime
