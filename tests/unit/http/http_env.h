#pragma once
// The http layer in-process: a real Listener on 127.0.0.1 (any free port) over real services and
// a temp database, plus a small blocking client built on Poco's HTTPClientSession.
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPCookie.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NameValueCollection.h>
#include <Poco/StreamCopier.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>

#include "../core/accounts/accounts_env.h"
#include "http/api.h"
#include "http/server.h"

namespace callpy::http::testing {

struct Reply {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // last value of each name
  std::vector<Poco::Net::HTTPCookie> cookies;

  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
  Poco::JSON::Object::Ptr json() const {
    return Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>();
  }
  // {"error": {"code": …}} → code; "" when the body is not that shape.
  std::string errorCode() const {
    try {
      return json()->getObject("error")->getValue<std::string>("code");
    } catch (...) {
      return "";
    }
  }
};

struct Request {
  Request(std::string m, std::string u, std::string b = "", std::string s = "", std::string x = "")
      : method(std::move(m)), uri(std::move(u)), body(std::move(b)), session(std::move(s)),
        csrf(std::move(x)) {}
  std::string method = "GET";
  std::string uri = "/";
  std::string body;
  std::string session;  // callpy_session cookie value
  std::string csrf;     // X-CSRF-Token
  bool chunked = false;
};

inline Reply send(Poco::Net::HTTPClientSession& s, const Request& r) {
  Poco::Net::HTTPRequest req(r.method, r.uri, Poco::Net::HTTPMessage::HTTP_1_1);
  req.setKeepAlive(true);
  if (!r.session.empty()) {
    Poco::Net::NameValueCollection cookies;
    cookies.add(kSessionCookie, r.session);
    req.setCookies(cookies);
  }
  if (!r.csrf.empty()) req.set("X-CSRF-Token", r.csrf);
  if (!r.body.empty()) {
    req.setContentType("application/json");
    if (r.chunked) req.setChunkedTransferEncoding(true);
    else req.setContentLength(static_cast<std::streamsize>(r.body.size()));
  }
  auto& out = s.sendRequest(req);
  out << r.body;
  Poco::Net::HTTPResponse resp;
  auto& in = s.receiveResponse(resp);
  Reply reply;
  reply.status = static_cast<int>(resp.getStatus());
  Poco::StreamCopier::copyToString(in, reply.body);
  for (const auto& [k, v] : resp) reply.headers[k] = v;
  resp.getCookies(reply.cookies);
  return reply;
}

struct HttpEnv {
  callpy::testing::ServiceEnv services;
  std::filesystem::path webRoot = services.dir.path() / "web";
  http::ApiContext ctx{services.accounts, services.sites, false, {}, {}};
  std::unique_ptr<Listener> listener;

  explicit HttpEnv(ExchangeLimits limits = {}, int maxConnectionsPerAddress = 0) {
    std::filesystem::create_directories(webRoot / "app" / "assets");
    std::ofstream(webRoot / "app" / "index.html") << "<!doctype html><title>panel</title>";
    std::ofstream(webRoot / "app" / "assets" / "main-abc123.js") << "console.log(1);";
    std::filesystem::create_directories(webRoot / "widget");
    std::ofstream(webRoot / "widget" / "loader.js") << "/* loader */";
    std::ofstream(webRoot / "secret.txt") << "TOP-SECRET";
    std::ofstream(services.dir.path() / "outside.txt") << "TOP-SECRET";
    ctx.status = [] {
      Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
      o->set("version", "test");
      return o;
    };
    ctx.reload = [] { return std::vector<std::string>{}; };
    ListenerOptions o;
    o.kind = ListenerKind::Public;
    o.host = "127.0.0.1";
    o.port = 0;
    o.threads = 4;
    o.limits = limits;
    o.webRoot = webRoot.string();
    o.maxConnectionsPerAddress = maxConnectionsPerAddress;
    listener = std::make_unique<Listener>(o, ctx);
    listener->start();
  }
  ~HttpEnv() { listener->stop(); }

  std::unique_ptr<Poco::Net::HTTPClientSession> client() {
    auto s = std::make_unique<Poco::Net::HTTPClientSession>("127.0.0.1", listener->port());
    s->setKeepAlive(true);
    s->setTimeout(Poco::Timespan(10, 0));
    return s;
  }
};

}  // namespace callpy::http::testing
