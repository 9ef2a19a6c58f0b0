#include "http/https_redirect.h"

#include <cctype>

namespace callpy::http {

namespace {

bool isHostChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.';
}

// The host part of a Host header ("name", "name:port", "[v6]:port"), brackets kept for IPv6;
// nullopt when it is not a plain DNS name / IPv4 / bracketed IPv6 literal. A Location built from
// a client's Host only ever sends that client to the name it asked for, but it must not become
// a header injection.
std::optional<std::string> hostOf(std::string_view host) {
  if (host.empty() || host.size() > 255) return std::nullopt;
  std::string_view name = host;
  std::string_view port;
  if (host.front() == '[') {
    auto close = host.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    name = host.substr(0, close + 1);
    for (char c : name.substr(1, name.size() - 2)) {
      if (!std::isxdigit(static_cast<unsigned char>(c)) && c != ':' && c != '.') return std::nullopt;
    }
    port = host.substr(close + 1);
    if (!port.empty() && port.front() != ':') return std::nullopt;
  } else {
    auto colon = host.find(':');
    if (colon != std::string_view::npos) {
      name = host.substr(0, colon);
      port = host.substr(colon);
    }
    if (name.empty()) return std::nullopt;
    for (char c : name) {
      if (!isHostChar(c)) return std::nullopt;
    }
  }
  if (!port.empty()) {
    if (port.size() < 2 || port.size() > 6) return std::nullopt;
    for (char c : port.substr(1)) {
      if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    }
  }
  return std::string(name);
}

// The path and query to keep: origin-form as sent; anything else becomes "/".
std::string_view pathOf(std::string_view target) {
  if (target.empty() || target.front() != '/' || (target.size() > 1 && target[1] == '/')) return "/";
  for (char c : target) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return "/";
  }
  return target;
}

}  // namespace

std::optional<std::string> httpsLocation(const HttpsRedirect& redirect, std::string_view host,
                                         std::string_view target) {
  const std::string_view path = pathOf(target);
  if (!redirect.publicOrigin.empty()) return redirect.publicOrigin + std::string(path);
  auto name = hostOf(host);
  if (!name) return std::nullopt;
  std::string location = "https://" + *name;
  if (redirect.httpsPort != 443) location += ":" + std::to_string(redirect.httpsPort);
  return location + std::string(path);
}

int redirectStatus(std::string_view method) {
  return method == "GET" || method == "HEAD" ? 301 : 308;
}

}  // namespace callpy::http
