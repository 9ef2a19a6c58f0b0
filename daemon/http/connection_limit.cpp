#include "http/connection_limit.h"

#include <Poco/Net/HTTPServerConnection.h>
#include <Poco/Net/NetException.h>

namespace callpy::http {

bool ConnectionCounter::tryAcquire(const std::string& address) {
  std::lock_guard lock(mutex_);
  int& n = counts_[address];
  if (n >= perAddress_) return false;
  ++n;
  return true;
}

void ConnectionCounter::release(const std::string& address) {
  std::lock_guard lock(mutex_);
  auto it = counts_.find(address);
  if (it != counts_.end() && --it->second <= 0) counts_.erase(it);
}

int ConnectionCounter::active(const std::string& address) {
  std::lock_guard lock(mutex_);
  auto it = counts_.find(address);
  return it == counts_.end() ? 0 : it->second;
}

namespace {

class CountedConnection : public Poco::Net::HTTPServerConnection {
 public:
  CountedConnection(const Poco::Net::StreamSocket& socket, Poco::Net::HTTPServerParams::Ptr params,
                    Poco::Net::HTTPRequestHandlerFactory::Ptr handlers,
                    std::shared_ptr<ConnectionCounter> counter, std::string address)
      : HTTPServerConnection(socket, params, handlers),
        counter_(std::move(counter)),
        address_(std::move(address)) {}
  ~CountedConnection() override { counter_->release(address_); }

 private:
  std::shared_ptr<ConnectionCounter> counter_;
  std::string address_;
};

class RejectedConnection : public Poco::Net::TCPServerConnection {
 public:
  using TCPServerConnection::TCPServerConnection;
  void run() override {
    static const std::string body =
        "{\"error\":{\"code\":\"limit\",\"message\":\"too many connections from your address\"}}";
    static const std::string answer =
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
        "Connection: close\r\nRetry-After: 5\r\nContent-Length: " +
        std::to_string(body.size()) + "\r\n\r\n" + body;
    try {
      socket().sendBytes(answer.data(), static_cast<int>(answer.size()));
      socket().shutdown();
    } catch (const Poco::Exception&) {
      // The client went away already; nothing to tell it.
    }
  }
};

}  // namespace

LimitedConnectionFactory::LimitedConnectionFactory(
    Poco::Net::HTTPServerParams::Ptr params, Poco::Net::HTTPRequestHandlerFactory::Ptr handlers,
    int perAddress)
    : params_(std::move(params)),
      handlers_(std::move(handlers)),
      counter_(std::make_shared<ConnectionCounter>(perAddress)) {}

Poco::Net::TCPServerConnection* LimitedConnectionFactory::createConnection(
    const Poco::Net::StreamSocket& socket) {
  std::string address;
  try {
    address = socket.peerAddress().host().toString();
  } catch (const Poco::Exception&) {
    address = "?";
  }
  if (!counter_->tryAcquire(address)) return new RejectedConnection(socket);
  return new CountedConnection(socket, params_, handlers_, counter_, address);
}

}  // namespace callpy::http
