#include "realtime/device_session.h"

#include "core/common/error.h"
#include "realtime/call_gateway.h"
#include "realtime/session_support.h"

namespace callpy::realtime {

DeviceSession::DeviceSession(CallGateway& calls, WorkerPool& pool, core::calls::DeviceLink link)
    : state_(std::make_shared<State>(State{calls, std::move(link)})),
      strand_(std::make_shared<Strand>(pool)) {}

void DeviceSession::onOpen(ConnectionRef connection) {
  state_->connection = connection.id();
  strand_->post([state = state_] { state->calls.deviceOpened(state->connection, state->link); });
}

void DeviceSession::onText(ConnectionRef, std::string_view text) {
  strand_->post([state = state_, t = std::string(text)] { state->handle(t); });
}

void DeviceSession::onClose(std::uint16_t) {
  strand_->post([state = state_] { state->calls.deviceClosed(state->connection, state->link); });
}

void DeviceSession::State::handle(const std::string& text) {
  std::string problem;
  auto frame = parseClientFrame(text, problem);
  if (!frame) {
    calls.sendTo(connection, frames::error("invalid", problem));
    return;
  }
  const auto type = (*frame)->getValue<std::string>("t");
  try {
    calls.deviceFrame(connection, link, type, *frame);
  } catch (...) {
    calls.sendTo(connection, errorFrame(std::current_exception(), stringField(*frame, "cid")));
  }
}

}  // namespace callpy::realtime
