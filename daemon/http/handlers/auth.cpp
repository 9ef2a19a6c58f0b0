// Sign-in, sign-out, profile, password reset and invitation acceptance (F1, F2).
#include <Poco/Net/HTTPCookie.h>

#include "http/api.h"
#include "http/exchange.h"
#include "http/handlers/render.h"

namespace callpy::http {

using core::accounts::NewSession;

namespace {

void setSessionCookie(Exchange& ex, const ApiContext& ctx, const std::string& value, int maxAge) {
  Poco::Net::HTTPCookie c(kSessionCookie, value);
  c.setPath("/");
  c.setHttpOnly(true);
  c.setSecure(ctx.secureCookies);
  c.setSameSite(Poco::Net::HTTPCookie::SAME_SITE_LAX);
  c.setMaxAge(maxAge);
  ex.response().addCookie(c);
}

void answerSession(Exchange& ex, const ApiContext& ctx, const NewSession& s) {
  setSessionCookie(ex, ctx, s.token, 14 * 24 * 3600);
  auto body = object();
  body->set("user", renderUser(s.user));
  body->set("csrf", s.csrf);
  ex.sendJson(200, body);
}

}  // namespace

void registerAuthRoutes(Router& r, ApiContext& ctx) {
  const std::string p = "/api/panel";
  r.add("POST", p + "/auth/login", Access::Public, [&ctx](Exchange& ex) {
    auto body = ex.json();
    auto s = ctx.accounts.login(requireString(body, "email"), requireString(body, "password"),
                                ex.clientAddress());
    answerSession(ex, ctx, s);
  });
  r.add("POST", p + "/auth/reset-request", Access::Public, [&ctx](Exchange& ex) {
    ctx.accounts.requestPasswordReset(requireString(ex.json(), "email"), ex.clientAddress());
    ex.sendJson(202, object());
  });
  r.add("POST", p + "/auth/reset", Access::Public, [&ctx](Exchange& ex) {
    auto body = ex.json();
    ctx.accounts.resetPassword(requireString(body, "token"), requireString(body, "password"));
    ex.sendJson(200, object());
  });
  r.add("GET", p + "/invites/{token}", Access::Public, [&ctx](Exchange& ex) {
    auto info = ctx.accounts.inviteInfo(ex.param("token"));
    auto site = object();
    site->set("id", info.siteId);
    site->set("name", info.siteName);
    auto body = object();
    body->set("email", info.email);
    body->set("site", site);
    body->set("role", core::accounts::roleName(info.role));
    ex.sendJson(200, body);
  });
  r.add("POST", p + "/invites/accept", Access::Public, [&ctx](Exchange& ex) {
    auto body = ex.json();
    auto s = ctx.accounts.acceptInvite(requireString(body, "token"),
                                       optionalString(body, "name").value_or(""),
                                       requireString(body, "password"));
    answerSession(ex, ctx, s);
  });

  r.add("POST", p + "/auth/logout", Access::Session, [&ctx](Exchange& ex) {
    ctx.accounts.logout(ex.sessionToken);
    setSessionCookie(ex, ctx, "", 0);
    ex.sendJson(200, object());
  });
  r.add("GET", p + "/me", Access::Session, [&ctx](Exchange& ex) {
    auto body = object();
    body->set("user", renderUser(*ex.principal.user));
    body->set("csrf", ex.csrf);
    Poco::JSON::Array::Ptr sites = new Poco::JSON::Array;
    for (const auto& m : ex.principal.memberships) {
      if (m.disabled) continue;
      auto s = object();
      s->set("id", m.siteId);
      s->set("name", m.siteName);
      s->set("role", core::accounts::roleName(m.role));
      sites->add(s);
    }
    body->set("sites", sites);
    ex.sendJson(200, body);
  });
  r.add("PATCH", p + "/me", Access::Session, [&ctx](Exchange& ex) {
    auto body = ex.json();
    auto user = ctx.accounts.updateProfile(ex.principal, optionalString(body, "name"),
                                           optionalString(body, "language"));
    ex.sendJson(200, wrap("user", renderUser(user)));
  });
  r.add("POST", p + "/me/password", Access::Session, [&ctx](Exchange& ex) {
    auto body = ex.json();
    ctx.accounts.changePassword(ex.principal, ex.sessionToken, requireString(body, "current"),
                                requireString(body, "password"));
    ex.sendJson(200, object());
  });
}

}  // namespace callpy::http
