#pragma once
// Registers the panel API (/api/panel/...) and the admin API (/api/admin/v1/...) routes.
#include <functional>
#include <string>
#include <vector>

#include <Poco/JSON/Object.h>

#include "core/accounts/account_service.h"
#include "core/dialogs/dialog_service.h"
#include "core/sites/site_service.h"
#include "http/router.h"

namespace callpy::realtime {
class ChatGateway;
}

namespace callpy::http {

struct ApiContext {
  core::accounts::AccountService& accounts;
  core::sites::SiteService& sites;
  bool secureCookies = false;  // Secure attribute on the session cookie (under TLS)
  // Admin-only hooks, set by the app.
  std::function<Poco::JSON::Object::Ptr()> status;
  std::function<std::vector<std::string>()> reload;  // returns config errors (empty: ok)
  realtime::ChatGateway* chat = nullptr;  // WebSocket endpoints (public listener)
  core::dialogs::DialogService* dialogs = nullptr;  // dialogs REST (public listener)
};

constexpr const char* kSessionCookie = "callpy_session";

// Panel resources: on the public listener under /api/panel, on the admin socket under
// /api/admin/v1 (with administrator rights).
void registerResourceRoutes(Router& r, const std::string& prefix, ApiContext& ctx, bool admin);
// Sign-in, profile, reset and invitation endpoints (public listener only).
void registerAuthRoutes(Router& r, ApiContext& ctx);
// Dialogs, History and messages for the panel (public listener).
void registerDialogRoutes(Router& r, ApiContext& ctx);
// /ws/visitor and /ws/operator (public listener).
void registerRealtimeRoutes(Router& r, ApiContext& ctx);
// status and reload (admin socket only).
void registerAdminRoutes(Router& r, ApiContext& ctx);

}  // namespace callpy::http
