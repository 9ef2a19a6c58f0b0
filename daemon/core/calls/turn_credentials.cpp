#include "core/calls/turn_credentials.h"

#include <Poco/Base64Encoder.h>
#include <Poco/HMACEngine.h>
#include <Poco/SHA1Engine.h>

#include <sstream>

namespace callpy::core::calls {

IceServer turnCredentials(const std::vector<std::string>& urls, const std::string& secret,
                          std::int64_t nowSeconds, int ttlSeconds, const std::string& label) {
  IceServer s;
  s.urls = urls;
  s.username = std::to_string(nowSeconds + ttlSeconds) + ":" + label;
  Poco::HMACEngine<Poco::SHA1Engine> hmac(secret);
  hmac.update(s.username);
  const auto& digest = hmac.digest();
  std::ostringstream out;
  Poco::Base64Encoder b64(out);
  b64.rdbuf()->setLineLength(0);
  b64.write(reinterpret_cast<const char*>(digest.data()), static_cast<std::streamsize>(digest.size()));
  b64.close();
  s.credential = out.str();
  return s;
}

}  // namespace callpy::core::calls
