#include "realtime/file_messages.h"

#include "core/common/error.h"
#include "core/files/file_service.h"
#include "realtime/chat_gateway.h"
#include "realtime/session_support.h"

namespace callpy::realtime {

std::optional<core::dialogs::FileRef> attachedFile(ChatGateway& gateway,
                                                   const core::dialogs::Actor& a,
                                                   const frames::Json& frame,
                                                   const std::string& dialogSiteId) {
  if (!frame->has("file")) return std::nullopt;
  auto id = intField(frame, "file");
  if (!id || *id <= 0) throw core::invalid("file must be the id of an upload", "file");
  if (!gateway.files()) throw core::Error(core::ErrorCode::Unavailable, "files are not enabled");
  return gateway.files()->attachable(a, *id, dialogSiteId);
}

void addUploadLimit(ChatGateway& gateway, frames::Json site) {
  if (gateway.files()) site->set("upload_max_bytes", gateway.files()->maxUploadBytes());
}

}  // namespace callpy::realtime
