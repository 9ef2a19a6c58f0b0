// Call recording (issue 5, record/): «Запись» starts a recording of every relayed track; when it
// is switched off or the call ends, the writer makes an Ogg Opus (audio) or WebM (video) file,
// which is stored like an upload of the operator who recorded and posted in the call's dialog,
// so it is in the dialog and in History.
#include <Poco/DateTime.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Timestamp.h>

#include <filesystem>
#include <fstream>

#include "core/files/file_service.h"
#include "observability/log.h"
#include "realtime/call_gateway.h"
#include "realtime/chat_gateway.h"
#include "realtime/recording_sidecar.h"
#include "rtc/call/media_engine.h"
#include "rtc/record/recording_writer.h"

namespace callpy::realtime {

namespace obs = callpy::observability;

void CallGateway::record(const core::calls::Call& c, const core::accounts::Principal* by) {
  if (!c.recording) {
    stopRecording(c.id);
    return;
  }
  if (!recorder_.writer || !recorder_.files || !by || !by->user) return;
  std::lock_guard lock(recordingsMutex_);
  for (const auto& [id, r] : recordings_) {
    if (r.call.id == c.id) return;  // already recording
  }
  // One file per on…off stretch of the call: the recording's id names its part.
  const auto id = c.id + "-" + std::to_string(++recordingParts_);
  // The sidecar first: from the first raw byte on, a restart can finish this recording.
  const RecordingSidecar sidecar{id, c.id, c.siteId, c.dialogId, c.visitorId, by->user->id, now()};
  bool resumable = true;
  try {
    std::filesystem::create_directories(recorder_.directory);
    writeSidecar(rtc::record::RecordingWriter::sidecarPath(recorder_.directory, id), sidecar);
  } catch (const std::exception& e) {
    // Still recorded, only not resumable: a stop before its conversion would lose it.
    resumable = false;
    obs::logWarning("call.recording_sidecar_failed", {{"call", c.id}, {"error", e.what()}});
  }
  auto recording = recorder_.writer->start(
      recorder_.directory, id, [this](const rtc::record::RecordingResult& r) { recorded(r); }, resumable);
  recordings_[id] = {recording, *by, c, sidecar.startedMs};
  media_.setRecording(c.id, recording);
}

void CallGateway::stopRecording(const std::string& callId) {
  std::shared_ptr<rtc::record::Recording> recording;
  {
    std::lock_guard lock(recordingsMutex_);
    for (const auto& [id, r] : recordings_) {
      if (r.call.id == callId) recording = r.recording;
    }
  }
  if (!recording) return;
  media_.setRecording(callId, nullptr);
  recording->finish();  // the writer converts it and calls recorded() on its own thread
}

void CallGateway::noteStored(const ActiveRecording& a, const std::string& id, std::int64_t fileId) {
  const auto path = rtc::record::RecordingWriter::sidecarPath(recorder_.directory, id);
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return;  // not resumable: nothing to restart from
  // Rewritten atomically (writeSidecar): a restart sees either "not stored" (and converts and
  // stores again; the post is still not repeated, see postRecording) or this file's id.
  const RecordingSidecar s{id,          a.call.id, a.call.siteId, a.call.dialogId, a.call.visitorId,
                           a.by.user->id, a.startedMs, fileId};
  try {
    writeSidecar(path, s);
  } catch (const std::exception& e) {
    obs::logWarning("call.recording_sidecar_failed", {{"call", a.call.id}, {"error", e.what()}});
  }
}

void CallGateway::postRecording(const ActiveRecording& a, const std::string& id, std::int64_t fileId,
                                std::function<void(bool ok)> posted) {
  // The cid is the recording's own id: posting it again (a restart after a post the daemon had
  // not yet cleaned up after) gives back the message already there (DialogService: a cid is
  // posted once per author and dialog), so the dialog never shows a recording twice.
  const auto cid = "rec-" + id;
  auto ref = recorder_.files->attachable(a.by, fileId, a.call.siteId);
  const auto author = a.by.user->name.empty() ? a.by.user->email.substr(0, a.by.user->email.find('@'))
                                              : a.by.user->name;
  auto fanOut = chat_.ackAndFanOut(0, a.call.siteId, a.call.visitorId, cid, author,
                                   chat_.operatorAvatar(a.by.user->id));
  chat_.dialogs().postFileMessageAsync(
      a.by, a.call.dialogId, cid, ref,
      [fanOut = std::move(fanOut), posted = std::move(posted)](
          std::optional<core::dialogs::PostResult> result, std::exception_ptr error) {
        fanOut(result, error);
        if (posted) posted(!error);
      });
}

void CallGateway::recorded(const rtc::record::RecordingResult& r) {
  ActiveRecording a;
  {
    std::lock_guard lock(recordingsMutex_);
    auto it = recordings_.find(r.callId);
    if (it == recordings_.end()) return;
    a = std::move(it->second);
    recordings_.erase(it);
  }
  if (r.deferred) {
    obs::logInfo("call.recording_deferred", {{"call", a.call.id}, {"recording", r.callId}});
    return;
  }
  if (!r.ok) {
    obs::logWarning("call.recording_failed", {{"call", a.call.id}, {"error", r.error}});
    return;
  }
  try {
    const bool en = chat_.siteLanguage(a.call.siteId) == "en";
    // When the recording started, so that one converted after a restart is named like the others.
    const auto stamp = Poco::DateTimeFormatter::format(
        Poco::DateTime(Poco::Timestamp(static_cast<Poco::Timestamp::TimeVal>(a.startedMs) * 1000)),
        "%Y-%m-%d %H.%M");
    const auto ext = r.mediaType == "video/webm" ? ".webm" : ".ogg";
    const auto name = (en ? "Call recording " : "Запись звонка ") + stamp + ext;
    std::ifstream in(r.path, std::ios::binary);
    auto file = recorder_.files->storeRecording(a.by, a.call.siteId, name, in);
    in.close();
    noteStored(a, r.callId, file.id);
    std::filesystem::remove(r.path);
    postRecording(a, r.callId, file.id);
    const auto& conv = r.conversion;
    const char* video = conv.composite ? "composite" : conv.videoFrames ? "passthrough" : "none";
    obs::logInfo("call.recording_stored",
                 {{"call", a.call.id},
                  {"file", std::to_string(file.id)},
                  {"ms", std::to_string(static_cast<long long>(r.durationMs))},
                  {"type", r.mediaType},
                  {"video", video},
                  {"tiles", std::to_string(conv.tiles)},
                  {"size", std::to_string(conv.width) + "x" + std::to_string(conv.height)},
                  {"codecs", conv.negotiatedCodecs ? "negotiated" : "sniffed"},
                  {"skipped", std::to_string(conv.skippedPackets)},
                  {"convert_ms", std::to_string(static_cast<long long>(conv.convertMs))}});
  } catch (const std::exception& e) {
    std::error_code ec;
    std::filesystem::remove(r.path, ec);  // given up on: no converted file left behind
    obs::logWarning("call.recording_not_stored", {{"call", a.call.id}, {"error", e.what()}});
  }
}

}  // namespace callpy::realtime
