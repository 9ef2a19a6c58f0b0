// Admin-socket-only endpoints: status, reload and (handlers/backup.cpp) backup.
#include <Poco/JSON/Array.h>

#include "http/api.h"
#include "http/exchange.h"
#include "http/handlers/render.h"

namespace callpy::http {

void registerAdminRoutes(Router& r, ApiContext& ctx) {
  r.add("GET", "/api/admin/v1/status", Access::Session,
        [&ctx](Exchange& ex) { ex.sendJson(200, ctx.status()); });
  r.add("POST", "/api/admin/v1/bootstrap", Access::Session, [&ctx](Exchange& ex) {
    auto email = requireString(ex.json(), "email");
    auto password = ctx.accounts.bootstrapOwner(email);
    auto body = object();
    body->set("email", core::accounts::normalizeEmail(email));
    body->set("password", password);
    ex.sendJson(201, body);
  });
  r.add("POST", "/api/admin/v1/reload", Access::Session, [&ctx](Exchange& ex) {
    auto errors = ctx.reload();
    if (errors.empty()) {
      ex.sendJson(200, object());
      return;
    }
    std::string joined;
    for (const auto& e : errors) joined += (joined.empty() ? "" : "\n") + e;
    ex.sendError(core::invalid("the configuration has errors; nothing was changed:\n" + joined));
  });
  registerBackupRoutes(r, ctx);
}

}  // namespace callpy::http
