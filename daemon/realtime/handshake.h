#pragma once
// The server half of the RFC 6455 opening handshake, independent of any HTTP library: validates
// the upgrade request and builds the 101 answer.
#include <functional>
#include <string>
#include <string_view>

namespace callpy::realtime {

struct UpgradeRequest {
  std::string_view method;
  std::string_view upgrade;     // Upgrade header
  std::string_view connection;  // Connection header
  std::string_view version;     // Sec-WebSocket-Version
  std::string_view key;         // Sec-WebSocket-Key
  std::string_view origin;      // Origin (empty when absent)
  bool hasOrigin = false;
};

// Decides whether a page from this origin may open the socket (the caller knows the site's
// allowed origins). Receives the raw Origin header; hasOrigin false means none was sent.
using OriginCheck = std::function<bool(std::string_view origin, bool hasOrigin)>;

struct HandshakeResult {
  bool ok = false;
  int status = 400;        // HTTP status to answer with when !ok: 400, 403, 405 or 426
  std::string error;       // short machine-friendly reason when !ok
  std::string accept;      // Sec-WebSocket-Accept when ok
};

// originCheck may be empty: any origin is accepted then.
HandshakeResult validateUpgrade(const UpgradeRequest& request, const OriginCheck& originCheck);

// base64(SHA-1(key + RFC 6455 GUID)).
std::string computeAccept(std::string_view key);

// The full "HTTP/1.1 101 Switching Protocols" response head.
std::string buildSwitchingProtocols(std::string_view accept);

// True when the comma-separated header value holds token (case-insensitive).
bool headerHasToken(std::string_view value, std::string_view token);

}  // namespace callpy::realtime
