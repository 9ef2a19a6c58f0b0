#pragma once
// Pieces shared by the visitor and operator sessions: JSON parsing of client frames, error
// frames from exceptions, and a per-connection rate limit for ephemeral frames.
#include <Poco/JSON/Object.h>

#include <chrono>
#include <deque>
#include <exception>
#include <optional>
#include <string>

#include "realtime/chat_frames.h"

namespace callpy::realtime {

// The frame as an object with a string "t", or nullopt (then `error` says why).
std::optional<frames::Json> parseClientFrame(const std::string& text, std::string& error);
std::string stringField(const frames::Json& f, const char* key);
std::optional<std::int64_t> intField(const frames::Json& f, const char* key);
// An `err` frame for a failed request: core::Error keeps its code; anything else is internal.
frames::Json errorFrame(std::exception_ptr e, const std::string& cid = {});

// At most `perSecond` events in any one-second window (typing previews, presence updates).
class Throttle {
 public:
  explicit Throttle(int perSecond) : perSecond_(perSecond) {}
  bool allow();

 private:
  int perSecond_;
  std::deque<std::chrono::steady_clock::time_point> recent_;
};

// A client id (idempotency key): 1–64 printable ASCII characters.
bool isValidCid(const std::string& cid);

}  // namespace callpy::realtime
