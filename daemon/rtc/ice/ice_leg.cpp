#include "rtc/ice/ice_leg.h"

#include <arpa/inet.h>
#include <sys/epoll.h>
#include <gio/gio.h>
#include <nice/agent.h>
#include <nice/interfaces.h>

#include <cassert>
#include <stdexcept>
#include <utility>
#include <vector>

#include "rtc/ice/remote_candidate.h"
#include "rtc/ice/socket_poller.h"

namespace callpy::rtc::ice {
namespace {

constexpr guint kComponent = 1;

// Depth of libnice callbacks on this thread. close() called from inside one must not free the
// agent under libnice's feet (it still touches the stream/component after the callback
// returns), so it defers the destructive part to an idle source. Thread-local, not a member:
// the callback may destroy the IceLeg itself.
thread_local int tCallbackDepth = 0;

struct CallbackScope {
  CallbackScope() { ++tCallbackDepth; }
  ~CallbackScope() { --tCallbackDepth; }
  CallbackScope(const CallbackScope&) = delete;
  CallbackScope& operator=(const CallbackScope&) = delete;
};

bool parseAddress(const std::string& text, NiceAddress& out) {
  nice_address_init(&out);
  // nice_address_set_from_string would also accept host names on some builds; we want numeric
  // addresses only (no DNS on the media thread).
  unsigned char probe[sizeof(struct in6_addr)];
  if (inet_pton(AF_INET, text.c_str(), probe) != 1 && inet_pton(AF_INET6, text.c_str(), probe) != 1)
    return false;
  return nice_address_set_from_string(&out, text.c_str()) != FALSE;
}

std::string addressString(const NiceAddress& address) {
  char text[NICE_ADDRESS_STRING_LEN];
  nice_address_to_string(&address, text);
  std::string out = nice_address_ip_version(&address) == 6 ? "[" + std::string(text) + "]" : text;
  return out + ":" + std::to_string(nice_address_get_port(&address));
}

// libnice's own default (every non-loopback address) minus IPv6 link-local, and loopback when
// the host has nothing else (libnice would gather nothing there).
std::vector<std::string> defaultLocalAddresses() {
  std::vector<std::string> out;
  for (gboolean loopback : {gboolean{FALSE}, gboolean{TRUE}}) {
    GList* ips = nice_interfaces_get_local_ips(loopback);
    for (GList* i = ips; i != nullptr; i = i->next) {
      const std::string ip = static_cast<char*>(i->data);
      // IPv6 link-local ("fe80::1%eth0"): scoped to one link, useless to a browser elsewhere.
      if (ip.find('%') == std::string::npos && g_ascii_strncasecmp(ip.c_str(), "fe80:", 5) != 0)
        out.push_back(ip);
    }
    g_list_free_full(ips, g_free);
    if (!out.empty()) break;
  }
  return out;
}

// The socket SocketPoller found ready, for readyPoll(): set around one iteration of a leg's
// private context.
thread_local int tReadyFd = -1;
thread_local gushort tReadyEvents = 0;
thread_local bool tReadyFdSeen = false;
// The leg whose private context onSocketReady is iterating; its destructor clears this, so the
// iteration can tell whether a callback inside destroyed the leg (report() allows that).
thread_local const void* tSocketLeg = nullptr;

// The poll function of every leg's private context: epoll already said which socket is ready,
// so the iteration needs no poll(2) of its own. Never blocks (iterations are non-blocking).
gint readyPoll(GPollFD* fds, guint count, gint) {
  gint ready = 0;
  for (guint i = 0; i < count; ++i) {
    fds[i].revents = 0;
    if (fds[i].fd != tReadyFd) continue;
    tReadyFdSeen = true;
    fds[i].revents = static_cast<gushort>(tReadyEvents & (fds[i].events | G_IO_ERR | G_IO_HUP));
    if (fds[i].revents != 0) ++ready;
  }
  return ready;
}

gushort toGlibEvents(std::uint32_t events) {
  gushort out = 0;
  if (events & EPOLLIN) out |= G_IO_IN;
  if (events & EPOLLERR) out |= G_IO_ERR;
  if (events & EPOLLHUP) out |= G_IO_HUP;
  return out;
}

// Frees a removed stream's agent once libnice has unwound (see tCallbackDepth).
struct DeferredClose {
  NiceAgent* agent;
  guint streamId;
};

void finishClose(gpointer data) {
  auto* close = static_cast<DeferredClose*>(data);
  nice_agent_remove_stream(close->agent, close->streamId);
  g_object_unref(close->agent);
  delete close;
}

}  // namespace

const char* toString(IceState state) {
  switch (state) {
    case IceState::New: return "new";
    case IceState::Checking: return "checking";
    case IceState::Connected: return "connected";
    case IceState::Failed: return "failed";
    case IceState::Closed: return "closed";
  }
  return "unknown";
}

IceLeg::IceLeg(MediaThread& thread, const IceConfig& config, IceCallbacks callbacks)
    : thread_(thread), config_(config), callbacks_(std::move(callbacks)) {
  assert(thread_.isCurrent());
  if ((config_.portMin == 0) != (config_.portMax == 0) || config_.portMin > config_.portMax)
    throw std::invalid_argument("rtc port range: give both ends, min <= max");
  NiceAddress probe;
  if (!config_.publicIp.empty() && !parseAddress(config_.publicIp, probe))
    throw std::invalid_argument("rtc public IP is not a numeric address: " + config_.publicIp);
  const auto addresses =
      config_.interfaceAddresses.empty() ? defaultLocalAddresses() : config_.interfaceAddresses;
  std::vector<NiceAddress> local;
  for (const auto& text : addresses) {
    NiceAddress address;
    if (!parseAddress(text, address))
      throw std::invalid_argument("rtc interface address is not a numeric address: " + text);
    local.push_back(address);
  }
  if (local.empty()) throw std::runtime_error("no local address to gather ICE candidates on");

  agent_ = nice_agent_new_full(
      thread_.context(), NICE_COMPATIBILITY_RFC5245,
      static_cast<NiceAgentOption>(NICE_AGENT_OPTION_ICE_TRICKLE |
                                   NICE_AGENT_OPTION_CONSENT_FRESHNESS));
  if (agent_ == nullptr) throw std::runtime_error("nice_agent_new_full failed");
  // UDP host candidates only: browsers need nothing else from a server with a reachable address,
  // and no STUN/TURN server is configured on the agent. UPnP would map ports on the router.
  g_object_set(agent_, "controlling-mode", config_.controlling ? TRUE : FALSE, "ice-tcp", FALSE,
               "ice-udp", TRUE, nullptr);
  if (g_object_class_find_property(G_OBJECT_GET_CLASS(agent_), "upnp") != nullptr)
    g_object_set(agent_, "upnp", FALSE, nullptr);
  for (auto& address : local) nice_agent_add_local_address(agent_, &address);

  streamId_ = nice_agent_add_stream(agent_, 1);
  if (streamId_ == 0) {
    g_object_unref(agent_);
    agent_ = nullptr;
    throw std::runtime_error("nice_agent_add_stream failed");
  }
  if (config_.portMin != 0)
    nice_agent_set_port_range(agent_, streamId_, kComponent, config_.portMin, config_.portMax);
  gchar* ufrag = nullptr;
  gchar* pwd = nullptr;
  if (nice_agent_get_local_credentials(agent_, streamId_, &ufrag, &pwd)) {
    localUfrag_ = ufrag;
    localPwd_ = pwd;
  }
  g_free(ufrag);
  g_free(pwd);

  g_signal_connect(agent_, "new-candidate-full", G_CALLBACK(&IceLeg::onNewCandidate), this);
  g_signal_connect(agent_, "candidate-gathering-done",
                   G_CALLBACK(&IceLeg::onGatheringDoneSignal), this);
  g_signal_connect(agent_, "component-state-changed", G_CALLBACK(&IceLeg::onComponentState),
                   this);
  g_signal_connect(agent_, "new-selected-pair-full", G_CALLBACK(&IceLeg::onSelectedPair), this);
  // The agent's timers (checks, consent) stay on the thread's context; only its sockets go to
  // the private one (see ioContext_).
  ioContext_ = g_main_context_new();
  g_main_context_set_poll_func(ioContext_, readyPoll);
  nice_agent_attach_recv(agent_, streamId_, kComponent, ioContext_,
                         reinterpret_cast<NiceAgentRecvFunc>(&IceLeg::onRecv), this);
}

IceLeg::~IceLeg() {
  if (tSocketLeg == this) tSocketLeg = nullptr;
  close();
}

bool IceLeg::gather(std::string* reason) {
  assert(thread_.isCurrent());
  if (agent_ == nullptr || gathering_) {
    if (reason) *reason = agent_ == nullptr ? "ICE leg is closed" : "gather() was already called";
    return false;
  }
  gathering_ = true;
  timeout_ = thread_.addTimeout(config_.iceTimeout, [this] {
    timeout_ = 0;
    if (state_ == IceState::New || state_ == IceState::Checking) fail("ICE timeout");
    return false;
  });
  if (!nice_agent_gather_candidates(agent_, streamId_)) {
    if (reason) *reason = "could not open a UDP socket on any configured address/port";
    return false;
  }
  // Host UDP candidates only: every socket the component will ever read exists now. (The
  // gathering's own signals may already have closed the leg.)
  if (agent_) watchSockets();
  return true;
}

bool IceLeg::setRemoteCredentials(std::string_view ufrag, std::string_view pwd,
                                  std::string* reason) {
  assert(thread_.isCurrent());
  std::string error;
  if (agent_ == nullptr) error = "ICE leg is closed";
  else if (!validIceCredential(ufrag, 4)) error = "bad ice-ufrag (4-256 of ALPHA DIGIT + /)";
  else if (!validIceCredential(pwd, 22)) error = "bad ice-pwd (22-256 of ALPHA DIGIT + /)";
  else if (!nice_agent_set_remote_credentials(agent_, streamId_, std::string(ufrag).c_str(),
                                              std::string(pwd).c_str()))
    error = "libnice refused the remote credentials";
  if (error.empty()) return true;
  if (reason) *reason = error;
  return false;
}

bool IceLeg::addRemoteCandidate(std::string_view line, std::string* reason) {
  assert(thread_.isCurrent());
  std::string error;
  std::string normalised;
  if (agent_ == nullptr) error = "ICE leg is closed";
  else if (!normaliseRemoteCandidate(line, normalised, error)) {
  } else if (NiceCandidate* candidate =
                 nice_agent_parse_remote_candidate_sdp(agent_, streamId_, normalised.c_str())) {
    GSList list{candidate, nullptr};
    if (nice_agent_set_remote_candidates(agent_, streamId_, kComponent, &list) < 0)
      error = "libnice refused the candidate";
    nice_candidate_free(candidate);
  } else {
    error = "libnice could not parse the candidate";
  }
  if (error.empty()) return true;
  if (reason) *reason = error;
  return false;
}

void IceLeg::remoteGatheringDone() {
  assert(thread_.isCurrent());
  if (agent_ != nullptr) nice_agent_peer_candidate_gathering_done(agent_, streamId_);
}

bool IceLeg::send(const std::uint8_t* data, std::size_t len) {
  assert(thread_.isCurrent());
  // Allowed before Connected too: the browser's DTLS ClientHello can arrive on a pair that
  // already works before libnice reports CONNECTED here, and the reply must not wait for it.
  if (agent_ == nullptr || state_ == IceState::Failed || len > G_MAXUINT16) return false;
  if (directFd_ >= 0) {
    // Non-blocking like libnice's own send: a full socket buffer drops the packet.
    return ::sendto(directFd_, data, len, MSG_DONTWAIT,
                    reinterpret_cast<const sockaddr*>(&directPeer_),
                    directPeerLength_) == static_cast<ssize_t>(len);
  }
  return nice_agent_send(agent_, streamId_, kComponent, static_cast<guint>(len),
                         reinterpret_cast<const gchar*>(data)) == static_cast<gint>(len);
}

void IceLeg::close() {
  assert(thread_.isCurrent());
  if (agent_ == nullptr) return;
  thread_.cancel(timeout_);
  timeout_ = 0;
  dropDirectPath();
  unwatchSockets();  // before the sockets close (finishClose), see SocketPoller::remove
  g_signal_handlers_disconnect_by_data(agent_, this);
  // The sources stay in the private context, which nobody iterates any more; the component
  // holds its own reference to it until the stream is removed.
  nice_agent_attach_recv(agent_, streamId_, kComponent, ioContext_, nullptr, nullptr);
  g_main_context_unref(ioContext_);
  ioContext_ = nullptr;
  auto* deferred = new DeferredClose{agent_, streamId_};
  agent_ = nullptr;
  state_ = IceState::Closed;
  if (tCallbackDepth == 0) {
    finishClose(deferred);
    return;
  }
  // Inside a libnice callback: finish from an idle source. Its destroy notify does the work, so
  // it also happens if the context is torn down before the idle runs.
  GSource* source = g_idle_source_new();
  // Ahead of every task posted after this close() (idle sources default to a lower priority).
  g_source_set_priority(source, G_PRIORITY_HIGH);
  g_source_set_callback(source, [](gpointer) -> gboolean { return G_SOURCE_REMOVE; }, deferred,
                        finishClose);
  g_source_attach(source, thread_.context());
  g_source_unref(source);
}

void IceLeg::onNewCandidate(NiceAgent* agent, void* candidatePtr, void* self) {
  auto* leg = static_cast<IceLeg*>(self);
  auto* candidate = static_cast<NiceCandidate*>(candidatePtr);
  if (leg->agent_ == nullptr || candidate->component_id != kComponent) return;
  NiceCandidate* shown = candidate;
  NiceAddress publicAddress;
  if (candidate->type == NICE_CANDIDATE_TYPE_HOST && !leg->config_.publicIp.empty() &&
      parseAddress(leg->config_.publicIp, publicAddress) &&
      nice_address_ip_version(&publicAddress) == nice_address_ip_version(&candidate->addr)) {
    // 1:1 NAT: the browser must send to the public address; the datagrams still arrive on this
    // socket, so libnice needs no other change.
    shown = nice_candidate_copy(candidate);
    nice_address_set_port(&publicAddress, nice_address_get_port(&candidate->addr));
    shown->addr = publicAddress;
    shown->base_addr = publicAddress;  // else libnice prints "raddr <private address>"
  }
  gchar* sdp = nice_agent_generate_local_candidate_sdp(agent, shown);
  std::string line = sdp != nullptr ? sdp : "";
  g_free(sdp);
  if (shown != candidate) nice_candidate_free(shown);
  if (line.rfind("a=", 0) == 0) line.erase(0, 2);
  if (line.empty() || !leg->callbacks_.onLocalCandidate) return;
  CallbackScope scope;
  leg->callbacks_.onLocalCandidate(line);
}

void IceLeg::onGatheringDoneSignal(NiceAgent*, unsigned, void* self) {
  auto* leg = static_cast<IceLeg*>(self);
  if (leg->agent_ == nullptr || !leg->callbacks_.onGatheringDone) return;
  CallbackScope scope;
  leg->callbacks_.onGatheringDone();
}

void IceLeg::onComponentState(NiceAgent*, unsigned, unsigned componentId, unsigned state,
                              void* self) {
  auto* leg = static_cast<IceLeg*>(self);
  if (leg->agent_ == nullptr || componentId != kComponent) return;
  switch (static_cast<NiceComponentState>(state)) {
    case NICE_COMPONENT_STATE_GATHERING:
    case NICE_COMPONENT_STATE_CONNECTING:
      if (leg->state_ == IceState::New) leg->report(IceState::Checking, "");
      break;
    case NICE_COMPONENT_STATE_CONNECTED:
    case NICE_COMPONENT_STATE_READY:
      if (leg->state_ == IceState::New || leg->state_ == IceState::Checking) {
        leg->thread_.cancel(leg->timeout_);
        leg->timeout_ = 0;
        leg->refreshDirectPath();
        leg->report(IceState::Connected, leg->selectedPair());
      }
      break;
    case NICE_COMPONENT_STATE_FAILED:
      // libnice also lands here when RFC 7675 consent expires on a working pair.
      if (leg->state_ == IceState::Connected) leg->fail("ICE consent lost");
      else if (leg->state_ != IceState::Failed) leg->fail("ICE connectivity checks failed");
      break;
    default:
      break;
  }
}

void IceLeg::onRecv(NiceAgent*, unsigned, unsigned, unsigned len, char* buf, void* self) {
  auto* leg = static_cast<IceLeg*>(self);
  // RFC 7983: 0-3 is STUN. libnice consumes valid STUN itself; malformed STUN-looking datagrams
  // are dropped here so onPacket only sees DTLS/SRTP/SRTCP candidates.
  if (leg->agent_ == nullptr || len == 0 || static_cast<std::uint8_t>(buf[0]) < 4 ||
      !leg->callbacks_.onPacket)
    return;
  CallbackScope scope;
  leg->callbacks_.onPacket(reinterpret_cast<std::uint8_t*>(buf), len);
}

void IceLeg::onSelectedPair(NiceAgent*, unsigned, unsigned componentId, void*, void*, void* self) {
  auto* leg = static_cast<IceLeg*>(self);
  if (leg->agent_ == nullptr || componentId != kComponent) return;
  leg->refreshDirectPath();
}

void IceLeg::watchSockets() {
  GPtrArray* sockets = nice_agent_get_sockets(agent_, streamId_, kComponent);
  if (sockets == nullptr) return;
  for (guint i = 0; i < sockets->len; ++i) {
    const int fd = g_socket_get_fd(static_cast<GSocket*>(g_ptr_array_index(sockets, i)));
    if (const auto id = thread_.sockets().add(fd, &IceLeg::onSocketReady, this))
      watches_.emplace_back(id, fd);
  }
  g_ptr_array_unref(sockets);
}

void IceLeg::unwatchSockets() {
  for (const auto& watch : watches_) thread_.sockets().remove(watch.first);
  watches_.clear();
}

void IceLeg::onSocketReady(void* self, int fd, std::uint32_t events) {
  auto* leg = static_cast<IceLeg*>(self);
  tReadyFd = fd;
  tReadyEvents = toGlibEvents(events);
  tReadyFdSeen = false;
  // One pass of the private context: libnice's source for fd reads it (until EAGAIN or its
  // batch limit; level-triggered epoll brings the rest next pass), handles STUN (checks,
  // consent) and calls onRecv for everything else. A callback inside may close the leg, or
  // destroy it: then nothing of it is touched afterwards.
  GMainContext* context = g_main_context_ref(leg->ioContext_);
  tSocketLeg = leg;
  g_main_context_iteration(context, FALSE);
  g_main_context_unref(context);
  tReadyFd = -1;
  const bool alive = tSocketLeg == leg;
  tSocketLeg = nullptr;
  if (!alive) return;
  if (!tReadyFdSeen && leg->ioContext_ == context) {
    // libnice dropped its source for this socket (e.g. after a socket error): nobody would read
    // it, and a readable fd in a level-triggered set would make the loop spin.
    for (auto it = leg->watches_.begin(); it != leg->watches_.end(); ++it) {
      if (it->second != fd) continue;
      leg->thread_.sockets().remove(it->first);
      leg->watches_.erase(it);
      break;
    }
  }
}

void IceLeg::refreshDirectPath() {
  dropDirectPath();
  NiceCandidate* local = nullptr;
  NiceCandidate* remote = nullptr;
  if (!nice_agent_get_selected_pair(agent_, streamId_, kComponent, &local, &remote)) return;
  // Relayed (TURN) pairs need libnice's framing; it returns no socket for them anyway.
  if (local->type == NICE_CANDIDATE_TYPE_RELAYED || local->transport != NICE_CANDIDATE_TRANSPORT_UDP)
    return;
  GSocket* socket = nice_agent_get_selected_socket(agent_, streamId_, kComponent);
  if (socket == nullptr) return;
  if (g_socket_get_socket_type(socket) != G_SOCKET_TYPE_DATAGRAM) {
    g_object_unref(socket);
    return;
  }
  directPeer_ = {};
  nice_address_copy_to_sockaddr(&remote->addr, reinterpret_cast<sockaddr*>(&directPeer_));
  directPeerLength_ = directPeer_.ss_family == AF_INET6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in);
  directSocket_ = socket;
  directFd_ = g_socket_get_fd(socket);
}

void IceLeg::dropDirectPath() {
  directFd_ = -1;
  directPeerLength_ = 0;
  if (directSocket_ != nullptr) g_object_unref(directSocket_);
  directSocket_ = nullptr;
}

void IceLeg::report(IceState state, const std::string& detail) {
  state_ = state;
  if (!callbacks_.onState) return;
  CallbackScope scope;
  callbacks_.onState(state, detail);  // last touch of *this: the callee may destroy the leg
}

void IceLeg::fail(const std::string& reason) {
  if (timeout_ != 0) {
    thread_.cancel(timeout_);
    timeout_ = 0;
  }
  report(IceState::Failed, reason);
}

std::string IceLeg::selectedPair() const {
  NiceCandidate* local = nullptr;
  NiceCandidate* remote = nullptr;
  if (!nice_agent_get_selected_pair(agent_, streamId_, kComponent, &local, &remote)) return "";
  return "local " + addressString(local->addr) + " remote " + addressString(remote->addr);
}

}  // namespace callpy::rtc::ice
