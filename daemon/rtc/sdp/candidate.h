#pragma once
// One ICE candidate attribute (RFC 8839 §5.1), as trickled by a browser or written by libnice:
// parse + validate, format back, and rewrite the connection address (1:1 NAT, rtc.public_ip).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace callpy::rtc::sdp {

enum class CandidateType { Host, Srflx, Prflx, Relay };
enum class CandidateTransport { Udp, Tcp };
enum class AddressFamily { IPv4, IPv6, Hostname };  // Hostname: e.g. Chrome's mDNS "x.local"

struct Candidate {
  std::string foundation;
  std::uint32_t component = 1;
  CandidateTransport transport = CandidateTransport::Udp;
  std::uint32_t priority = 0;
  std::string address;
  AddressFamily family = AddressFamily::IPv4;
  std::uint16_t port = 0;
  CandidateType type = CandidateType::Host;
  std::string relatedAddress;  // raddr, empty when absent
  std::optional<std::uint16_t> relatedPort;
  std::string tcpType;  // "active" / "passive" / "so" for TCP candidates
  std::vector<std::pair<std::string, std::string>> extensions;  // generation, ufrag, ...
};

struct CandidateResult {
  std::optional<Candidate> candidate;
  std::string error;
  bool ok() const { return candidate.has_value(); }
};

// Accepts "a=candidate:...", "candidate:..." or the bare attribute value; a trailing CR/LF is
// tolerated. Never throws on bad input.
CandidateResult parseCandidate(std::string_view line);

// "candidate:..." (no "a=" prefix, no line end).
std::string formatCandidate(const Candidate& c);

// Why the daemon's ICE agent cannot use this remote candidate, or empty when it can: only UDP,
// component 1 (rtcp-mux), IP literals (mDNS names are not resolved).
std::string_view unusableReason(const Candidate& c);

// The same candidate with its connection address replaced by newAddress (an IPv4/IPv6 literal of
// the same family). Errors when the line does not parse or the address does not fit.
CandidateResult rewriteAddress(std::string_view line, std::string_view newAddress);

// IP literal family, or nullopt.
std::optional<AddressFamily> ipLiteralFamily(std::string_view address);

}  // namespace callpy::rtc::sdp
