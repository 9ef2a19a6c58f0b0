#pragma once
// Hands a WebSocket upgrade request from POCO's HTTPServer over to the realtime loops. POCO's own
// WebSocket would keep an HTTP pool thread for the socket's life (poco#2981); here the handler
// writes the 101 itself, detaches the socket from the HTTP session and returns at once.
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <memory>

#include "realtime/handshake.h"
#include "realtime/realtime_server.h"

namespace callpy::realtime {

enum class UpgradeOutcome {
  Upgraded,  // the socket now belongs to the realtime server
  Rejected,  // an HTTP error was answered (bad handshake, origin, per-address limit, stopping)
};

// Call from an HTTPRequestHandler::handleRequest. On Upgraded the response must not be touched
// again; POCO's connection thread then finishes without closing the socket.
UpgradeOutcome upgradeToWebSocket(Poco::Net::HTTPServerRequest& request,
                                  Poco::Net::HTTPServerResponse& response, RealtimeServer& server,
                                  std::unique_ptr<ConnectionHandler> handler,
                                  const OriginCheck& originCheck);

}  // namespace callpy::realtime
