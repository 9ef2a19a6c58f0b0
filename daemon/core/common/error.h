#pragma once
// The one error type of the domain (DESIGN §7). Adapters map the code once: to an HTTP status,
// a CLI exit code or a WebSocket error frame.
#include <stdexcept>
#include <string>

namespace callpy::core {

enum class ErrorCode { Invalid, Unauthorized, Forbidden, NotFound, Conflict, TooLarge, Limit,
                       Unavailable, Internal };

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message, std::string field = {})
      : std::runtime_error(message), code_(code), field_(std::move(field)) {}
  ErrorCode code() const { return code_; }
  // The input field at fault, for `invalid` errors ("" when not about one field).
  const std::string& field() const { return field_; }
  // Seconds after which a `limit` error may be retried (0 when unknown).
  int retryAfter() const { return retryAfter_; }
  Error& withRetryAfter(int seconds) {
    retryAfter_ = seconds;
    return *this;
  }

 private:
  ErrorCode code_;
  std::string field_;
  int retryAfter_ = 0;
};

const char* errorCodeName(ErrorCode code);

inline Error invalid(const std::string& message, std::string field = {}) {
  return Error(ErrorCode::Invalid, message, std::move(field));
}
inline Error notFound(const std::string& message) { return Error(ErrorCode::NotFound, message); }
inline Error forbidden(const std::string& message) { return Error(ErrorCode::Forbidden, message); }
inline Error conflict(const std::string& message) { return Error(ErrorCode::Conflict, message); }

}  // namespace callpy::core
