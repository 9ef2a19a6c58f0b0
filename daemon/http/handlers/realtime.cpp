// WebSocket endpoints: the upgrade is answered here, then the socket leaves the HTTP thread for
// the realtime event loops (DESIGN §3).

#include "http/api.h"
#include "http/exchange.h"
#include "realtime/chat_gateway.h"

namespace callpy::http {

void registerRealtimeRoutes(Router& r, ApiContext& ctx) {
  r.add("GET", "/ws/visitor", Access::Public, [&ctx](Exchange& ex) {
    auto key = ex.query("key");
    ex.markBodyConsumed();
    ctx.chat->upgradeVisitor(ex.request(), ex.response(), key);
  });
  r.add("GET", "/ws/operator", Access::Session, [&ctx](Exchange& ex) {
    ex.markBodyConsumed();
    ctx.chat->upgradeOperator(ex.request(), ex.response(), ex.principal);
  });
}

}  // namespace callpy::http
