#include "fake_admin_server.h"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/StreamCopier.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace callpy::cli::test {

namespace {

class Handler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit Handler(FakeAdminServer& server) : server_(server) {}

  void handleRequest(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response) override {
    RecordedRequest recorded;
    recorded.method = request.getMethod();
    recorded.uri = request.getURI();
    recorded.contentType = request.getContentType();
    if (request.hasContentLength()) recorded.contentLength = request.getContentLength64();
    Poco::StreamCopier::copyToString(request.stream(), recorded.body);
    CannedAnswer answer = server_.handle(std::move(recorded));
    response.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(answer.status));
    response.setContentType("application/json");
    response.setContentLength(static_cast<std::streamsize>(answer.body.size()));
    response.send() << answer.body;
  }

 private:
  FakeAdminServer& server_;
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit Factory(FakeAdminServer& server) : server_(server) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new Handler(server_);
  }

 private:
  FakeAdminServer& server_;
};

}  // namespace

FakeAdminServer::FakeAdminServer(const std::string& dir) : socketPath_(dir + "/admin.sock") {
  Poco::Net::ServerSocket socket;
  socket.bind(Poco::Net::SocketAddress(Poco::Net::SocketAddress::UNIX_LOCAL, socketPath_));
  socket.listen();
  auto params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(2);
  params->setKeepAlive(false);
  params->setTimeout(Poco::Timespan(5, 0));  // a client that never finishes its body fails fast
  server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(*this), socket, params);
  server_->start();
}

FakeAdminServer::~FakeAdminServer() { server_->stopAll(true); }

void FakeAdminServer::route(const std::string& method, const std::string& uri, int status,
                            std::string body) {
  std::lock_guard lock(mutex_);
  routes_[{method, uri}] = CannedAnswer{status, std::move(body)};
}

std::vector<RecordedRequest> FakeAdminServer::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

void FakeAdminServer::reset() {
  std::lock_guard lock(mutex_);
  routes_.clear();
  requests_.clear();
}

CannedAnswer FakeAdminServer::handle(RecordedRequest request) {
  std::lock_guard lock(mutex_);
  auto it = routes_.find({request.method, request.uri});
  requests_.push_back(std::move(request));
  if (it == routes_.end()) {
    return {404, R"({"error":{"code":"not_found","message":"no such route in the fake"}})"};
  }
  return it->second;
}

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "callpyctl-test-XXXXXX").string();
  if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string TempDir::write(const std::string& name, const std::string& content) const {
  std::string file = path_ + "/" + name;
  std::ofstream(file) << content;
  return file;
}

}  // namespace callpy::cli::test
