#pragma once
// Short-lived TURN credentials for browsers (rtc.turn), the scheme coturn calls use-auth-secret
// (the "TURN REST API" draft): username = "<expiry unix time>:<label>", credential =
// base64(HMAC-SHA1(shared secret, username)). The TURN server checks them with the same secret,
// so nothing is stored and a leaked credential stops working at its expiry.
#include <cstdint>
#include <string>
#include <vector>

namespace callpy::core::calls {

struct IceServer {
  std::vector<std::string> urls;
  std::string username;
  std::string credential;
};

IceServer turnCredentials(const std::vector<std::string>& urls, const std::string& secret,
                          std::int64_t nowSeconds, int ttlSeconds, const std::string& label);

}  // namespace callpy::core::calls
