#include "realtime/upgrade.h"

#include <Poco/Buffer.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/StreamSocket.h>
#include <fcntl.h>
#include <unistd.h>

#include "observability/log.h"
#include "realtime/tls_socket.h"

namespace callpy::realtime {

namespace {

void answer(Poco::Net::HTTPServerResponse& response, int status, const std::string& code,
            const std::string& message) {
  response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
  if (status == 426) response.set("Sec-WebSocket-Version", "13");
  if (status == 405) response.set("Allow", "GET");
  if (status == 503) response.set("Retry-After", "5");
  response.setContentType("application/json");
  const std::string body =
      "{\"error\":{\"code\":\"" + code + "\",\"message\":\"" + message + "\"}}";
  response.setContentLength(static_cast<std::streamsize>(body.size()));
  response.send() << body;
}

const char* messageFor(int status) {
  switch (status) {
    case 403: return "origin not allowed";
    case 405: return "WebSocket upgrades use GET";
    case 426: return "only WebSocket version 13 is supported";
    default: return "not a valid WebSocket upgrade";
  }
}

const char* codeFor(int status) { return status == 403 ? "forbidden" : "invalid"; }

bool sendAll(Poco::Net::StreamSocket& socket, const std::string& data) {
  std::size_t sent = 0;
  while (sent < data.size()) {
    const int n = socket.sendBytes(data.data() + sent, static_cast<int>(data.size() - sent));
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

UpgradeOutcome upgradeToWebSocket(Poco::Net::HTTPServerRequest& request,
                                  Poco::Net::HTTPServerResponse& response, RealtimeServer& server,
                                  std::unique_ptr<ConnectionHandler> handler,
                                  const OriginCheck& originCheck) {
  const std::string empty;
  auto header = [&](const char* name) -> const std::string& {
    auto it = request.find(name);
    return it == request.end() ? empty : it->second;
  };
  UpgradeRequest up;
  up.method = request.getMethod();
  up.upgrade = header("Upgrade");
  up.connection = header("Connection");
  up.version = header("Sec-WebSocket-Version");
  up.key = header("Sec-WebSocket-Key");
  up.hasOrigin = request.has("Origin");
  up.origin = header("Origin");
  const HandshakeResult hs = validateUpgrade(up, originCheck);
  if (!hs.ok) {
    answer(response, hs.status, codeFor(hs.status), messageFor(hs.status));
    return UpgradeOutcome::Rejected;
  }
  auto* impl = dynamic_cast<Poco::Net::HTTPServerRequestImpl*>(&request);
  if (impl == nullptr) {
    answer(response, 500, "internal", "cannot take over this connection");
    return UpgradeOutcome::Rejected;
  }
  AddressLease lease = server.leaseAddress(request.clientAddress().host().toString());
  if (!lease) {
    answer(response, 503, "limit", "too many connections from your address");
    return UpgradeOutcome::Rejected;
  }
  // Bytes the session read past the request head (a client pipelining its first frame).
  Poco::Buffer<char> pending(0);
  impl->session().drainBuffer(pending);
  // Detached, the session holds an empty socket; with keep-alive off POCO's connection loop ends
  // after this handler instead of waiting for another request on our socket.
  Poco::Net::StreamSocket socket = impl->detachSocket();
  response.setKeepAlive(false);
  try {
    if (!sendAll(socket, buildSwitchingProtocols(hs.accept))) return UpgradeOutcome::Rejected;
  } catch (const Poco::Exception& e) {
    observability::logInfo("ws_upgrade_failed", {{"what", e.displayText()}});
    return UpgradeOutcome::Rejected;
  }
  // POCO still owns the original descriptor (the TCPServerConnection closes it when it ends);
  // the loop gets its own duplicate of the same socket.
  const int fd = ::fcntl(socket.impl()->sockfd(), F_DUPFD_CLOEXEC, 0);
  if (fd < 0) {
    observability::logError("ws_upgrade_failed", {{"what", "dup failed"}});
    return UpgradeOutcome::Rejected;
  }
  // Over HTTPS the TLS session moves along with the socket (null for plain HTTP).
  SslPtr tls = takeTlsSession(socket, fd);
  if (!server.adopt(fd, std::move(lease), std::move(handler),
                    std::string_view(pending.begin(), pending.size()), std::move(tls)))
    return UpgradeOutcome::Rejected;
  return UpgradeOutcome::Upgraded;
}

}  // namespace callpy::realtime
