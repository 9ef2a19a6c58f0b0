// WebSocket endpoints: the upgrade is answered here, then the socket leaves the HTTP thread for
// the realtime event loops (DESIGN §3).
#include <Poco/URI.h>

#include "http/api.h"
#include "http/exchange.h"
#include "realtime/chat_gateway.h"

namespace callpy::http {

void registerRealtimeRoutes(Router& r, ApiContext& ctx) {
  r.add("GET", "/ws/visitor", Access::Public, [&ctx](Exchange& ex) {
    std::string key;
    for (const auto& [name, value] : Poco::URI(ex.request().getURI()).getQueryParameters()) {
      if (name == "key") key = value;
    }
    ex.markBodyConsumed();
    ctx.chat->upgradeVisitor(ex.request(), ex.response(), key);
  });
  r.add("GET", "/ws/operator", Access::Session, [&ctx](Exchange& ex) {
    ex.markBodyConsumed();
    ctx.chat->upgradeOperator(ex.request(), ex.response(), ex.principal);
  });
}

}  // namespace callpy::http
