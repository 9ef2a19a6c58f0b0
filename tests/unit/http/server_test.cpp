// The http layer end to end in-process: routing, sessions, CSRF, body limits, error shapes.
#include <gtest/gtest.h>

#include <Poco/String.h>

#include "http_env.h"

namespace callpy::http {
namespace {

using core::accounts::Role;
using testing::HttpEnv;
using testing::Reply;
using testing::Request;
using testing::send;

class Http : public ::testing::Test {
 protected:
  HttpEnv env;
  std::unique_ptr<Poco::Net::HTTPClientSession> c = env.client();

  void SetUp() override {
    env.services.addSite("shop", "Shop");
    env.services.addUser("owner@example.com", "owner password", "shop", Role::Owner);
  }
  // Signs in; returns {session cookie, csrf}.
  std::pair<std::string, std::string> signIn() {
    auto r = send(*c, {"POST", "/api/panel/auth/login",
                       R"({"email":"owner@example.com","password":"owner password"})"});
    EXPECT_EQ(r.status, 200) << r.body;
    std::string session;
    for (const auto& k : r.cookies) {
      if (k.getName() == kSessionCookie) session = k.getValue();
    }
    return {session, r.json()->getValue<std::string>("csrf")};
  }
};

TEST_F(Http, Healthz) {
  auto r = send(*c, {"GET", "/healthz"});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "ok\n");
  auto head = send(*c, {"HEAD", "/healthz"});
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.body, "");
}

TEST_F(Http, SessionRoutesNeedACookie) {
  auto r = send(*c, {"GET", "/api/panel/me"});
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.errorCode(), "unauthorized");
  EXPECT_NE(r.header("Content-Type").find("application/json"), std::string::npos);
  EXPECT_FALSE(r.json()->getObject("error")->getValue<std::string>("message").empty());
  r = send(*c, {"GET", "/api/panel/sites", "", "made-up-session"});
  EXPECT_EQ(r.status, 401);
}

TEST_F(Http, LoginSetsAHardenedCookie) {
  auto r = send(*c, {"POST", "/api/panel/auth/login",
                     R"({"email":"owner@example.com","password":"owner password"})"});
  ASSERT_EQ(r.status, 200) << r.body;
  auto setCookie = r.header("Set-Cookie");
  EXPECT_NE(setCookie.find("callpy_session="), std::string::npos) << setCookie;
  EXPECT_NE(setCookie.find("HttpOnly"), std::string::npos) << setCookie;
  EXPECT_NE(setCookie.find("SameSite=Lax"), std::string::npos) << setCookie;
  EXPECT_NE(Poco::toLower(setCookie).find("path=/"), std::string::npos) << setCookie;
  EXPECT_EQ(r.json()->getObject("user")->getValue<std::string>("email"), "owner@example.com");
}

TEST_F(Http, WrongPasswordIs401ThenRateLimitedWithRetryAfter) {
  Request bad{"POST", "/api/panel/auth/login", R"({"email":"owner@example.com","password":"x"})"};
  for (int i = 0; i < env.services.settings.rateLimit.perAccount; ++i) {
    EXPECT_EQ(send(*c, bad).status, 401);
  }
  auto r = send(*c, bad);
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.errorCode(), "limit");
  EXPECT_GT(std::stoi(r.header("Retry-After")), 0);
}

TEST_F(Http, CsrfIsEnforcedForUnsafeMethods) {
  auto [session, csrf] = signIn();
  ASSERT_FALSE(session.empty());
  auto me = send(*c, {"GET", "/api/panel/me", "", session});
  EXPECT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(me.json()->getValue<std::string>("csrf"), csrf);

  std::string body = R"({"name":"Blog","url":"https://blog.example"})";
  auto r = send(*c, {"POST", "/api/panel/sites", body, session});
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.errorCode(), "forbidden");
  r = send(*c, {"POST", "/api/panel/sites", body, session, "wrong-token"});
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(send(*c, {"GET", "/api/panel/sites/blog", "", session}).status, 403);

  r = send(*c, {"POST", "/api/panel/sites", body, session, csrf});
  EXPECT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json()->getObject("site")->getValue<std::string>("role"), "owner");
  EXPECT_EQ(send(*c, {"GET", "/api/panel/sites/blog", "", session}).status, 200);
}

