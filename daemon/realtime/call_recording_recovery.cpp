// Recordings a stopped daemon left unconverted (issue 5, record/, "nothing lost"): at start, each
// sidecar whose raw files are there is queued on the converter, and the result goes through
// recorded() like any recording's, so it is stored as the recording operator's upload and posted
// in the call's dialog. What cannot be posted any more (the dialog or the operator is gone) is
// logged and removed rather than kept half-done. A recording stored before the daemon died (its
// sidecar has the file's id) is only posted again, which the dialog takes as the same message.
#include <algorithm>
#include <filesystem>
#include <string>

#include "core/dialogs/dialog_service.h"
#include "observability/log.h"
#include "realtime/call_gateway.h"
#include "realtime/chat_gateway.h"
#include "realtime/recording_sidecar.h"
#include "rtc/record/recording_writer.h"

namespace callpy::realtime {

namespace obs = callpy::observability;
namespace fs = std::filesystem;
using rtc::record::RecordingWriter;

namespace {

void removeRecording(const std::string& directory, const std::string& id) {
  std::error_code ec;
  for (const auto& path : RecordingWriter::rawFiles(directory, id)) {
    if (!path.empty()) fs::remove(path, ec);
  }
  // A converted file a crash left before recorded() removed it (it was stored, or is redone).
  for (const char* ext : {".ogg", ".webm"}) fs::remove(fs::path(directory) / (id + ext), ec);
  fs::remove(RecordingWriter::sidecarPath(directory, id), ec);
}

}  // namespace

void CallGateway::recoverRecordings() {
  if (!recorder_.writer || !recorder_.files || !recorder_.principalOf) return;
  const fs::path dir(recorder_.directory);
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return;
  std::vector<fs::path> sidecars;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const auto& p = entry.path();
    // A killed run's half-written files (a conversion's output, a sidecar): never resumed, and
    // a new conversion writes its output afresh.
    if (p.extension() == ".part") {
      std::error_code rm;
      fs::remove(p, rm);
      continue;
    }
    if (p.extension() == ".json" && entry.is_regular_file(ec)) sidecars.push_back(p);
  }
  for (const auto& path : sidecars) {
    RecordingSidecar s;
    try {
      s = readSidecar(path.string());
      if (path.stem().string() != s.id) throw SidecarError("recording sidecar: its id is not its name");
    } catch (const SidecarError& e) {
      // Left in place for the administrator: deleting raw media we cannot attribute loses it.
      obs::logError("call.recording_sidecar_invalid", {{"file", path.string()}, {"error", e.what()}});
      continue;
    }
    const auto raw = RecordingWriter::rawFiles(recorder_.directory, s.id);
    if (std::all_of(raw.begin(), raw.end(), [](const std::string& p) { return p.empty(); })) {
      // Stopped before its first packet was written (or after its files went): nothing to post.
      fs::remove(path, ec);
      obs::logInfo("call.recording_empty", {{"call", s.callId}, {"recording", s.id}});
      continue;
    }
    ActiveRecording a;
    a.call.id = s.callId;
    a.call.siteId = s.siteId;
    a.call.dialogId = s.dialogId;
    a.call.visitorId = s.visitorId;
    a.startedMs = s.startedMs;
    std::string problem;
    try {
      auto principal = recorder_.principalOf(s.userId);
      if (!principal || !principal->user) {
        problem = "the recording operator's account is gone";
      } else {
        a.by = std::move(*principal);
        // Throws when the dialog is gone or no longer the operator's to post in.
        (void)chat_.dialogs().dialog(core::dialogs::Actor(a.by), s.dialogId);
      }
    } catch (const std::exception& e) {
      // Only a final answer (no such dialog, not theirs) discards the media; a passing failure
      // (the database, say) keeps it for the next start.
      if (!recoveryMayDiscard(e)) {
        obs::logError("call.recording_recovery_deferred",
                      {{"call", s.callId}, {"recording", s.id}, {"error", e.what()}});
        continue;
      }
      problem = std::string("the call's dialog cannot be posted in: ") + e.what();
    }
    if (!problem.empty()) {
      removeRecording(recorder_.directory, s.id);
      obs::logError("call.recording_not_stored",
                    {{"call", s.callId}, {"recording", s.id}, {"error", problem}});
      continue;
    }
    if (s.fileId > 0) {
      // Stored before the daemon died (recorded() notes the file's id in the sidecar before it
      // posts): not converted or stored again, only posted, which is a no-op when the post made
      // it too (its cid is already in the dialog). The leftovers go once the post is done.
      try {
        postRecording(a, s.id, s.fileId, [dir = recorder_.directory, id = s.id, call = s.callId](bool ok) {
          removeRecording(dir, id);
          if (!ok) obs::logError("call.recording_not_stored", {{"call", call}, {"recording", id},
                                                               {"error", "the post failed"}});
        });
        obs::logInfo("call.recording_recovered",
                     {{"call", s.callId}, {"recording", s.id}, {"file", std::to_string(s.fileId)}});
      } catch (const std::exception& e) {
        if (!recoveryMayDiscard(e)) {  // a passing failure: try again at the next start
          obs::logError("call.recording_recovery_deferred",
                        {{"call", s.callId}, {"recording", s.id}, {"error", e.what()}});
          continue;
        }
        // The stored file is gone (deleted since) or not attachable: nothing left to post.
        removeRecording(recorder_.directory, s.id);
        obs::logError("call.recording_not_stored",
                      {{"call", s.callId}, {"recording", s.id}, {"error", e.what()}});
      }
      continue;
    }
    {
      std::lock_guard lock(recordingsMutex_);
      recordings_[s.id] = std::move(a);
    }
    bool queued = false;
    try {
      queued = recorder_.writer->convertExisting(
          recorder_.directory, s.id, [this](const rtc::record::RecordingResult& r) { recorded(r); });
    } catch (const std::exception& e) {
      obs::logError("call.recording_not_stored",
                    {{"call", s.callId}, {"recording", s.id}, {"error", e.what()}});
    }
    if (!queued) {
      std::lock_guard lock(recordingsMutex_);
      recordings_.erase(s.id);
      continue;
    }
    obs::logInfo("call.recording_recovered", {{"call", s.callId}, {"recording", s.id}});
  }
}

}  // namespace callpy::realtime
