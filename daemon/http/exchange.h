#pragma once
// One HTTP request/response pair as handlers see it: path parameters, the JSON body (size and
// depth limited), the caller, and helpers to answer in the API's JSON shapes.
#include <Poco/JSON/Object.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <optional>
#include <string>

#include "core/accounts/account_service.h"
#include "core/common/error.h"
#include "http/router.h"

namespace callpy::http {

struct ExchangeLimits {
  std::size_t maxBodyBytes = 64 * 1024;
  std::size_t maxJsonDepth = 32;
};

class Exchange {
 public:
  Exchange(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp,
           ExchangeLimits limits)
      : req_(req), resp_(resp), limits_(limits) {}

  Poco::Net::HTTPServerRequest& request() { return req_; }
  Poco::Net::HTTPServerResponse& response() { return resp_; }
  const std::string& method() const { return req_.getMethod(); }

  Params params;
  // Set by the dispatcher for Access::Session routes.
  core::accounts::Principal principal;
  std::string sessionToken;  // the cookie value, when the caller came with one
  std::string csrf;
  bool adminSocket = false;

  const std::string& param(const std::string& name) const;
  // A query-string parameter ("" when absent); Error(invalid) for a malformed query string.
  std::string query(const std::string& name) const;
  // The body parsed as a JSON object; throws Error(invalid / too_large) on bad input.
  Poco::JSON::Object::Ptr json();
  std::string cookie(const std::string& name) const;
  std::string clientAddress() const;

  void sendJson(int status, const Poco::JSON::Object::Ptr& body);
  void sendText(int status, const std::string& contentType, const std::string& body);
  // Status from the error code unless `status` overrides it (405 has no code of its own).
  void sendError(const core::Error& e, int status = 0);
  bool sent() const { return resp_.sent(); }
  // For handlers that answer on the raw socket (WebSocket upgrade): nothing is left to drain.
  void markBodyConsumed() { bodyConsumed_ = true; }

 private:
  core::Error bodyTooLarge();
  void discardUnreadBody();
  bool hasBody() const;

  Poco::Net::HTTPServerRequest& req_;
  Poco::Net::HTTPServerResponse& resp_;
  ExchangeLimits limits_;
  Poco::JSON::Object::Ptr body_;
  bool bodyConsumed_ = false;
};

int httpStatusFor(core::ErrorCode code);

// Typed reads from a JSON object, throwing Error(invalid, field) on a wrong type.
std::string requireString(const Poco::JSON::Object::Ptr& o, const std::string& key);
std::optional<std::string> optionalString(const Poco::JSON::Object::Ptr& o, const std::string& key);
std::optional<bool> optionalBool(const Poco::JSON::Object::Ptr& o, const std::string& key);

}  // namespace callpy::http