TEST_F(Http, LogoutEndsTheSession) {
  auto [session, csrf] = signIn();
  EXPECT_EQ(send(*c, {"POST", "/api/panel/auth/logout", "", session, csrf}).status, 200);
  EXPECT_EQ(send(*c, {"GET", "/api/panel/me", "", session}).status, 401);
}

TEST_F(Http, InvalidInputHasTheErrorShape) {
  auto r = send(*c, {"POST", "/api/panel/auth/login", R"({"password":"x"})"});
  EXPECT_EQ(r.status, 400);
  auto err = r.json()->getObject("error");
  EXPECT_EQ(err->getValue<std::string>("code"), "invalid");
  EXPECT_EQ(err->getValue<std::string>("field"), "email");

  r = send(*c, {"POST", "/api/panel/auth/login", R"({"email": 5, "password":"x"})"});
  EXPECT_EQ(r.status, 400);
  r = send(*c, {"POST", "/api/panel/auth/login", "{not json"});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.errorCode(), "invalid");
  r = send(*c, {"POST", "/api/panel/auth/login", "[1,2]"});
  EXPECT_EQ(r.status, 400);
  r = send(*c, {"GET", "/api/panel/nothing-here"});
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.errorCode(), "not_found");
  r = send(*c, {"DELETE", "/api/panel/auth/login"});
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.errorCode(), "invalid");
}

TEST_F(Http, JsonDepthIsLimited) {
  std::string deep = R"({"email":"a@b.co","password":)" + std::string(40, '[') +
                     std::string(40, ']') + "}";
  auto r = send(*c, {"POST", "/api/panel/auth/login", deep});
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.errorCode(), "invalid");
  EXPECT_NE(r.body.find("JSON"), std::string::npos) << r.body;
  // The same connection goes on working.
  EXPECT_EQ(send(*c, {"GET", "/healthz"}).status, 200);
}

TEST_F(Http, OversizeBodyIs413AndTheClientCanGoOn) {
  std::string big = R"({"email":"a@b.co","password":")" + std::string(100 * 1024, 'x') + "\"}";
  auto r = send(*c, {"POST", "/api/panel/auth/login", big});
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.errorCode(), "too_large");
  auto next = send(*c, {"GET", "/healthz"});
  EXPECT_EQ(next.status, 200);
  EXPECT_EQ(next.body, "ok\n");

  Request chunked{"POST", "/api/panel/auth/login", big};
  chunked.chunked = true;
  r = send(*c, chunked);
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(send(*c, {"GET", "/healthz"}).status, 200);
}

TEST_F(Http, UnreadBodiesDoNotLeakIntoTheNextRequest) {
  auto [session, csrf] = signIn();
  // Logout ignores its body; the bytes must not be parsed as the next request.
  Request r{"POST", "/api/panel/auth/logout", "GET /healthz HTTP/1.1\r\n\r\n", session, csrf};
  EXPECT_EQ(send(*c, r).status, 200);
  EXPECT_EQ(send(*c, {"GET", "/api/panel/me", "", session}).status, 401);
}

// The router decodes each path segment exactly once: "%2573" is the text "%73", not "s".
TEST_F(Http, PathIsPercentDecodedOnce) {
  auto [session, csrf] = signIn();
  EXPECT_EQ(send(*c, {"GET", "/api/panel/sites/%73hop", "", session}).status, 200);
  EXPECT_EQ(send(*c, {"GET", "/api/panel/sites/%2573hop", "", session}).status, 403);
}

TEST_F(Http, MalformedEscapesAreClientErrors) {
  auto [session, csrf] = signIn();
  for (const char* uri : {"/api/panel/sites/%zz", "/app/%zz", "/api/panel/sites/%"}) {
    auto r = send(*c, {"GET", uri, "", session});
    EXPECT_GE(r.status, 400) << uri;
    EXPECT_LT(r.status, 500) << uri << " " << r.body;
  }
}

