#include "realtime/handshake.h"

#include <Poco/Base64Encoder.h>
#include <Poco/SHA1Engine.h>

#include <sstream>

namespace callpy::realtime {

namespace {

constexpr std::string_view kGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

int base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// A 16-byte value in base64 is 22 characters and "==", the last character carrying 2 bits.
bool isValidKey(std::string_view key) {
  if (key.size() != 24 || key[22] != '=' || key[23] != '=') return false;
  for (std::size_t i = 0; i < 22; ++i)
    if (base64Value(key[i]) < 0) return false;
  return (base64Value(key[21]) & 0x0F) == 0;
}

HandshakeResult reject(int status, std::string error) {
  HandshakeResult r;
  r.status = status;
  r.error = std::move(error);
  return r;
}

}  // namespace

bool headerHasToken(std::string_view value, std::string_view token) {
  while (!value.empty()) {
    const auto comma = value.find(',');
    if (equalsIgnoreCase(trim(value.substr(0, comma)), token)) return true;
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return false;
}

HandshakeResult validateUpgrade(const UpgradeRequest& request, const OriginCheck& originCheck) {
  if (request.method != "GET") return reject(405, "method_not_get");
  if (!headerHasToken(request.upgrade, "websocket")) return reject(400, "no_upgrade_websocket");
  if (!headerHasToken(request.connection, "upgrade")) return reject(400, "no_connection_upgrade");
  if (trim(request.version) != "13") return reject(426, "unsupported_version");
  const std::string_view key = trim(request.key);
  if (!isValidKey(key)) return reject(400, "bad_key");
  if (originCheck && !originCheck(request.origin, request.hasOrigin))
    return reject(403, "origin_not_allowed");
  HandshakeResult r;
  r.ok = true;
  r.status = 101;
  r.accept = computeAccept(key);
  return r;
}

std::string computeAccept(std::string_view key) {
  Poco::SHA1Engine sha1;
  sha1.update(key.data(), static_cast<unsigned>(key.size()));
  sha1.update(kGuid.data(), static_cast<unsigned>(kGuid.size()));
  const Poco::DigestEngine::Digest& digest = sha1.digest();
  std::ostringstream out;
  Poco::Base64Encoder encoder(out);
  encoder.write(reinterpret_cast<const char*>(digest.data()),
                static_cast<std::streamsize>(digest.size()));
  encoder.close();
  return out.str();
}

std::string buildSwitchingProtocols(std::string_view accept) {
  std::string out;
  out.reserve(130);
  out += "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n";
  out += "Sec-WebSocket-Accept: ";
  out += accept;
  out += "\r\n\r\n";
  return out;
}

}  // namespace callpy::realtime
