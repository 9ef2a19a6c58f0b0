#include "realtime/tls_io.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <cerrno>
#include <climits>

namespace callpy::realtime {

void SslFree::operator()(ssl_st* ssl) const { SSL_free(ssl); }

namespace detail {

namespace {

// errno for an SSL_get_error result that is not a success.
int errnoFor(SSL* ssl, int result) {
  switch (SSL_get_error(ssl, result)) {
    case SSL_ERROR_WANT_READ:
    case SSL_ERROR_WANT_WRITE:
      return EAGAIN;
    case SSL_ERROR_SYSCALL:
      return errno != 0 ? errno : ECONNRESET;
    default:
      return EPROTO;  // a TLS alert, a bad record: nothing to recover
  }
}

}  // namespace

ssize_t tlsRecv(ssl_st* ssl, char* data, std::size_t size) {
  std::size_t got = 0;
  while (got < size) {
    ERR_clear_error();
    const int chunk = static_cast<int>(std::min<std::size_t>(size - got, INT_MAX));
    const int n = SSL_read(ssl, data + got, chunk);
    if (n > 0) {
      got += static_cast<std::size_t>(n);
      continue;
    }
    if (got > 0) break;  // report what we have; the end or error shows again on the next call
    if (SSL_get_error(ssl, n) == SSL_ERROR_ZERO_RETURN) return 0;
    // A TLS 1.3 KeyUpdate reply that could not be written yet surfaces as WANT_WRITE here; OpenSSL
    // sends it with the next write, and the loop's pings guarantee there is one.
    errno = errnoFor(ssl, n);
    ERR_clear_error();
    return -1;
  }
  return static_cast<ssize_t>(got);
}

ssize_t tlsSendv(ssl_st* ssl, const iovec* iov, int count) {
  std::size_t sent = 0;
  for (int i = 0; i < count; ++i) {
    const auto* p = static_cast<const char*>(iov[i].iov_base);
    std::size_t left = iov[i].iov_len;
    while (left > 0) {
      ERR_clear_error();
      const int chunk = static_cast<int>(std::min<std::size_t>(left, INT_MAX));
      const int n = SSL_write(ssl, p, chunk);
      if (n <= 0) {
        if (sent > 0) {
          ERR_clear_error();
          return static_cast<ssize_t>(sent);
        }
        errno = errnoFor(ssl, n);
        ERR_clear_error();
        return -1;
      }
      sent += static_cast<std::size_t>(n);
      p += n;
      left -= static_cast<std::size_t>(n);
    }
  }
  return static_cast<ssize_t>(sent);
}

bool tlsHasPending(ssl_st* ssl) { return SSL_pending(ssl) > 0; }

void tlsShutdown(ssl_st* ssl) {
  // Quiet shutdown is not enough for browsers to tell a clean close from a cut; one non-blocking
  // attempt to send close_notify is (whatever does not fit in the socket is dropped).
  ERR_clear_error();
  if (SSL_is_init_finished(ssl)) SSL_shutdown(ssl);
  ERR_clear_error();
}

}  // namespace detail
}  // namespace callpy::realtime
