#pragma once
// F16: the "file" field of a client's msg frame ({"t":"msg","cid":…,"file":ID}) — an upload the
// sender made over HTTP (POST /api/widget/files, /api/panel/files) posted into a dialog.
#include <optional>
#include <string>

#include "core/dialogs/types.h"
#include "realtime/chat_frames.h"

namespace callpy::realtime {

class ChatGateway;

// nullopt when the frame has no "file"; otherwise the upload, which must be `a`'s own and of
// the dialog's site (throws Error(invalid/not_found, field "file") if not).
std::optional<core::dialogs::FileRef> attachedFile(ChatGateway& gateway,
                                                   const core::dialogs::Actor& a,
                                                   const frames::Json& frame,
                                                   const std::string& dialogSiteId);

// Adds "upload_max_bytes" (limits.max_upload_bytes) to the site object of a visitor's welcome,
// so the widget can refuse an oversize file before uploading it.
void addUploadLimit(ChatGateway& gateway, frames::Json site);

}  // namespace callpy::realtime
