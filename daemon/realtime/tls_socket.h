#pragma once
// HTTPS for POCO's HTTPServer with our own OpenSSL session per connection (not NetSSL's
// SecureStreamSocket, whose SSL object cannot leave POCO): the listening socket accepts plain
// TCP and the connection's socket speaks TLS, handshaking lazily on the HTTP worker thread, so
// the acceptor never waits on a slow client. On a WebSocket upgrade, takeTlsSession() moves the
// session to the realtime loops (realtime/upgrade.cpp), which continue it non-blocking.
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>

#include <memory>

#include "realtime/tls_io.h"
#include "security/tls_context.h"

namespace callpy::realtime {

class TlsServerSocket : public Poco::Net::ServerSocket {
 public:
  // Each accepted connection uses the context current at accept time (see TlsContext::reload).
  explicit TlsServerSocket(std::shared_ptr<security::TlsContext> context);
};

// The TLS session of an HTTPS connection, now driven through `fd` (a duplicate of the socket's
// descriptor); the POCO socket no longer reads, writes or shuts it down. Null for a plain-HTTP
// socket.
SslPtr takeTlsSession(Poco::Net::StreamSocket& socket, int fd);

}  // namespace callpy::realtime
