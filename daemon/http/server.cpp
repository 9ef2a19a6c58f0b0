#include "http/server.h"

#include <Poco/File.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerConnectionFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/ServerSocket.h>

#include <sys/stat.h>

#include "core/common/error.h"
#include "http/connection_limit.h"
#include "realtime/tls_socket.h"
#include "observability/log.h"
#include "observability/metrics.h"

namespace callpy::http {

namespace obs = callpy::observability;
using core::Error;
using core::ErrorCode;

namespace {

struct Dispatch {
  const ListenerOptions& options;
  const Router& router;
  ApiContext& ctx;
  StaticFiles* files;
};

bool authorise(Exchange& ex, const Dispatch& d) {
  if (d.options.kind != ListenerKind::Public) {
    ex.principal.system = true;
    ex.adminSocket = true;
    return true;
  }
  ex.sessionToken = ex.cookie(kSessionCookie);
  auto auth = d.ctx.accounts.authenticate(ex.sessionToken);
  if (!auth) {
    ex.sendError(Error(ErrorCode::Unauthorized, "sign in first (the session is missing or expired)"));
    return false;
  }
  ex.principal = std::move(auth->principal);
  ex.csrf = auth->csrf;
  if (ex.method() != "GET" && ex.method() != "HEAD") {
    // Sessions ride on a cookie, so a cross-site form could send one: demand the token that
    // only our own pages can read.
    if (ex.request().get("X-CSRF-Token", "") != ex.csrf) {
      ex.sendError(Error(ErrorCode::Forbidden, "missing or wrong CSRF token"));
      return false;
    }
  }
  return true;
}

// The request path as sent, still percent-encoded: the router decodes each segment exactly once.
// (Poco::URI::getPath() decodes already, so "%2573" came out as "s" after the router's pass, and
// it throws on a malformed escape, which answered 500.)
std::string rawPath(const std::string& target) {
  std::string path = target.substr(0, target.find_first_of("?#"));
  if (!path.empty() && path[0] != '/') {
    // Absolute form, "http://host/path" (RFC 9112 §3.2.2).
    auto scheme = path.find("://");
    auto slash = scheme == std::string::npos ? std::string::npos : path.find('/', scheme + 3);
    path = slash == std::string::npos ? "/" : path.substr(slash);
  }
  return path;
}

void dispatch(Exchange& ex, const Dispatch& d) {
  const std::string path = rawPath(ex.request().getURI());
  auto match = d.router.match(ex.method(), path);
  if (match.route) {
    ex.params = std::move(match.params);
    if (match.route->access == Access::Session && !authorise(ex, d)) return;
    match.route->handler(ex);
    return;
  }
  if (match.pathMatchedOtherMethod) {
    std::string allow;
    for (const auto& m : match.allowedMethods) allow += (allow.empty() ? "" : ", ") + m;
    ex.response().set("Allow", allow);
    ex.sendError(Error(ErrorCode::Invalid, "method " + ex.method() + " is not allowed here"), 405);
    return;
  }
  if (d.files && d.files->serve(ex, path)) return;
  ex.sendError(Error(ErrorCode::NotFound, "no such resource: " + path));
}

// Plain HTTP while HTTPS runs: everything but the health probe goes to HTTPS.
void redirectToHttps(Exchange& ex, const HttpsRedirect& redirect) {
  auto location = httpsLocation(redirect, ex.request().get("Host", ""), ex.request().getURI());
  if (!location) {
    ex.sendError(Error(ErrorCode::Invalid, "this server speaks HTTPS; the Host header is missing or malformed"));
    return;
  }
  const int status = redirectStatus(ex.method());
  auto& resp = ex.response();
  resp.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status),
                          status == 301 ? "Moved Permanently" : "Permanent Redirect");
  resp.set("Location", *location);
  // The body of a redirected POST is not read; the connection cannot carry another request.
  if (status != 301) resp.setKeepAlive(false);
  resp.setContentLength(0);
  resp.send();
}

class Handler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit Handler(Dispatch d) : d_(d) {}
  void handleRequest(Poco::Net::HTTPServerRequest& req,
                     Poco::Net::HTTPServerResponse& resp) override {
    Exchange ex(req, resp, d_.options.limits);
    if (d_.options.hsts) resp.set(kHstsHeader, kHstsValue);
    try {
      if (d_.options.redirectToHttps && rawPath(req.getURI()) != "/healthz")
        redirectToHttps(ex, *d_.options.redirectToHttps);
      else
        dispatch(ex, d_);
    } catch (const Error& e) {
      if (!ex.sent()) ex.sendError(e);
    } catch (const Poco::Exception& e) {
      obs::logError("http.internal_error", {{"path", pathForLog(req.getURI())}, {"error", e.displayText()}});
      if (!ex.sent()) ex.sendError(Error(ErrorCode::Internal, "internal error"));
    } catch (const std::exception& e) {
      obs::logError("http.internal_error", {{"path", pathForLog(req.getURI())}, {"error", e.what()}});
      if (!ex.sent()) ex.sendError(Error(ErrorCode::Internal, "internal error"));
    }
    obs::Metrics::instance().countHttp(static_cast<int>(resp.getStatus()));
  }

 private:
  Dispatch d_;
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit Factory(Dispatch d) : d_(d) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
    return new Handler(d_);
  }
  // Open keep-alive connections listen to this event and close after their current request.
  void announceStop() { serverStopped(this, true); }

 private:
  Dispatch d_;
};

}  // namespace

