#pragma once
// Value checks shared by the config loader and anything else that accepts the same values
// (the admin API's "site add", callpyctl). Each returns nullopt/false with *error set on bad input.
#include <optional>
#include <string>
#include <string_view>

#include "config/config.h"
#include "core/sites/types.h"

namespace callpy::config {

// "host:port" or "[v6]:port"; port 1..65535.
std::optional<HostPort> parseHostPort(std::string_view text, std::string* error = nullptr);
// A browser origin: http(s)://host[:port], nothing after it but an optional single '/'.
// Normalised to what browsers send in the Origin header: lowercase, default port dropped, no '/'.
std::optional<std::string> normalizeOrigin(std::string_view text, std::string* error = nullptr);
// http(s)://host[:port][/path] without query or fragment; lowercase scheme/host, no trailing '/'.
std::optional<std::string> normalizePublicUrl(std::string_view text, std::string* error = nullptr);
// A plain address local@domain (no display name, no comments, no quoted local parts).
bool isValidEmail(std::string_view address);
// "addr" or "Display Name <addr>".
bool isValidMailbox(std::string_view mailbox);
// Ids of sites and departments follow core's one rule ([a-z0-9-]{1,32}).
using core::sites::isValidSlug;
bool isValidLogLevel(std::string_view level);
// A DNS name (letters, digits, '-', dots) or an IPv4 address.
bool isValidHostName(std::string_view host);

}  // namespace callpy::config
