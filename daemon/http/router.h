#pragma once
// Method + path-pattern routing. Patterns are literal segments and {name} captures, e.g.
// "/api/panel/sites/{site}/operators/{user}/disable". A path that matches with another method
// is reported so the caller can answer 405 instead of 404.
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace callpy::http {

class Exchange;

using Params = std::map<std::string, std::string>;
using Handler = std::function<void(Exchange&)>;

// Who may call a route.
enum class Access {
  Public,   // no session needed (sign-in, reset, invitation)
  Session,  // a signed-in user, or the administrator on the admin socket
};

struct Route {
  std::string method;
  std::vector<std::string> segments;
  Access access = Access::Session;
  Handler handler;
};

struct Match {
  const Route* route = nullptr;
  Params params;
  bool pathMatchedOtherMethod = false;
  std::vector<std::string> allowedMethods;  // when only other methods match the path
};

class Router {
 public:
  void add(std::string method, const std::string& pattern, Access access, Handler handler);
  Match match(const std::string& method, const std::string& path) const;

 private:
  std::vector<Route> routes_;
};

// The path without its query, with long segments (tokens) replaced by "[redacted]": safe to log.
std::string pathForLog(const std::string& uri);

// Splits "/a/b/c" into {"a","b","c"} and percent-decodes each segment; false when malformed.
bool splitPath(const std::string& path, std::vector<std::string>& out);

}  // namespace callpy::http
