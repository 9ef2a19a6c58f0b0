#pragma once
// A POCO HTTPServer on one listener (TCP or the admin Unix socket) dispatching to a Router,
// with authentication, CSRF checks, error mapping, metrics and static files.
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/TCPServer.h>

#include <memory>
#include <optional>
#include <string>

#include "http/api.h"
#include "http/exchange.h"
#include "http/https_redirect.h"
#include "http/router.h"
#include "http/static_files.h"
#include "security/tls_context.h"

namespace callpy::http {

enum class ListenerKind {
  Public,   // panel, widget, public REST
  Admin,    // the Unix admin socket: admin API, /healthz, /metrics
  Metrics,  // admin.metrics TCP port: /healthz and /metrics only
};

struct ListenerOptions {
  ListenerKind kind = ListenerKind::Public;
  std::string host;        // TCP host, or the socket path for Admin
  unsigned short port = 0; // 0 with TCP: any free port
  int threads = 16;
  ExchangeLimits limits;
  std::optional<std::string> webRoot;  // Public only
  int maxConnectionsPerAddress = 0;    // 0: no cap (the admin socket)
  // Public only. tls: serve HTTPS with this (reloadable) certificate. redirectToHttps: this plain
  // listener only redirects (and answers /healthz). hsts: add Strict-Transport-Security.
  std::shared_ptr<security::TlsContext> tls;
  std::optional<HttpsRedirect> redirectToHttps;
  bool hsts = false;
};

class Listener {
 public:
  Listener(const ListenerOptions& options, ApiContext& ctx);
  ~Listener();
  void start();
  // Stops accepting and waits (bounded) for requests in progress.
  void stop();
  unsigned short port() const { return port_; }
  std::string describe() const;

 private:
  ListenerOptions options_;
  Router router_;
  std::unique_ptr<StaticFiles> files_;
  Poco::Net::HTTPRequestHandlerFactory::Ptr handlers_;
  std::unique_ptr<Poco::Net::TCPServer> server_;
  unsigned short port_ = 0;
};

}  // namespace callpy::http
