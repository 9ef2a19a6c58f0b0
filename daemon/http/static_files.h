#pragma once
// Serves the built front end from the web root: /app/* (panel SPA with index.html fallback) and
// /widget/* (widget files). Paths are confined to the root.
#include <string>

namespace callpy::http {

class Exchange;

class StaticFiles {
 public:
  explicit StaticFiles(std::string root) : root_(std::move(root)) {}
  // true when it answered (a file, the SPA fallback or a redirect); false for "not mine".
  bool serve(Exchange& ex, const std::string& path);
  const std::string& root() const { return root_; }

 private:
  void sendFile(Exchange& ex, const std::string& file, const std::string& urlPath);
  std::string root_;
};

std::string contentTypeFor(const std::string& path);

}  // namespace callpy::http
