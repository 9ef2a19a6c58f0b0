#pragma once
// The sidecar of a call recording (issue 5, record/, "nothing lost"): written next to the raw
// track files when a recording starts, it holds what CallGateway::recorded() needs to store the
// finished file and post it in the call's dialog. A daemon stopped before the conversion leaves
// the raw files and this; the next start converts and posts them (call_recording_recovery.cpp).
// The raw files are named by the writer's rule, "<id>.<track>.rtp" in the same directory.
#include <cstdint>
#include <exception>
#include <stdexcept>
#include <string>

namespace callpy::realtime {

struct RecordingSidecar {
  std::string id;      // the recording's id: "<call id>-<part>", names the raw files
  std::string callId;  // 32 hex characters
  std::string siteId;
  std::int64_t dialogId = 0;
  std::int64_t visitorId = 0;
  std::int64_t userId = 0;     // the operator who recorded: the stored file is theirs
  std::int64_t startedMs = 0;  // when the recording started (Unix ms)
  // Set (the sidecar rewritten) once the converted file is stored, before it is posted: a restart
  // then posts that file instead of converting and storing the recording again
  // (call_recording_recovery.cpp). 0: not stored yet; left out of the JSON then.
  std::int64_t fileId = 0;
};

// A sidecar that cannot be used: unreadable, not JSON, truncated, a field missing or invalid.
class SidecarError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

std::string encodeSidecar(const RecordingSidecar& s);
// Throws SidecarError saying what is wrong.
RecordingSidecar decodeSidecar(const std::string& text);
// Written under a temporary name, fsync'd and renamed (then the directory fsync'd), so a reader
// sees the whole sidecar or none. Throws SidecarError.
void writeSidecar(const std::string& path, const RecordingSidecar& s);
RecordingSidecar readSidecar(const std::string& path);

// Whether an error met while recovering a recording at start is final (the dialog or the
// recording operator is gone, or the dialog is no longer theirs), so its media may be deleted.
// Any other failure (the database, say) keeps the files for the next start.
bool recoveryMayDiscard(const std::exception& e);

}  // namespace callpy::realtime
