#include "rtc/ice/remote_candidate.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstdint>
#include <vector>

namespace callpy::rtc::ice {
namespace {

constexpr std::size_t kMaxLine = 1024;

bool iceChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '/';
}

bool parseUnsigned(std::string_view text, std::uint64_t max, std::uint64_t& out) {
  if (text.empty() || text.size() > 10) return false;
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && ptr == end && out <= max;
}

bool numericAddress(const std::string& text) {
  unsigned char probe[16];
  return inet_pton(AF_INET, text.c_str(), probe) == 1 || inet_pton(AF_INET6, text.c_str(), probe) == 1;
}

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

}  // namespace

bool validIceCredential(std::string_view value, std::size_t minLength) {
  if (value.size() < minLength || value.size() > 256) return false;
  for (char c : value)
    if (!iceChar(c)) return false;
  return true;
}

bool normaliseRemoteCandidate(std::string_view line, std::string& out, std::string& reason) {
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.remove_suffix(1);
  if (line.size() > kMaxLine) return reason = "candidate line too long", false;
  if (line.substr(0, 2) == "a=") line.remove_prefix(2);
  constexpr std::string_view kPrefix = "candidate:";
  if (line.substr(0, kPrefix.size()) != kPrefix)
    return reason = "not a candidate line (expected \"candidate:\")", false;
  line.remove_prefix(kPrefix.size());

  std::vector<std::string_view> tokens;
  while (!line.empty()) {
    const auto space = line.find(' ');
    const auto token = line.substr(0, space);
    if (!token.empty()) tokens.push_back(token);
    if (space == std::string_view::npos) break;
    line.remove_prefix(space + 1);
  }
  if (tokens.size() < 8) return reason = "candidate line has too few fields", false;

  const auto foundation = tokens[0];
  if (foundation.size() > 32 || !validIceCredential(foundation, 1))
    return reason = "bad candidate foundation", false;
  std::uint64_t component = 0, priority = 0, port = 0;
  if (!parseUnsigned(tokens[1], 256, component) || component == 0)
    return reason = "bad candidate component id", false;
  if (!parseUnsigned(tokens[3], 0xFFFFFFFFu, priority) || priority == 0)
    return reason = "bad candidate priority", false;
  const std::string address(tokens[4]);
  if (!parseUnsigned(tokens[5], 65535, port) || port == 0)
    return reason = "bad candidate port", false;

  std::string_view type, raddr, rport;
  for (std::size_t i = 6; i + 1 < tokens.size(); i += 2) {
    if (tokens[i] == "typ") type = tokens[i + 1];
    else if (tokens[i] == "raddr") raddr = tokens[i + 1];
    else if (tokens[i] == "rport") rport = tokens[i + 1];
  }  // generation, ufrag, network-id, network-cost, tcptype: not needed
  if (type != "host" && type != "srflx" && type != "prflx" && type != "relay")
    return reason = "bad or missing candidate type", false;

  if (!equalsIgnoreCase(tokens[2], "udp"))
    return reason = "transport " + std::string(tokens[2]) + " not used (UDP only)", false;
  if (component != 1)
    return reason = "component " + std::to_string(component) + " not used (rtcp-mux)", false;
  if (address.size() > 6 && equalsIgnoreCase(std::string_view(address).substr(address.size() - 6), ".local"))
    return reason = "mDNS candidate " + address +
                    " ignored (cannot resolve .local names; the peer's checks still arrive as "
                    "peer-reflexive)",
           false;
  if (!numericAddress(address)) return reason = "candidate address is not numeric", false;

  out = "a=candidate:" + std::string(foundation) + " 1 UDP " + std::to_string(priority) + " " +
        address + " " + std::to_string(port) + " typ " + std::string(type);
  std::uint64_t relatedPort = 0;
  if (!raddr.empty() && !rport.empty()) {
    // Related address is informational (RFC 8445 §5.1.3); drop it rather than fail when odd,
    // e.g. Chromium's "raddr 0.0.0.0 rport 0" for hidden host addresses.
    if (numericAddress(std::string(raddr)) && parseUnsigned(rport, 65535, relatedPort) &&
        relatedPort != 0)
      out += " raddr " + std::string(raddr) + " rport " + std::to_string(relatedPort);
  }
  return true;
}

}  // namespace callpy::rtc::ice
