#pragma once
// Call signalling (F18–F20, protocol.md "Calls") over the chat sockets: starts, rings, answers
// and ends calls (core/calls/CallRegistry), stores them (CallStore), and hands each participant's
// SDP offer and ICE candidates to the media path (rtc/call/MediaEngine), whose answers and leg
// states come back here as frames to that participant's tab.
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/accounts/types.h"
#include "core/calls/call_registry.h"
#include "core/calls/call_routing.h"
#include "core/calls/device_links.h"
#include "core/ports/call_store.h"
#include "realtime/chat_frames.h"
#include "realtime/realtime_server.h"

namespace callpy::rtc::call {
class MediaEngine;
}
namespace callpy::rtc::record {
class Recording;
class RecordingWriter;
struct RecordingResult;
}
namespace callpy::core::files {
class FileService;
}

namespace callpy::realtime {

class ChatGateway;

// Who sent a call frame: an operator (with the dialog access check of its session) or a visitor.
struct CallSender {
  core::calls::Participant participant;
  std::string siteId;                    // visitors: their site
  const core::accounts::Principal* principal = nullptr;  // operators
};

class CallGateway {
 public:
  using Clock = std::function<std::int64_t()>;  // Unix milliseconds
  CallGateway(ChatGateway& chat, core::ports::CallStore& store, rtc::call::MediaEngine& media,
              Clock clock = {});
  ~CallGateway();  // stops the ring timer
  CallGateway(const CallGateway&) = delete;
  CallGateway& operator=(const CallGateway&) = delete;

  // Ends the calls a stopped daemon left open and starts the ring-timeout thread.
  void start();
  void stop();

  // call_* frames from an operator tab. `dialogOf` checks the dialog against the operator's sites.
  void operatorFrame(const CallSender& from, const std::string& type, const frames::Json& f,
                     const std::function<core::dialogs::Dialog(std::int64_t)>& dialogOf);
  // call_* frames from a visitor tab; `dialogId` opens the visitor's dialog when needed.
  void visitorFrame(const CallSender& from, const std::string& type, const frames::Json& f,
                    const std::function<std::int64_t()>& dialogId);
  void visitorLeft(std::int64_t visitorId);
  // Another device of an operator (device_session.cpp): /ws/call?token=… from a one-time link.
  void upgradeDevice(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp,
                     const std::string& token);
  void deviceOpened(ConnectionId tab, const core::calls::DeviceLink& link);
  void deviceFrame(ConnectionId tab, const core::calls::DeviceLink& link, const std::string& type,
                   const frames::Json& f);
  void deviceClosed(ConnectionId tab, const core::calls::DeviceLink& link);
  void sendTo(ConnectionId tab, const frames::Json& frame);
  // A visitor or operator tab closed: the calls it carried end.
  void tabClosed(ConnectionId tab);
  // An operator went offline (tab closed, away/offline): its pending invitations end now
  // (call_invite_state "offline" to the inviting operators; call_invite.cpp).
  void dropOfflineInvites();
  // The calls still ringing on these sites, to an operator tab that just connected.
  void sendRinging(ConnectionId tab, const std::vector<std::string>& sites);
  // Ends ringing calls past the ring timeout (the timer thread calls it every second).
  void expireRinging();
  std::size_t activeCalls() const { return registry_.activeCount(); }

  static frames::Json callFrame(const core::calls::Call& c);

  // rtc.turn: TURN servers for browsers, with credentials per call in the `call` frames.
  struct Turn {
    std::vector<std::string> urls;
    std::string secret;
    int ttlSeconds = 3600;
  };
  void setTurn(Turn turn) { turn_ = std::move(turn); }

  // Recording (call_recording.cpp): the writer, where raw and finished files go, and the file
  // service that attaches each finished recording to the call's dialog.
  struct Recorder {
    rtc::record::RecordingWriter* writer = nullptr;
    std::string directory;
    core::files::FileService* files = nullptr;
    // The recording operator after a restart (call_recording_recovery.cpp): nullopt when the
    // account is gone.
    std::function<std::optional<core::accounts::Principal>(std::int64_t userId)> principalOf;
  };
  void setRecorder(Recorder recorder) { recorder_ = std::move(recorder); }
  // At start: converts, stores and posts the recordings an earlier run left unconverted (their
  // sidecars, recording_sidecar.h), like recorded() does for a call that just ended.
  void recoverRecordings();

