#include "http/static_files.h"

#include <Poco/File.h>
#include <Poco/FileStream.h>
#include <Poco/StreamCopier.h>

#include <sstream>

#include "http/exchange.h"
#include "http/router.h"

namespace callpy::http {

namespace {
// Strict for the panel: only our own scripts, no inline script, nothing may frame it.
constexpr const char* kPanelCsp =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; connect-src 'self' ws: wss:; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'self'; object-src 'none'";

bool endsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}
}  // namespace

std::string contentTypeFor(const std::string& path) {
  static const std::pair<const char*, const char*> types[] = {
      {".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
      {".json", "application/json"}, {".svg", "image/svg+xml"}, {".png", "image/png"},
      {".jpg", "image/jpeg"}, {".ico", "image/x-icon"}, {".woff2", "font/woff2"},
      {".mp3", "audio/mpeg"}, {".ogg", "audio/ogg"}, {".wav", "audio/wav"},
      {".txt", "text/plain; charset=utf-8"}, {".map", "application/json"}};
  for (const auto& [ext, type] : types) {
    if (endsWith(path, ext)) return type;
  }
  return "application/octet-stream";
}

void StaticFiles::sendFile(Exchange& ex, const std::string& file, const std::string& urlPath) {
  Poco::FileInputStream in(file);
  std::ostringstream body;
  Poco::StreamCopier::copyStream(in, body);
  auto& resp = ex.response();
  resp.setStatus(Poco::Net::HTTPResponse::HTTP_OK);
  resp.setContentType(contentTypeFor(file));
  resp.set("X-Content-Type-Options", "nosniff");
  resp.set("Referrer-Policy", "same-origin");
  // Vite puts content hashes into asset names, so they can be cached for good.
  bool hashedAsset = urlPath.find("/assets/") != std::string::npos;
  resp.set("Cache-Control", hashedAsset ? "public, max-age=31536000, immutable" : "no-cache");
  if (urlPath.rfind("/app/", 0) == 0 || urlPath == "/app") {
    resp.set("Content-Security-Policy", kPanelCsp);
    resp.set("X-Frame-Options", "DENY");
  } else if (urlPath.rfind("/widget/", 0) == 0) {
    resp.set("Access-Control-Allow-Origin", "*");  // public, cacheable script for any site
  }
  auto text = body.str();
  resp.setContentLength(static_cast<std::streamsize>(text.size()));
  auto& out = resp.send();
  if (ex.method() != "HEAD") out << text;
}

bool StaticFiles::serve(Exchange& ex, const std::string& path) {
  if (ex.method() != "GET" && ex.method() != "HEAD") return false;
  if (path == "/" || path == "/app") {
    ex.response().redirect("/app/", Poco::Net::HTTPResponse::HTTP_FOUND);
    return true;
  }
  bool panel = path.rfind("/app/", 0) == 0;
  bool widget = path.rfind("/widget/", 0) == 0;
  if (!panel && !widget) return false;
  std::vector<std::string> segments;
  if (!splitPath(path, segments)) return false;
  std::string relative;
  for (const auto& s : segments) {
    // No hidden files (".env", ".git"), which also rules out "." and "..".
    if (s.empty() || s[0] == '.' || s.find('/') != std::string::npos ||
        s.find('\0') != std::string::npos) {
      return false;
    }
    relative += "/" + s;
  }
  std::string file = root_ + relative;
  Poco::File f(file);
  if (f.exists() && f.isFile()) {
    sendFile(ex, file, path);
    return true;
  }
  // Client-side routes of the SPA (/app/sites/x) get the shell; missing assets stay 404.
  if (panel && relative.find("/assets/") == std::string::npos) {
    std::string index = root_ + "/app/index.html";
    if (Poco::File(index).exists()) {
      sendFile(ex, index, "/app/");
      return true;
    }
  }
  return false;
}

}  // namespace callpy::http
