#include "config/validators.h"

#include <algorithm>
#include <cctype>

namespace callpy::config {

namespace {

bool setError(std::string* error, std::string message) {
  if (error) *error = std::move(message);
  return false;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool isIpv6Literal(std::string_view s) {
  if (s.empty() || s.find(':') == std::string_view::npos) return false;
  return std::all_of(s.begin(), s.end(),
                     [](unsigned char c) { return std::isxdigit(c) || c == ':' || c == '.'; });
}

bool parsePort(std::string_view s, int& port) {
  if (s.empty() || s.size() > 5) return false;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  if (v < 1 || v > 65535) return false;
  port = v;
  return true;
}

// Splits "host[:port]" / "[v6][:port]". hasPort tells whether a port was written.
bool splitAuthority(std::string_view a, std::string& host, std::string_view& port, bool& hasPort,
                    bool& bracketed, std::string* error) {
  hasPort = false;
  bracketed = false;
  if (!a.empty() && a.front() == '[') {
    std::size_t close = a.find(']');
    if (close == std::string_view::npos) return setError(error, "missing ']' after IPv6 address");
    host.assign(a.substr(1, close - 1));
    if (!isIpv6Literal(host)) return setError(error, "'" + host + "' is not an IPv6 address");
    bracketed = true;
    std::string_view rest = a.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return setError(error, "unexpected text after ']'");
      port = rest.substr(1);
      hasPort = true;
    }
    return true;
  }
  std::size_t colon = a.rfind(':');
  if (colon != std::string_view::npos) {
    if (a.find(':') != colon) {
      return setError(error, "an IPv6 address must be written in brackets, e.g. [::1]:8080");
    }
    port = a.substr(colon + 1);
    hasPort = true;
    a = a.substr(0, colon);
  }
  host.assign(a);
  if (!isValidHostName(host)) return setError(error, "'" + host + "' is not a valid host name");
  return true;
}

// Shared by origins and public URLs: scheme, authority and the rest (path/query/fragment).
struct UrlParts {
  std::string scheme;
  std::string host;
  bool bracketed = false;
  int port = 0;  // 0: not written
  std::string rest;
};

bool parseHttpUrl(std::string_view text, UrlParts& out, std::string* error) {
  std::size_t sep = text.find("://");
  if (sep == std::string_view::npos) {
    return setError(error, "expected a URL like https://example.com");
  }
  out.scheme = lower(text.substr(0, sep));
  if (out.scheme != "http" && out.scheme != "https") {
    return setError(error, "scheme must be http or https");
  }
  std::string_view after = text.substr(sep + 3);
  std::size_t end = after.find_first_of("/?#");
  std::string_view authority = after.substr(0, end);
  out.rest = end == std::string_view::npos ? "" : std::string(after.substr(end));
  if (authority.find('@') != std::string_view::npos) {
    return setError(error, "a URL with a user name is not allowed here");
  }
  std::string_view port;
  bool hasPort = false;
  if (!splitAuthority(authority, out.host, port, hasPort, out.bracketed, error)) return false;
  out.host = lower(out.host);
  if (hasPort && !parsePort(port, out.port)) return setError(error, "port must be 1-65535");
  return true;
}

std::string joinUrl(const UrlParts& p) {
  std::string out = p.scheme + "://" + (p.bracketed ? "[" + p.host + "]" : p.host);
  bool defaultPort = (p.scheme == "http" && p.port == 80) || (p.scheme == "https" && p.port == 443);
  if (p.port != 0 && !defaultPort) out += ":" + std::to_string(p.port);
  return out;
}

}  // namespace

std::string HostPort::toString() const {
  bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::optional<HostPort> parseHostPort(std::string_view text, std::string* error) {
  HostPort hp;
  std::string_view port;
  bool hasPort = false, bracketed = false;
  if (!splitAuthority(text, hp.host, port, hasPort, bracketed, error)) return std::nullopt;
  if (hp.host.empty()) {
    setError(error, "expected host:port, e.g. 127.0.0.1:8080 (the host is missing)");
    return std::nullopt;
  }
  if (!hasPort) {
    setError(error, "expected host:port, e.g. 127.0.0.1:8080 (the port is missing)");
    return std::nullopt;
  }
  if (!parsePort(port, hp.port)) {
    setError(error, "port must be a number 1-65535");
    return std::nullopt;
  }
  return hp;
}

std::optional<std::string> normalizeOrigin(std::string_view text, std::string* error) {
  UrlParts p;
  if (!parseHttpUrl(text, p, error)) return std::nullopt;
  if (p.host.empty()) {
    setError(error, "the host is missing");
    return std::nullopt;
  }
  if (!p.rest.empty() && p.rest != "/") {
    setError(error, "an origin is scheme://host[:port] with no path, query or fragment");
    return std::nullopt;
  }
  return joinUrl(p);
}

std::optional<std::string> normalizePublicUrl(std::string_view text, std::string* error) {
  UrlParts p;
  if (!parseHttpUrl(text, p, error)) return std::nullopt;
  if (p.host.empty()) {
    setError(error, "the host is missing");
    return std::nullopt;
  }
  if (p.rest.find_first_of("?#") != std::string::npos) {
    setError(error, "public_url must not have a query or fragment");
    return std::nullopt;
  }
  while (!p.rest.empty() && p.rest.back() == '/') p.rest.pop_back();
  return joinUrl(p) + p.rest;
}

bool isValidHostName(std::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  std::size_t start = 0;
  while (start <= host.size()) {
    std::size_t dot = host.find('.', start);
    std::string_view label =
        host.substr(start, dot == std::string_view::npos ? host.npos : dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return false;
    }
    for (unsigned char c : label) {
      if (!std::isalnum(c) && c != '-') return false;
    }
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return true;
}

bool isValidEmail(std::string_view address) {
  std::size_t at = address.find('@');
  if (at == std::string_view::npos || at == 0 || at > 64 ||
      address.find('@', at + 1) != std::string_view::npos) {
    return false;
  }
  std::string_view local = address.substr(0, at);
  for (unsigned char c : local) {
    if (c <= ' ' || c >= 0x7f || c == '<' || c == '>' || c == '(' || c == ')' || c == ',' ||
        c == ';' || c == ':' || c == '"' || c == '[' || c == ']' || c == '\\') {
      return false;
    }
  }
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) {
    return false;
  }
  return isValidHostName(address.substr(at + 1));
}

bool isValidMailbox(std::string_view mailbox) {
  std::size_t open = mailbox.rfind('<');
  if (open == std::string_view::npos) return isValidEmail(mailbox);
  if (mailbox.back() != '>') return false;
  std::string_view name = mailbox.substr(0, open);
  if (name.find_first_of("<>\r\n") != std::string_view::npos) return false;
  return isValidEmail(mailbox.substr(open + 1, mailbox.size() - open - 2));
}

bool isValidLogLevel(std::string_view level) {
  return level == "debug" || level == "info" || level == "notice" || level == "warning" ||
         level == "error";
}

}  // namespace callpy::config