 private:
  void startCall(const core::calls::StartRequest& r, const core::calls::RingOptions& ringing = {});
  void deviceLink(const CallSender& from, const frames::Json& f);
  // call_record on/off: starts or finishes the call's recording (one file per on…off stretch).
  void record(const core::calls::Call& c, const core::accounts::Principal* by);
  void stopRecording(const std::string& callId);
  void recorded(const rtc::record::RecordingResult& r);
  void media(const CallSender& from, const std::string& type, const frames::Json& f);
  void changed(const core::calls::Call& c);  // store + announce a call that is not over
  void finished(const core::calls::Call& c);  // store, close media, announce, note in dialog
  void announce(const core::calls::Call& c, const frames::Json& frame);
  void noteInDialog(const core::calls::Call& c);
  // F21 (call_ringing.cpp): who is rung for a visitor's call, the visitor's call_start under the
  // site's call settings, the sequential advance on the ring timer, and callback requests.
  core::calls::RingPlan operatorsToRing(const core::dialogs::Dialog& d,
                                        const core::sites::CallSettings& settings);
  void startVisitorCall(const CallSender& from, const frames::Json& f,
                        const std::function<std::int64_t()>& dialogId);
  void callbackRequest(const CallSender& from, const frames::Json& f,
                       const std::function<std::int64_t()>& dialogId);
  void advanceRinging();
  // Is the operator online on the site? Asked before each sequential ring (the registry's
  // Ringable, under its lock) and for invitations.
  bool stillOnline(const std::string& siteId, std::int64_t user);
  std::int64_t now() const;
  void runTimer();
  // F18 multi-party (call_invite.cpp): call_invitable, call_invite, call_leave, and an invited
  // operator's call_accept / call_decline (false: not an invite frame). Invites ring 45 s.
  bool inviteFrame(const CallSender& from, const std::string& type, const frames::Json& f);
  void expireInvites();
  struct Invite;
  void endInvites(const std::vector<std::pair<Invite, const char*>>& ended);  // tells both sides
  void leaveOnTabClosed(ConnectionId tab);
  // The media room's slot list of one participant's leg → call_renegotiate to its tab.
  void renegotiate(ConnectionId tab, const std::string& callId, const std::vector<std::string>& slots);
  std::size_t operatorsIn(const core::calls::Call& c) const;
  void toOperatorsInCall(const core::calls::Call& c, const frames::Json& frame);

  ChatGateway& chat_;
  core::ports::CallStore& store_;
  rtc::call::MediaEngine& media_;
  Clock clock_;
  core::calls::CallRegistry registry_;
  core::calls::DeviceLinks links_;
  Turn turn_;
  Recorder recorder_;
  struct ActiveRecording {
    std::shared_ptr<rtc::record::Recording> recording;
    core::accounts::Principal by;  // the operator who switched it on: the file is theirs
    core::calls::Call call;
    std::int64_t startedMs = 0;  // names the file, also when converted after a restart
  };
  // recorded()'s steps after storing (call_recording.cpp): the stored file's id into the sidecar,
  // so that a restart does not store it again; the post in the call's dialog ("rec-<id>" as the
  // cid: a post the dialog already has is not repeated); `posted` runs once the post is done.
  void noteStored(const ActiveRecording& a, const std::string& id, std::int64_t fileId);
  void postRecording(const ActiveRecording& a, const std::string& id, std::int64_t fileId,
                     std::function<void(bool ok)> posted = {});
  std::mutex recordingsMutex_;
  std::map<std::string, ActiveRecording> recordings_;  // by the recording's id
  int recordingParts_ = 0;
  std::mutex devicesMutex_;
  std::map<std::string, std::set<ConnectionId>> devices_;  // call id → device sockets on it

  struct Invite {
    std::string callId;
    std::int64_t user = 0;           // the invited operator
    core::calls::Participant from;   // who invited
    std::int64_t sinceMs = 0;
  };
  std::mutex invitesMutex_;
  std::vector<Invite> invites_;
  std::set<std::string> multiParty_;  // calls an invited operator joined (tab closes → leave)

  std::mutex timerMutex_;
  std::condition_variable timerWake_;
  bool stopping_ = false;
  std::thread timer_;
};

// The key of a participant's leg in the media room: "visitor" or "operator:<user id>".
std::string legKey(const core::calls::Party& p);

}  // namespace callpy::realtime
