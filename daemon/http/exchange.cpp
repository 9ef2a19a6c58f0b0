#include "http/exchange.h"

#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/Net/HTTPCookie.h>
#include <Poco/Net/NameValueCollection.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <sstream>

namespace callpy::http {

using core::Error;
using core::ErrorCode;

int httpStatusFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::Invalid: return 400;
    case ErrorCode::Unauthorized: return 401;
    case ErrorCode::Forbidden: return 403;
    case ErrorCode::NotFound: return 404;
    case ErrorCode::Conflict: return 409;
    case ErrorCode::TooLarge: return 413;
    case ErrorCode::Limit: return 429;
    case ErrorCode::Unavailable: return 503;
    case ErrorCode::Internal: return 500;
  }
  return 500;
}

const std::string& Exchange::param(const std::string& name) const {
  static const std::string empty;
  auto it = params.find(name);
  return it == params.end() ? empty : it->second;
}

bool Exchange::hasBody() const {
  // RFC 9112 §6.3: a request with neither Content-Length nor chunked coding has no body. POCO
  // would otherwise read until the client closes, stalling keep-alive clients like curl -X POST.
  return req_.getChunkedTransferEncoding() ||
         (req_.hasContentLength() && req_.getContentLength64() > 0);
}

void Exchange::discardUnreadBody() {
  if (bodyConsumed_) return;
  bodyConsumed_ = true;
  if (!hasBody()) return;
  // A keep-alive connection would parse leftover body bytes as the next request, so read what a
  // handler did not (bounded); past the bound, close the connection instead.
  auto& in = req_.stream();
  char buf[8192];
  std::size_t drained = 0;
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    drained += static_cast<std::size_t>(in.gcount());
    if (drained > 1024 * 1024) {
      resp_.setKeepAlive(false);
      return;
    }
  }
}

Error Exchange::bodyTooLarge() {
  discardUnreadBody();
  resp_.setKeepAlive(false);
  return Error(ErrorCode::TooLarge,
               "the request body is larger than " + std::to_string(limits_.maxBodyBytes) + " bytes");
}

Poco::JSON::Object::Ptr Exchange::json() {
  if (body_) return body_;
  if (req_.getContentLength64() > static_cast<std::int64_t>(limits_.maxBodyBytes)) {
    throw bodyTooLarge();
  }
  std::string text;
  auto& in = req_.stream();
  char buf[8192];
  while (hasBody() && (in.read(buf, sizeof buf) || in.gcount() > 0)) {
    text.append(buf, static_cast<std::size_t>(in.gcount()));
    if (text.size() > limits_.maxBodyBytes) throw bodyTooLarge();
  }
  bodyConsumed_ = true;
  if (text.empty()) {
    body_ = new Poco::JSON::Object;
    return body_;
  }
  Poco::JSON::Parser parser;
  parser.setDepth(limits_.maxJsonDepth);
  Poco::Dynamic::Var v;
  try {
    v = parser.parse(text);
  } catch (const Poco::Exception& e) {
    throw Error(ErrorCode::Invalid, "the body is not valid JSON: " + e.message());
  } catch (const std::exception& e) {
    throw Error(ErrorCode::Invalid, std::string("the body is not valid JSON: ") + e.what());
  }
  if (v.type() != typeid(Poco::JSON::Object::Ptr)) {
    throw Error(ErrorCode::Invalid, "the body must be a JSON object");
  }
  body_ = v.extract<Poco::JSON::Object::Ptr>();
  return body_;
}

std::string Exchange::query(const std::string& name) const {
  try {
    for (const auto& [k, v] : Poco::URI(req_.getURI()).getQueryParameters()) {
      if (k == name) return v;
    }
  } catch (const Poco::Exception&) {
    throw core::invalid("the query string is malformed");
  }
  return {};
}

std::string Exchange::cookie(const std::string& name) const {
  Poco::Net::NameValueCollection cookies;
  req_.getCookies(cookies);
  return cookies.get(name, "");
}

std::string Exchange::clientAddress() const {
  if (adminSocket) return "admin-socket";
  return req_.clientAddress().host().toString();
}

void Exchange::sendJson(int status, const Poco::JSON::Object::Ptr& body) {
  std::ostringstream os;
  Poco::JSON::Stringifier::condense(body, os);
  sendText(status, "application/json; charset=utf-8", os.str());
}

void Exchange::sendText(int status, const std::string& contentType, const std::string& body) {
  discardUnreadBody();
  resp_.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
  resp_.setContentType(contentType);
  resp_.set("Cache-Control", "no-store");
  resp_.set("X-Content-Type-Options", "nosniff");
  resp_.setContentLength(static_cast<std::streamsize>(body.size()));
  auto& out = resp_.send();
  if (req_.getMethod() != "HEAD") out << body;
}

void Exchange::sendError(const Error& e, int status) {
  Poco::JSON::Object::Ptr err = new Poco::JSON::Object;
  err->set("code", core::errorCodeName(e.code()));
  err->set("message", std::string(e.what()));
  if (!e.field().empty()) err->set("field", e.field());
  Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
  body->set("error", err);
  if (e.code() == ErrorCode::Limit && e.retryAfter() > 0) {
    resp_.set("Retry-After", std::to_string(e.retryAfter()));
  }
  sendJson(status ? status : httpStatusFor(e.code()), body);
}

std::string requireString(const Poco::JSON::Object::Ptr& o, const std::string& key) {
  auto v = optionalString(o, key);
  if (!v) throw core::invalid("\"" + key + "\" is required", key);
  return *v;
}

std::optional<std::string> optionalString(const Poco::JSON::Object::Ptr& o,
                                          const std::string& key) {
  if (!o->has(key) || o->isNull(key)) return std::nullopt;
  auto v = o->get(key);
  if (!v.isString()) throw core::invalid("\"" + key + "\" must be a string", key);
  return v.extract<std::string>();
}

std::optional<bool> optionalBool(const Poco::JSON::Object::Ptr& o, const std::string& key) {
  if (!o->has(key) || o->isNull(key)) return std::nullopt;
  auto v = o->get(key);
  if (!v.isBoolean()) throw core::invalid("\"" + key + "\" must be true or false", key);
  return v.extract<bool>();
}

}  // namespace callpy::http
