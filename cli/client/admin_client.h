#pragma once

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Object.h>

#include <stdexcept>
#include <string>
#include <string_view>

namespace callpy::cli {

// One answer of the admin API. `body` is the parsed JSON document (empty when the body was not
// JSON, e.g. /healthz); `raw` keeps the bytes for that case.
struct Response {
  long status = 0;
  Poco::Dynamic::Var body;
  std::string raw;

  bool ok() const { return status >= 200 && status < 300; }
  // The body as a JSON object, or an empty object when the body is not one.
  Poco::JSON::Object::Ptr object() const;
};

// The daemon could not be reached at all (no socket, refused, died mid-request): exit code 69.
class Unreachable : public std::runtime_error {
 public:
  Unreachable(std::string socketPath, std::string reason);
  const std::string& socketPath() const { return socketPath_; }
  const std::string& reason() const { return reason_; }

 private:
  std::string socketPath_;
  std::string reason_;
};

// The daemon answered with an error (`{"error": {code, message, field?}}`): exit code 1.
class ApiError : public std::runtime_error {
 public:
  ApiError(long status, std::string code, std::string message, std::string field = {});
  long status() const { return status_; }
  const std::string& code() const { return code_; }
  const std::string& field() const { return field_; }

 private:
  long status_;
  std::string code_;
  std::string field_;
};

// HTTP over the daemon's Unix admin socket. Paths are relative to /api/admin/v1, e.g. "/sites".
class AdminClient {
 public:
  static constexpr std::string_view kPrefix = "/api/admin/v1";

  explicit AdminClient(std::string socketPath);

  Response get(const std::string& path) const;
  Response post(const std::string& path, const Poco::JSON::Object::Ptr& body = nullptr) const;
  Response put(const std::string& path, const Poco::JSON::Object::Ptr& body) const;
  Response patch(const std::string& path, const Poco::JSON::Object::Ptr& body) const;
  Response del(const std::string& path) const;

  // A request to a path outside the admin prefix (e.g. "/healthz").
  Response raw(const std::string& method, const std::string& absolutePath,
               const std::string* body) const;

  const std::string& socketPath() const { return socketPath_; }

 private:
  Response send(const std::string& method, const std::string& path,
                const Poco::JSON::Object::Ptr& body) const;

  std::string socketPath_;
};

// Percent-encodes one path segment (site ids, e-mail addresses, slugs).
std::string encodeSegment(std::string_view segment);

// Returns the answer's object, or throws ApiError when the status is not 2xx.
Poco::JSON::Object::Ptr expectOk(const Response& response);

}  // namespace callpy::cli
