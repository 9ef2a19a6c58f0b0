#include "http/router.h"

#include <Poco/URI.h>

namespace callpy::http {

bool splitPath(const std::string& path, std::vector<std::string>& out) {
  out.clear();
  if (path.empty() || path[0] != '/') return false;
  std::size_t start = 1;
  while (start <= path.size()) {
    auto end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    std::string raw = path.substr(start, end - start);
    if (!raw.empty() || end != path.size()) {
      std::string decoded;
      try {
        Poco::URI::decode(raw, decoded);
      } catch (const std::exception&) {
        return false;
      }
      out.push_back(decoded);
    }
    start = end + 1;
  }
  return true;
}

std::string pathForLog(const std::string& uri) {
  std::string path = uri.substr(0, uri.find_first_of("?#"));
  std::string out;
  std::size_t start = 0;
  while (start < path.size()) {
    auto end = path.find('/', start + 1);
    if (end == std::string::npos) end = path.size();
    auto segment = path.substr(start, end - start);  // with its leading '/'
    // Our tokens are 43 characters; ids and names in paths are at most 32.
    out += segment.size() > 33 ? "/[redacted]" : segment;
    start = end;
  }
  return out;
}

void Router::add(std::string method, const std::string& pattern, Access access, Handler handler) {
  Route r;
  r.method = std::move(method);
  splitPath(pattern, r.segments);
  r.access = access;
  r.handler = std::move(handler);
  routes_.push_back(std::move(r));
}

Match Router::match(const std::string& method, const std::string& path) const {
  Match m;
  std::vector<std::string> segs;
  if (!splitPath(path, segs)) return m;
  for (const auto& r : routes_) {
    if (r.segments.size() != segs.size()) continue;
    Params params;
    bool ok = true;
    for (std::size_t i = 0; i < segs.size() && ok; ++i) {
      const auto& p = r.segments[i];
      if (p.size() > 2 && p.front() == '{' && p.back() == '}') {
        if (segs[i].empty()) ok = false;
        else params[p.substr(1, p.size() - 2)] = segs[i];
      } else if (p != segs[i]) {
        ok = false;
      }
    }
    if (!ok) continue;
    if (r.method != method && !(method == "HEAD" && r.method == "GET")) {
      m.pathMatchedOtherMethod = true;
      m.allowedMethods.push_back(r.method);
      continue;
    }
    m.route = &r;
    m.params = std::move(params);
    return m;
  }
  return m;
}

}  // namespace callpy::http
