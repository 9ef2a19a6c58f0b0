// WebSocket endpoints: the upgrade is answered here, then the socket leaves the HTTP thread for
// the realtime event loops (DESIGN §3).

#include "http/api.h"
#include "http/exchange.h"
#include "core/common/error.h"
#include "realtime/call_gateway.h"
#include "realtime/chat_gateway.h"

namespace callpy::http {

void registerRealtimeRoutes(Router& r, ApiContext& ctx) {
  r.add("GET", "/ws/visitor", Access::Public, [&ctx](Exchange& ex) {
    auto key = ex.query("key");
    ex.markBodyConsumed();
    ctx.chat->upgradeVisitor(ex.request(), ex.response(), key);
  });
  // A phone carrying an operator's side of a call, from a one-time link (F18, F20, F23).
  r.add("GET", "/ws/call", Access::Public, [&ctx](Exchange& ex) {
    auto token = ex.query("token");
    ex.markBodyConsumed();
    if (auto* calls = ctx.chat->calls()) {
      calls->upgradeDevice(ex.request(), ex.response(), token);
    } else {
      throw core::Error(core::ErrorCode::NotFound, "calls are not enabled on this server");
    }
  });
  r.add("GET", "/ws/operator", Access::Session, [&ctx](Exchange& ex) {
    ex.markBodyConsumed();
    ctx.chat->upgradeOperator(ex.request(), ex.response(), ex.principal);
  });
}

}  // namespace callpy::http
