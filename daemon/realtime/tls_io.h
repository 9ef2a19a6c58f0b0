#pragma once
// TLS on the realtime loops: a WebSocket upgraded over HTTPS keeps its OpenSSL session, which the
// loop drives non-blocking (SSL_read/SSL_write answering WANT_READ/WANT_WRITE) in place of
// recv/sendmsg. Internal to realtime/.
#include <sys/types.h>
#include <sys/uio.h>

#include <cstddef>
#include <memory>

struct ssl_st;  // SSL, kept out of the loop's headers

namespace callpy::realtime {

struct SslFree {
  void operator()(ssl_st* ssl) const;
};
using SslPtr = std::unique_ptr<ssl_st, SslFree>;

namespace detail {

// Like recv(): bytes read (>0), 0 at the peer's close_notify or EOF, -1 with errno set (EAGAIN:
// nothing decrypted yet; ECONNRESET/EPROTO: the connection is broken). Reads until `size` is
// full or the socket has nothing more, so records already buffered inside OpenSSL are not left
// behind; tlsHasPending() says whether some still are.
ssize_t tlsRecv(ssl_st* ssl, char* data, std::size_t size);
// Like sendmsg(): bytes written from the front of iov (>0), or -1 with errno (EAGAIN: wait for
// EPOLLOUT). A write OpenSSL could only take in part must be retried with the same bytes first,
// which the loop's queue does (it only advances past what was reported written).
ssize_t tlsSendv(ssl_st* ssl, const iovec* iov, int count);
bool tlsHasPending(ssl_st* ssl);
// Best effort close_notify before the socket is closed; never blocks.
void tlsShutdown(ssl_st* ssl);

}  // namespace detail
}  // namespace callpy::realtime