TEST_F(Http, StaticFilesAndSpaFallback) {
  auto r = send(*c, {"GET", "/app/assets/main-abc123.js"});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "console.log(1);");
  EXPECT_EQ(r.header("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_NE(r.header("Cache-Control").find("immutable"), std::string::npos);

  r = send(*c, {"GET", "/app/sites/shop/hours"});
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("<title>panel</title>"), std::string::npos);
  EXPECT_EQ(r.header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(r.header("Content-Security-Policy").find("frame-ancestors 'none'"), std::string::npos);

  r = send(*c, {"GET", "/app/"});
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("panel"), std::string::npos);

  EXPECT_EQ(send(*c, {"GET", "/app/assets/missing.js"}).status, 404);
  EXPECT_EQ(send(*c, {"GET", "/widget/missing.js"}).status, 404);
  r = send(*c, {"GET", "/widget/loader.js"});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("Access-Control-Allow-Origin"), "*");

  r = send(*c, {"GET", "/"});
  EXPECT_EQ(r.status, 302);
  EXPECT_EQ(r.header("Location"), "/app/");
  EXPECT_EQ(send(*c, {"POST", "/app/x", "{}"}).status, 404);
}

TEST_F(Http, OtherMethodIs405WithAllow) {
  auto [session, csrf] = signIn();
  auto r = send(*c, {"PUT", "/api/panel/me", "{}", session, csrf});
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.errorCode(), "invalid");
  EXPECT_EQ(r.header("Allow"), "GET, PATCH");
}

TEST_F(Http, DotfilesAreNotServed) {
  std::ofstream(env.webRoot / "app" / ".env") << "SECRET=1";
  auto r = send(*c, {"GET", "/app/.env"});
  EXPECT_EQ(r.body.find("SECRET"), std::string::npos);
}

TEST_F(Http, TraversalIsNotServed) {
  for (const char* uri :
       {"/app/%2e%2e/secret.txt", "/app/..%2fsecret.txt", "/app/%2e%2e%2fsecret.txt",
        "/app/%252e%252e/secret.txt", "/widget/%2e%2e/secret.txt", "/app/%2e%2e/%2e%2e/outside.txt",
        "/widget/..%2f..%2foutside.txt", "/app/assets/..%2f..%2fsecret.txt", "/secret.txt",
        "/app/%00/secret.txt"}) {
    auto r = send(*c, {"GET", uri});
    EXPECT_EQ(r.body.find("TOP-SECRET"), std::string::npos) << uri;
    EXPECT_NE(r.status, 500) << uri;
  }
}

// Each listener owns its server parameters correctly: starting and stopping many in a row (as
// tests and reloads do) must not corrupt the heap.
TEST(HttpListener, ManyStartStopCycles) {
  for (int i = 0; i < 30; ++i) {
    HttpEnv env({}, i % 2 == 0 ? 0 : 4);  // both connection factories
    auto c = env.client();
    ASSERT_EQ(send(*c, {"GET", "/healthz"}).status, 200) << i;
  }
}

TEST(HttpAdmin, SocketGivesAdministratorRights) {
  callpy::testing::ServiceEnv services;
  services.addSite("shop", "Shop");
  ApiContext ctx{services.accounts, services.sites, false, {}, {}};
  ctx.status = [] {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    o->set("version", "test");
    return o;
  };
  ListenerOptions o;
  o.kind = ListenerKind::Admin;
  o.host = services.dir.file("admin.sock");
  Listener l(o, ctx);
  l.start();
  Poco::Net::StreamSocket sock(
      Poco::Net::SocketAddress(Poco::Net::SocketAddress::UNIX_LOCAL, o.host));
  Poco::Net::HTTPClientSession s(sock);
  s.setKeepAlive(true);
  auto r = send(s, {"GET", "/api/admin/v1/sites"});
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.body.find("\"shop\""), std::string::npos);
  r = send(s, {"POST", "/api/admin/v1/sites/shop/operators",
               R"({"email":"new@example.com","role":"owner","print_link":true})"});
  EXPECT_EQ(r.status, 201) << r.body;
  EXPECT_NE(r.json()->getValue<std::string>("invite_link").find("/app/invite?token="),
            std::string::npos);
  EXPECT_EQ(send(s, {"GET", "/api/admin/v1/sites/missing"}).status, 404);
  EXPECT_EQ(send(s, {"GET", "/api/admin/v1/status"}).json()->getValue<std::string>("version"),
            "test");
  auto metrics = send(s, {"GET", "/metrics"});
  EXPECT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.body.find("callpy_http_requests_total"), std::string::npos);
  l.stop();
}

}  // namespace
}  // namespace callpy::http
