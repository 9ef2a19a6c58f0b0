#pragma once
// When callpyd serves both listen.http and listen.https, plain HTTP only sends browsers to HTTPS
// (RFC 9110 redirects; /healthz still answers for local probes) and HTTPS responses carry HSTS
// so browsers stop trying HTTP at all.
#include <optional>
#include <string>
#include <string_view>

namespace callpy::http {

inline constexpr const char* kHstsHeader = "Strict-Transport-Security";
inline constexpr const char* kHstsValue = "max-age=31536000";  // one year

struct HttpsRedirect {
  // public_url's origin when public_url is https ("https://chat.example.com:8443"): the name the
  // certificate is for. Empty: build the target from the request's Host and httpsPort.
  std::string publicOrigin;
  unsigned short httpsPort = 443;
};

// The Location for a plain-HTTP request for `target` (its request-target as sent) with Host
// `host`; nullopt when there is no usable host (missing or malformed Host and no public origin).
std::optional<std::string> httpsLocation(const HttpsRedirect& redirect, std::string_view host,
                                         std::string_view target);

// 301 for GET/HEAD; 308 otherwise, so a POST stays a POST with its body.
int redirectStatus(std::string_view method);

}  // namespace callpy::http
