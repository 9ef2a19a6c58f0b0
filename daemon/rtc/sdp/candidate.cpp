#include "rtc/sdp/candidate.h"

#include <arpa/inet.h>

#include <new>

#include "rtc/sdp/text.h"

namespace callpy::rtc::sdp {

namespace {

using text::iequals;
using text::isIceChars;
using text::isVisible;
using text::parseUint;

constexpr std::size_t kMaxCandidateBytes = 1024;
constexpr std::size_t kMaxExtensions = 16;

bool isHostname(std::string_view s) {
  if (s.empty() || s.size() > 253 || s.front() == '.' || s.front() == '-') return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '.';
    if (!ok) return false;
  }
  // A top-level label is never all digits: "10.0.0.256" is a bad IPv4 address, not a name.
  const std::size_t dot = s.rfind('.');
  const std::string_view last = dot == std::string_view::npos ? s : s.substr(dot + 1);
  for (char c : last) {
    if (c < '0' || c > '9') return true;
  }
  return false;
}

std::string_view typeName(CandidateType t) {
  switch (t) {
    case CandidateType::Host:
      return "host";
    case CandidateType::Srflx:
      return "srflx";
    case CandidateType::Prflx:
      return "prflx";
    case CandidateType::Relay:
      return "relay";
  }
  return "host";
}

CandidateResult fail(std::string message) {
  CandidateResult r;
  r.error = std::move(message);
  return r;
}

CandidateResult parseImpl(std::string_view line) {
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (line.size() > kMaxCandidateBytes) return fail("candidate is longer than 1024 bytes");
  for (char c : line) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7F) return fail("candidate contains a non-printable byte");
  }
  if (line.substr(0, 2) == "a=") line.remove_prefix(2);
  if (line.substr(0, 10) == "candidate:") line.remove_prefix(10);
  const auto f = text::splitSpaces(line, 8 + 2 * kMaxExtensions + 8);
  if (f.size() < 8)
    return fail(
        "candidate needs foundation, component, transport, priority, "
        "address, port, 'typ' and a type");
  if (f.size() > 8 + 2 * kMaxExtensions + 6) return fail("candidate has too many fields");
  Candidate c;
  if (!isIceChars(f[0]) || f[0].size() > 32)
    return fail("candidate foundation is not 1-32 ice-chars");
  c.foundation = std::string(f[0]);
  const auto component = parseUint(f[1], 256);
  if (!component || *component == 0) return fail("candidate component is not 1-256");
  c.component = static_cast<std::uint32_t>(*component);
  if (iequals(f[2], "udp"))
    c.transport = CandidateTransport::Udp;
  else if (iequals(f[2], "tcp"))
    c.transport = CandidateTransport::Tcp;
  else
    return fail("candidate transport must be UDP or TCP");
  const auto priority = parseUint(f[3], 0xFFFFFFFFu);
  if (!priority || *priority == 0) return fail("candidate priority is not 1-4294967295");
  c.priority = static_cast<std::uint32_t>(*priority);
  if (const auto fam = ipLiteralFamily(f[4])) {
    c.family = *fam;
  } else if (isHostname(f[4])) {
    c.family = AddressFamily::Hostname;
  } else {
    return fail("candidate address is neither an IP address nor a host name");
  }
  c.address = std::string(f[4]);
  const auto port = parseUint(f[5], 65535);
  if (!port) return fail("candidate port is not 0-65535");
  c.port = static_cast<std::uint16_t>(*port);
  if (f[6] != "typ") return fail("candidate is missing 'typ'");
  if (f[7] == "host")
    c.type = CandidateType::Host;
  else if (f[7] == "srflx")
    c.type = CandidateType::Srflx;
  else if (f[7] == "prflx")
    c.type = CandidateType::Prflx;
  else if (f[7] == "relay")
    c.type = CandidateType::Relay;
  else
    return fail("candidate type must be host, srflx, prflx or relay");
  std::size_t i = 8;
  if (i + 1 < f.size() && f[i] == "raddr") {
    if (!ipLiteralFamily(f[i + 1]) && !isHostname(f[i + 1]))
      return fail("candidate raddr is invalid");
    c.relatedAddress = std::string(f[i + 1]);
    i += 2;
  }
  if (i + 1 < f.size() && f[i] == "rport") {
    const auto rport = parseUint(f[i + 1], 65535);
    if (!rport) return fail("candidate rport is not 0-65535");
    c.relatedPort = static_cast<std::uint16_t>(*rport);
    i += 2;
  }
  if (c.transport == CandidateTransport::Tcp && i + 1 < f.size() && f[i] == "tcptype") {
    if (f[i + 1] != "active" && f[i + 1] != "passive" && f[i + 1] != "so") {
      return fail("candidate tcptype must be active, passive or so");
    }
    c.tcpType = std::string(f[i + 1]);
    i += 2;
  }
  if ((f.size() - i) % 2 != 0) return fail("candidate extension without a value");
  for (; i < f.size(); i += 2) {
    if (!isVisible(f[i]) || !isVisible(f[i + 1])) return fail("candidate extension is invalid");
    if (c.extensions.size() >= kMaxExtensions) return fail("candidate has too many extensions");
    c.extensions.emplace_back(std::string(f[i]), std::string(f[i + 1]));
  }
  CandidateResult r;
  r.candidate = std::move(c);
  return r;
}

}  // namespace

std::optional<AddressFamily> ipLiteralFamily(std::string_view address) {
  if (address.empty() || address.size() > 45) return std::nullopt;
  const std::string s(address);
  unsigned char buf[16];
  if (::inet_pton(AF_INET, s.c_str(), buf) == 1) return AddressFamily::IPv4;
  if (::inet_pton(AF_INET6, s.c_str(), buf) == 1) return AddressFamily::IPv6;
  return std::nullopt;
}

CandidateResult parseCandidate(std::string_view line) {
  try {
    return parseImpl(line);
  } catch (const std::bad_alloc&) {
    return fail("out of memory while parsing a candidate");
  }
}

std::string formatCandidate(const Candidate& c) {
  std::string s = "candidate:" + c.foundation + " " + std::to_string(c.component) + " " +
                  (c.transport == CandidateTransport::Udp ? "udp" : "tcp") + " " +
                  std::to_string(c.priority) + " " + c.address + " " + std::to_string(c.port) +
                  " typ " + std::string(typeName(c.type));
  if (!c.relatedAddress.empty()) s += " raddr " + c.relatedAddress;
  if (c.relatedPort) s += " rport " + std::to_string(*c.relatedPort);
  if (!c.tcpType.empty()) s += " tcptype " + c.tcpType;
  for (const auto& [k, v] : c.extensions) s += " " + k + " " + v;
  return s;
}

std::string_view unusableReason(const Candidate& c) {
  if (c.transport != CandidateTransport::Udp) return "TCP candidates are not supported";
  if (c.component != 1) return "only component 1 is used (rtcp-mux)";
  if (c.family == AddressFamily::Hostname) return "host-name (mDNS) candidates are not resolved";
  return {};
}

CandidateResult rewriteAddress(std::string_view line, std::string_view newAddress) {
  CandidateResult r = parseCandidate(line);
  if (!r.ok()) return r;
  const auto family = ipLiteralFamily(newAddress);
  if (!family) return fail("new candidate address is not an IP literal");
  if (r.candidate->family != AddressFamily::Hostname && *family != r.candidate->family) {
    return fail("new candidate address is of another address family");
  }
  r.candidate->address = std::string(newAddress);
  r.candidate->family = *family;
  return r;
}

}  // namespace callpy::rtc::sdp
