#pragma once
// A tiny stand-in for callpyd's admin socket: a real Poco HTTPServer on a Unix socket that
// records each request and answers from canned routes.

#include <Poco/Net/HTTPServer.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace callpy::cli::test {

struct RecordedRequest {
  std::string method;
  std::string uri;
  std::string contentType;
  long long contentLength = -1;  // -1: no Content-Length header
  std::string body;
};

struct CannedAnswer {
  int status = 200;
  std::string body = "{}";
};

class FakeAdminServer {
 public:
  // Listens on `<dir>/admin.sock`.
  explicit FakeAdminServer(const std::string& dir);
  ~FakeAdminServer();

  const std::string& socketPath() const { return socketPath_; }

  // Answer for "METHOD /uri"; unknown routes get 404 with an API error body.
  void route(const std::string& method, const std::string& uri, int status, std::string body);

  std::vector<RecordedRequest> requests() const;

  // Forgets routes and recorded requests.
  void reset();

  // Used by the request handler.
  CannedAnswer handle(RecordedRequest request);

 private:
  std::string socketPath_;
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, std::string>, CannedAnswer> routes_;
  std::vector<RecordedRequest> requests_;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
};

// A fresh temporary directory removed with the object.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string write(const std::string& name, const std::string& content) const;

 private:
  std::string path_;
};

}  // namespace callpy::cli::test
