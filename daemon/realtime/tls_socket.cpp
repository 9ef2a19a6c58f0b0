#include "realtime/tls_socket.h"

#include <Poco/Exception.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/ServerSocketImpl.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocketImpl.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "observability/log.h"

namespace callpy::realtime {

namespace {

std::string lastSslError() {
  const unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return errno != 0 ? std::string(std::strerror(errno)) : "connection closed";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  return buf;
}

// One HTTPS connection, blocking, on a POCO worker thread. POCO has already set the receive
// timeout (HTTPServerParams timeout) on the socket, which also bounds the handshake.
class TlsStreamSocketImpl : public Poco::Net::StreamSocketImpl {
 public:
  TlsStreamSocketImpl(poco_socket_t fd, security::SslContextPtr context)
      : StreamSocketImpl(fd), context_(std::move(context)) {}

  using StreamSocketImpl::receiveBytes;
  using StreamSocketImpl::sendBytes;

  int receiveBytes(void* buffer, int length, int) override {
    // The peer closing or failing the handshake is, to HTTP, a connection without a request.
    if (!ready()) return 0;
    ERR_clear_error();
    const int n = SSL_read(ssl_.get(), buffer, length);
    if (n > 0) return n;
    return failure(n, /*reading=*/true);
  }

  int sendBytes(const void* buffer, int length, int) override {
    if (!ready()) throw Poco::Net::ConnectionResetException("TLS connection is closed");
    const char* p = static_cast<const char*>(buffer);
    int sent = 0;
    while (sent < length) {
      ERR_clear_error();
      const int n = SSL_write(ssl_.get(), p + sent, length - sent);
      if (n <= 0) return failure(n, /*reading=*/false);
      sent += n;
    }
    return sent;
  }

  int available() override { return ssl_ ? SSL_pending(ssl_.get()) : 0; }

  // HTTPServerSession waits for the next keep-alive request with poll(); a request already
  // decrypted into OpenSSL's buffer would not wake it.
  bool poll(const Poco::Timespan& timeout, int mode) override {
    if ((mode & SELECT_READ) && ssl_ && SSL_pending(ssl_.get()) > 0) return true;
    return StreamSocketImpl::poll(timeout, mode);
  }

  void close() override {
    if (ssl_ && state_ == State::Open) {
      ERR_clear_error();
      SSL_shutdown(ssl_.get());  // close_notify; we do not wait for the peer's
      ERR_clear_error();
    }
    ssl_.reset();
    state_ = State::Closed;
    StreamSocketImpl::close();
  }

  bool secure() const override { return true; }

  SslPtr release(int fd) {
    if (state_ != State::Open) return nullptr;
    SSL_set_fd(ssl_.get(), fd);
    state_ = State::Released;
    return std::move(ssl_);
  }

 protected:
  ~TlsStreamSocketImpl() override = default;

 private:
  enum class State { Fresh, Open, Closed, Released };

  bool ready() {
    if (state_ == State::Open) return true;
    if (state_ != State::Fresh) return false;
    state_ = State::Closed;
    ssl_.reset(SSL_new(context_.get()));
    context_.reset();  // the SSL holds its own reference
    if (!ssl_ || SSL_set_fd(ssl_.get(), sockfd()) != 1) {
      ssl_.reset();
      return false;
    }
    ERR_clear_error();
    errno = 0;
    const int rc = SSL_accept(ssl_.get());
    if (rc != 1) {
      // Plain HTTP on the HTTPS port, a client that distrusts the certificate, a scanner: not
      // the daemon's error, so debug level.
      std::string why = lastSslError();
      observability::logDebug("tls.handshake_failed", {{"error", why}});
      ssl_.reset();
      return false;
    }
    state_ = State::Open;
    return true;
  }

  // A failed SSL_read/SSL_write: 0 for the peer's orderly close while reading, else throws.
  int failure(int result, bool reading) {
    const int code = SSL_get_error(ssl_.get(), result);
    const int err = errno;
    if (reading && (code == SSL_ERROR_ZERO_RETURN || (code == SSL_ERROR_SYSCALL && err == 0))) {
      ERR_clear_error();
      return 0;
    }
    if (code == SSL_ERROR_WANT_READ || code == SSL_ERROR_WANT_WRITE ||
        (code == SSL_ERROR_SYSCALL && (err == EAGAIN || err == EWOULDBLOCK))) {
      ERR_clear_error();
      throw Poco::TimeoutException(reading ? "TLS read timed out" : "TLS write timed out");
    }
    std::string why = lastSslError();
    state_ = State::Closed;
    throw Poco::Net::ConnectionResetException("TLS: " + why);
  }

  security::SslContextPtr context_;
  SslPtr ssl_;
  State state_ = State::Fresh;
};

class TlsServerSocketImpl : public Poco::Net::ServerSocketImpl {
 public:
  explicit TlsServerSocketImpl(std::shared_ptr<security::TlsContext> context)
      : context_(std::move(context)) {}

  // What SocketImpl::acceptConnection does, but the connection gets a TLS socket.
  Poco::Net::SocketImpl* acceptConnection(Poco::Net::SocketAddress& clientAddr) override {
    if (sockfd() == POCO_INVALID_SOCKET) throw Poco::Net::InvalidSocketException();
    sockaddr_storage buffer{};
    auto* sa = reinterpret_cast<sockaddr*>(&buffer);
    socklen_t len = sizeof buffer;
    int fd;
    do {
      fd = ::accept4(sockfd(), sa, &len, SOCK_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) error();  // throws
    clientAddr = Poco::Net::SocketAddress(sa, len);
    return new TlsStreamSocketImpl(fd, context_->current());
  }

 protected:
  ~TlsServerSocketImpl() override = default;

 private:
  std::shared_ptr<security::TlsContext> context_;
};

}  // namespace

TlsServerSocket::TlsServerSocket(std::shared_ptr<security::TlsContext> context)
    : ServerSocket(new TlsServerSocketImpl(std::move(context)), true) {}

SslPtr takeTlsSession(Poco::Net::StreamSocket& socket, int fd) {
  auto* tls = dynamic_cast<TlsStreamSocketImpl*>(socket.impl());
  return tls ? tls->release(fd) : nullptr;
}

}  // namespace callpy::realtime