Listener::Listener(const ListenerOptions& options, ApiContext& ctx) : options_(options) {
  router_.add("GET", "/healthz", Access::Public,
              [](Exchange& ex) { ex.sendText(200, "text/plain; charset=utf-8", "ok\n"); });
  if (options_.kind != ListenerKind::Public) {
    router_.add("GET", "/metrics", Access::Public, [](Exchange& ex) {
      ex.sendText(200, "text/plain; version=0.0.4; charset=utf-8",
                  obs::Metrics::instance().render());
    });
  }
  if (options_.kind == ListenerKind::Public) {
    registerAuthRoutes(router_, ctx);
    registerResourceRoutes(router_, "/api/panel", ctx, false);
    if (ctx.chat) registerRealtimeRoutes(router_, ctx);
    if (ctx.dialogs) registerDialogRoutes(router_, ctx);
    if (ctx.visitorInfo) registerVisitorRoutes(router_, ctx);
    if (ctx.dialogs) registerVisitorControlRoutes(router_, ctx);
    if (ctx.preferences) registerPreferenceRoutes(router_, ctx);
    if (ctx.quickReplies) registerQuickReplyRoutes(router_, ctx);
    if (ctx.files) registerFileRoutes(router_, ctx);
    if (options_.webRoot) files_ = std::make_unique<StaticFiles>(*options_.webRoot);
  } else if (options_.kind == ListenerKind::Admin) {
    registerResourceRoutes(router_, "/api/admin/v1", ctx, true);
    registerAdminRoutes(router_, ctx);
  }

  Poco::Net::ServerSocket socket;
  if (options_.tls) socket = realtime::TlsServerSocket(options_.tls);
  if (options_.kind == ListenerKind::Admin) {
    // A stale socket file from an unclean stop would make bind fail.
    Poco::File stale(options_.host);
    if (stale.exists()) stale.remove();
    socket.bind(Poco::Net::SocketAddress(Poco::Net::SocketAddress::UNIX_LOCAL, options_.host));
    socket.listen(64);
    ::chmod(options_.host.c_str(), 0660);
  } else {
    socket.bind(Poco::Net::SocketAddress(options_.host, options_.port), true);
    socket.listen(256);
    port_ = socket.address().port();
  }
  // Owned through AutoPtr from the start: the connection factory and the TCPServer each keep a
  // reference. Handing both the raw pointer made two owners of one reference count, so the
  // params were freed while the dispatcher still used them (heap corruption after a few
  // start/stop cycles).
  Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(options_.threads);
  params->setMaxQueued(256);
  params->setKeepAlive(true);
  params->setTimeout(Poco::Timespan(30, 0));
  handlers_ = new Factory(Dispatch{options_, router_, ctx, files_.get()});
  Poco::Net::TCPServerConnectionFactory::Ptr connections;
  if (options_.maxConnectionsPerAddress > 0) {
    connections = new LimitedConnectionFactory(params, handlers_, options_.maxConnectionsPerAddress);
  } else {
    connections = new Poco::Net::HTTPServerConnectionFactory(params, handlers_);
  }
  server_ = std::make_unique<Poco::Net::TCPServer>(connections, socket, params);
}

Listener::~Listener() { stop(); }

void Listener::start() { server_->start(); }

void Listener::stop() {
  if (!server_) return;
  // What HTTPServer::stopAll(true) does: stop accepting, then tell open keep-alive connections
  // to finish their current request and close.
  server_->stop();
  static_cast<Factory*>(handlers_.get())->announceStop();
  server_.reset();
  if (options_.kind == ListenerKind::Admin) {
    Poco::File f(options_.host);
    if (f.exists()) f.remove();
  }
}

std::string Listener::describe() const {
  switch (options_.kind) {
    case ListenerKind::Admin: return "admin unix:" + options_.host;
    case ListenerKind::Metrics: return "metrics http://" + options_.host + ":" + std::to_string(port_);
    case ListenerKind::Public: break;
  }
  if (options_.tls) return "https https://" + options_.host + ":" + std::to_string(port_);
  return "http http://" + options_.host + ":" + std::to_string(port_);
}

}  // namespace callpy::http
