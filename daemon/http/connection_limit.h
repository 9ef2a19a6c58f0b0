#pragma once
// Caps concurrent TCP connections per client address (limits.max_connections_per_ip): one
// address cannot take every worker thread of the HTTP server. Connections over the cap get a
// 503 and are closed at once.
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/TCPServerConnectionFactory.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace callpy::http {

class ConnectionCounter {
 public:
  explicit ConnectionCounter(int perAddress) : perAddress_(perAddress) {}
  // false when the address is at its limit (nothing counted then).
  bool tryAcquire(const std::string& address);
  void release(const std::string& address);
  int active(const std::string& address);

 private:
  int perAddress_;
  std::mutex mutex_;
  std::map<std::string, int> counts_;
};

class LimitedConnectionFactory : public Poco::Net::TCPServerConnectionFactory {
 public:
  LimitedConnectionFactory(Poco::Net::HTTPServerParams::Ptr params,
                           Poco::Net::HTTPRequestHandlerFactory::Ptr handlers, int perAddress);
  Poco::Net::TCPServerConnection* createConnection(const Poco::Net::StreamSocket& socket) override;

 private:
  Poco::Net::HTTPServerParams::Ptr params_;
  Poco::Net::HTTPRequestHandlerFactory::Ptr handlers_;
  std::shared_ptr<ConnectionCounter> counter_;
};

}  // namespace callpy::http
