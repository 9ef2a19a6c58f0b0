#pragma once
// TLS server certificates (listen.https): loading and checking a PEM certificate chain and its
// private key, and the process-wide SSL_CTX that new HTTPS connections are accepted with. The
// context is swapped whole on reload (SIGHUP), so a connection keeps the certificate it started
// with and a bad new file never replaces a good old one.
#include <memory>
#include <mutex>
#include <optional>
#include <string>

struct ssl_ctx_st;  // SSL_CTX, kept out of this header

namespace callpy::security {

using SslContextPtr = std::shared_ptr<ssl_ctx_st>;

struct TlsProblem {
  enum class File { Certificate, Key };
  File file = File::Certificate;  // which config key (tls.certificate / tls.key) to blame
  std::string message;            // says what is wrong and with which file
};

// What was loaded, for the log and for tests.
struct TlsIdentity {
  std::string subject;            // one line, e.g. "CN=chat.example.com"
  std::string notAfter;           // "2026-05-01 12:00:00 UTC"
  std::string sha256Fingerprint;  // "AB:CD:..." of the leaf certificate (what browsers show)
  bool expired = false;
};

struct TlsLoadResult {
  SslContextPtr context;  // null when problem is set
  TlsIdentity identity;
  std::optional<TlsProblem> problem;
};

// Reads both files and builds a server context: TLS 1.2+, no renegotiation, idle buffers released.
// Missing, unreadable or oversized files, a file without a PEM certificate / key, a key with a
// passphrase (there is nobody to type it) and a key that does not match the certificate are
// problems, each naming its file. Never prompts on a terminal.
TlsLoadResult loadServerContext(const std::string& certificateFile, const std::string& keyFile);

// The live context, shared by the HTTPS listener's accept path. Thread-safe.
class TlsContext {
 public:
  TlsContext(std::string certificateFile, std::string keyFile, TlsLoadResult loaded);
  SslContextPtr current() const;
  TlsIdentity identity() const;
  // Loads the (possibly new) files; on success new connections use them. On a problem the old
  // context stays and the problem is returned.
  std::optional<TlsProblem> reload(const std::string& certificateFile, const std::string& keyFile);

 private:
  mutable std::mutex mutex_;
  std::string certificateFile_;
  std::string keyFile_;
  SslContextPtr context_;
  TlsIdentity identity_;
};

}  // namespace callpy::security
