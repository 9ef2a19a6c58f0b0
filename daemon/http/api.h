#pragma once
// Registers the panel API (/api/panel/...) and the admin API (/api/admin/v1/...) routes.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <Poco/JSON/Object.h>

#include "core/accounts/account_service.h"
#include "core/accounts/preferences.h"
#include "core/dialogs/dialog_service.h"
#include "core/ports/call_store.h"
#include "core/quick_replies/quick_reply_service.h"
#include "core/sites/site_service.h"
#include "core/visitors/visitor_info_service.h"
#include "http/router.h"

namespace callpy::realtime {
class ChatGateway;
}
namespace callpy::core::files {
class FileService;
}
namespace callpy::storage {
class BackupSnapshot;
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
  core::visitors::VisitorInfoService* visitorInfo = nullptr;  // F4 visitor info (public listener)
  core::quick_replies::QuickReplyService* quickReplies = nullptr;  // F15 (public listener)
  core::accounts::PreferencesService* preferences = nullptr;  // panel preferences (public)
  core::files::FileService* files = nullptr;  // F16 uploads, F6 avatars (public listener)
  core::ports::CallStore* calls = nullptr;    // a dialog's calls for History (public listener)
  // Takes an online snapshot for POST /api/admin/v1/backup (handlers/backup.cpp).
  std::function<std::unique_ptr<storage::BackupSnapshot>()> backupSnapshot = nullptr;
};

constexpr const char* kSessionCookie = "callpy_session";

// Panel resources: on the public listener under /api/panel, on the admin socket under
// /api/admin/v1 (with administrator rights).
void registerResourceRoutes(Router& r, const std::string& prefix, ApiContext& ctx, bool admin);
// Sign-in, profile, reset and invitation endpoints (public listener only).
void registerAuthRoutes(Router& r, ApiContext& ctx);
// Dialogs, History and messages for the panel (public listener).
void registerDialogRoutes(Router& r, ApiContext& ctx);
// Dialog controls: rename/block visitors, Blocked list, invite, transfer, transcript (public).
void registerVisitorControlRoutes(Router& r, ApiContext& ctx);
// The operator's own panel preferences (public listener).
void registerPreferenceRoutes(Router& r, ApiContext& ctx);
// Quick replies of the panel's composer (public listener).
void registerQuickReplyRoutes(Router& r, ApiContext& ctx);
// Visitor information (F4): GET /api/panel/visitors/{id} (public listener).
void registerVisitorRoutes(Router& r, ApiContext& ctx);
// Uploads and downloads for the widget and the panel, avatars (public listener; files.cpp).
void registerFileRoutes(Router& r, ApiContext& ctx);
// The public URL path of an avatar ("/api/avatars/<file id>").
std::string avatarUrl(std::int64_t fileId);
// /ws/visitor and /ws/operator (public listener).
void registerRealtimeRoutes(Router& r, ApiContext& ctx);
// status and reload (admin socket only).
void registerAdminRoutes(Router& r, ApiContext& ctx);
// POST /api/admin/v1/backup: the archive streamed to callpyctl (admin socket only).
void registerBackupRoutes(Router& r, ApiContext& ctx);

}  // namespace callpy::http
