#pragma once
// Signalling for K 1:1 calls through a relay: callpyd (its chat WebSockets, protocol.md "Calls")
// or Janus (its JSON API over WebSocket, the VideoCall plugin). A driver opens the calls, hands
// the SDP between the relay and the peers, and keeps its sockets serviced while media flows.
#include <memory>
#include <string>
#include <vector>

#include "peer.h"

namespace callpy::bench::media {

struct SetupResult {
  int callsUp = 0;        // both peers have SRTP keys
  int peersFailed = 0;
  double seconds = 0;     // from the first socket to the last connected peer
  std::vector<std::string> errors;  // a few samples
};

class Driver {
 public:
  virtual ~Driver() = default;
  virtual SetupResult setup(PeerPool& pool, int calls, bool video, double timeoutSeconds) = 0;
  // Services the signalling sockets for `seconds` (pings, stray frames).
  virtual void idle(double seconds) = 0;
  virtual void teardown() = 0;
};

struct CallpydTarget {
  std::string host = "127.0.0.1";
  int port = 0;
  std::string key;     // widget key
  std::string cookie;  // operator session cookie
};
std::unique_ptr<Driver> makeCallpydDriver(CallpydTarget target);

struct JanusTarget {
  std::string host = "127.0.0.1";
  int port = 8188;  // websockets transport
};
std::unique_ptr<Driver> makeJanusDriver(JanusTarget target);

// No relay: the two peers of each call connect to each other (the client's own baseline).
std::unique_ptr<Driver> makeDirectDriver();

// Waits until every peer in `peers` is up or failed or the deadline passes, calling poll()
// in between; fills callsUp (pairs: peers[2i], peers[2i+1]), peersFailed and errors.
void waitForMedia(const std::vector<Peer*>& peers, double timeoutSeconds,
                  const std::function<void()>& poll, SetupResult& r);

}  // namespace callpy::bench::media
