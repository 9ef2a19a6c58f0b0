#pragma once
// Checks for what the browser sends before any of it reaches libnice: libnice's own candidate
// parser trusts its input (uninitialised fields on short lines, case-sensitive "UDP"), so remote
// candidate lines are validated and rewritten into the exact form it expects. Plain C++.
#include <string>
#include <string_view>

namespace callpy::rtc::ice {

// RFC 8839 ice-ufrag / ice-pwd: minLength..256 of ALPHA / DIGIT / "+" / "/".
bool validIceCredential(std::string_view value, std::size_t minLength);

// Parses "candidate:<foundation> <component> <transport> <priority> <address> <port> typ <type>
// [raddr <a> rport <p>] [extensions...]" (with or without "a=", trailing CR/LF tolerated) and
// writes "a=candidate:<foundation> 1 UDP <priority> <address> <port> typ <type>[ raddr <a>
// rport <p>]" to `out`. Only UDP candidates of component 1 with a numeric IPv4/IPv6 address
// pass; otherwise false and a reason (mDNS ".local" names get their own).
bool normaliseRemoteCandidate(std::string_view line, std::string& out, std::string& reason);

}  // namespace callpy::rtc::ice
