// POST /api/admin/v1/backup: the daemon owns the data dir (and, sandboxed by systemd, may write
// nowhere else), so it takes the snapshot and streams the archive over the admin socket;
// callpyctl writes the file as the administrator, verifies it and renames it into place.
#include <chrono>

#include "http/api.h"
#include "http/exchange.h"
#include "observability/log.h"
#include "storage/backup_snapshot.h"

namespace callpy::http {

namespace obs = callpy::observability;

void registerBackupRoutes(Router& r, ApiContext& ctx) {
  r.add("POST", "/api/admin/v1/backup", Access::Session, [&ctx](Exchange& ex) {
    if (!ctx.backupSnapshot) throw core::Error(core::ErrorCode::Unavailable, "backups are not available");
    const auto started = std::chrono::steady_clock::now();
    std::unique_ptr<storage::BackupSnapshot> snapshot;
    try {
      snapshot = ctx.backupSnapshot();
    } catch (const storage::StorageError& e) {
      obs::logError("backup.failed", {{"error", e.what()}});
      throw core::Error(core::ErrorCode::Internal, std::string("backup failed: ") + e.what());
    }
    const auto& m = snapshot->manifest();
    auto& resp = ex.response();
    resp.setStatus(Poco::Net::HTTPResponse::HTTP_OK);
    resp.setContentType("application/x-tar");
    // Chunked, not a Content-Length: a failure half-way is reported inside the archive
    // (an ERROR entry), which a fixed length would cut off.
    resp.setChunkedTransferEncoding(true);
    resp.set("X-Callpy-Backup-Size", std::to_string(snapshot->archiveSize()));
    resp.set("Cache-Control", "no-store");
    auto& out = resp.send();
    try {
      snapshot->writeTo(out);
    } catch (const std::exception& e) {
      obs::logError("backup.failed", {{"error", e.what()}});
      return;  // the archive says why; the answer is already under way
    }
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - started).count();
    obs::logNotice("backup.sent", {{"bytes", std::to_string(snapshot->archiveSize())},
                                   {"dialogs", std::to_string(m.dialogs)},
                                   {"messages", std::to_string(m.messages)},
                                   {"files", std::to_string(m.files.size())},
                                   {"ms", std::to_string(ms)}});
  });
}

}  // namespace callpy::http
