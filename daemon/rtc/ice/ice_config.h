#pragma once
// What an IceLeg needs from the daemon's rtc configuration (DESIGN §9).
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace callpy::rtc::ice {

struct IceConfig {
  // Numeric IPv4/IPv6 addresses to gather host candidates on. Empty: every non-loopback,
  // non-link-local address of the host (loopback only when the host has nothing else).
  // 127.0.0.1 works when listed.
  std::vector<std::string> interfaceAddresses;
  // 1:1 NAT (rtc.public_ip): host candidates of the same address family are handed out with this
  // address instead of the interface's (the port stays). Empty: no rewriting.
  std::string publicIp;
  // UDP port range for the host candidates; 0/0 lets the kernel choose.
  std::uint16_t portMin = 0;
  std::uint16_t portMax = 0;
  // The daemon answers browser offers as the controlled agent; the benchmark client controls.
  bool controlling = false;
  // Not Connected this long after gather() -> Failed("ICE timeout").
  std::chrono::milliseconds iceTimeout{15000};
};

}  // namespace callpy::rtc::ice
