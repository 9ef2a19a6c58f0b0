#pragma once
// One call leg's ICE transport: a libnice agent (RFC 5245 full ICE, trickle, RFC 7675 consent
// freshness) with one stream and one component (BUNDLE + rtcp-mux), host candidates only, no
// STUN/TURN servers. Created, used and destroyed on its MediaThread only (asserted); every
// callback runs on that thread, never after close(). Its sockets are read through the thread's
// SocketPoller (one epoll GSource for all legs), not a GSource per socket; libnice still reads
// them, so STUN (checks, consent freshness) never reaches onPacket.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <sys/socket.h>

#include "rtc/ice/ice_config.h"
#include "rtc/ice/media_thread.h"

typedef struct _NiceAgent NiceAgent;
typedef struct _GSocket GSocket;
typedef struct _GMainContext GMainContext;

namespace callpy::rtc::ice {

enum class IceState {
  New,        // constructed, gather() not called yet
  Checking,   // gathering / connectivity checks running
  Connected,  // a pair works; send() delivers
  Failed,     // checks failed, ICE timeout or consent lost (terminal)
  Closed,     // close() was called (never reported through onState)
};
const char* toString(IceState state);

struct IceCallbacks {
  // A local candidate as an SDP attribute value: "candidate:1 1 UDP 2015363327 10.0.0.5 50000
  // typ host" (no "a=" prefix, no CRLF). May fire from inside gather().
  std::function<void(const std::string& candidate)> onLocalCandidate;
  // Every local candidate has been reported (send a=end-of-candidates / null candidate).
  std::function<void()> onGatheringDone;
  // Checking, Connected and Failed, each at most once, in that order (Checking may be skipped).
  // detail: Connected -> "local 10.0.0.5:50000 remote 10.0.0.9:61000"; Failed -> the reason.
  std::function<void(IceState state, const std::string& detail)> onState;
  // Every non-STUN datagram received on the component (DTLS, SRTP, SRTCP). The buffer belongs
  // to libnice and is valid during the call only; the callee may modify it in place.
  std::function<void(std::uint8_t* data, std::size_t len)> onPacket;
};

class IceLeg {
 public:
  // Creates the agent and its stream (local credentials are ready afterwards). Throws
  // std::invalid_argument for a bad config (unparsable address, port range) and
  // std::runtime_error if libnice refuses. Call on `thread`.
  IceLeg(MediaThread& thread, const IceConfig& config, IceCallbacks callbacks);
  ~IceLeg();  // close(); must run on the thread
  IceLeg(const IceLeg&) = delete;
  IceLeg& operator=(const IceLeg&) = delete;

  const std::string& localUfrag() const { return localUfrag_; }
  const std::string& localPwd() const { return localPwd_; }

  // Opens the UDP sockets and reports host candidates (trickled through onLocalCandidate, then
  // onGatheringDone); starts the ICE timeout. False with a reason if no socket could be opened
  // (e.g. port range exhausted). Call once.
  bool gather(std::string* reason = nullptr);

  // The peer's a=ice-ufrag / a=ice-pwd (RFC 8839 syntax checked).
  bool setRemoteCredentials(std::string_view ufrag, std::string_view pwd,
                            std::string* reason = nullptr);
  // One trickled remote candidate, "candidate:..." with or without "a=". Only UDP candidates of
  // component 1 with a numeric address are used; anything else returns false with the reason
  // (mDNS ".local" names included: libnice cannot resolve them; the browser's checks still
  // reach us and produce a peer-reflexive candidate).
  bool addRemoteCandidate(std::string_view line, std::string* reason = nullptr);
  // The peer sent end-of-candidates: lets libnice declare failure once every check has failed.
  void remoteGatheringDone();

  // Sends one datagram on the selected pair. False when not connected or the socket refused.
  // Once a host (non-relayed) pair is selected it is a plain sendto() on that pair's UDP socket:
  // libnice's send path takes the agent lock and walks its socket layers per packet, which was
  // a fifth of the relay's CPU. Before that, and for relayed pairs, it goes through libnice.
  bool send(const std::uint8_t* data, std::size_t len);

  // Removes the stream, detaches every source and frees the agent: its UDP ports are closed when
  // this returns or, when called from inside one of this leg's callbacks, right after that
  // callback (before any task posted later). No callback fires afterwards. Idempotent. Do not
  // destroy the IceLeg from inside its own callbacks (close() there, destroy from a post()).
  // Close every leg before stopping its MediaThread.
  void close();

  IceState state() const { return state_; }
  // True while send() bypasses libnice (a host pair is selected); for tests and stats.
  bool sendsDirectly() const { return directFd_ >= 0; }
  // How many of this leg's sockets the thread's epoll set watches (0 before gather()/after
  // close()); for tests.
  std::size_t watchedSockets() const { return watches_.size(); }
  MediaThread& thread() const { return thread_; }

 private:
  static void onNewCandidate(NiceAgent*, void* candidate, void* self);
  static void onGatheringDoneSignal(NiceAgent*, unsigned streamId, void* self);
  static void onComponentState(NiceAgent*, unsigned streamId, unsigned componentId,
                               unsigned state, void* self);
  static void onRecv(NiceAgent*, unsigned streamId, unsigned componentId, unsigned len,
                     char* buf, void* self);
  static void onSelectedPair(NiceAgent*, unsigned streamId, unsigned componentId, void* local,
                             void* remote, void* self);
  static void onSocketReady(void* self, int fd, std::uint32_t events);
  void watchSockets();
  void unwatchSockets();
  void refreshDirectPath();
  void dropDirectPath();
  void report(IceState state, const std::string& detail);
  void fail(const std::string& reason);
  std::string selectedPair() const;

  MediaThread& thread_;
  IceConfig config_;
  IceCallbacks callbacks_;
  NiceAgent* agent_ = nullptr;
  unsigned streamId_ = 0;
  std::string localUfrag_;
  std::string localPwd_;
  IceState state_ = IceState::New;
  bool gathering_ = false;
  MediaThread::TimerId timeout_ = 0;
  // Receive path: libnice's socket sources live in this private context, which is never run as
  // a loop; the thread's SocketPoller iterates it once when one of the sockets is readable
  // (libnice then answers STUN itself and hands data to onRecv). See watchSockets().
  GMainContext* ioContext_ = nullptr;
  std::vector<std::pair<std::uint64_t, int>> watches_;  // SocketPoller id, fd
  // The selected pair's socket (a reference keeps the fd open) and peer, for send().
  GSocket* directSocket_ = nullptr;
  int directFd_ = -1;
  sockaddr_storage directPeer_{};
  socklen_t directPeerLength_ = 0;
};

}  // namespace callpy::rtc::ice
