#include "security/tls_context.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <vector>

namespace callpy::security {

namespace {

// A PEM chain of a few certificates is a few KiB; anything this large is the wrong file.
constexpr std::size_t kMaxPemBytes = 1024 * 1024;

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using BioPtr = std::unique_ptr<BIO, BioFree>;

// Instead of OpenSSL's default, which would ask for a passphrase on the terminal.
int noPassphrase(char*, int, int, void*) { return -1; }

std::string opensslError() {
  unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return "";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  return buf;
}

std::optional<std::string> readPem(const std::string& path, std::string* problem) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    *problem = path + " is a directory, not a PEM file";
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    *problem = "cannot read " + path + ": " + std::strerror(err);
    if (err == EACCES) *problem += " (the daemon's user must be able to read it)";
    return std::nullopt;
  }
  std::string text(kMaxPemBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad()) {
    *problem = "cannot read " + path;
    return std::nullopt;
  }
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > kMaxPemBytes) {
    *problem = path + " is larger than 1 MiB; is it the right file?";
    return std::nullopt;
  }
  if (text.empty()) {
    *problem = path + " is empty";
    return std::nullopt;
  }
  return text;
}

BioPtr memoryBio(const std::string& text) {
  return BioPtr(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

std::string nameLine(X509_NAME* name) {
  BioPtr out(BIO_new(BIO_s_mem()));
  X509_NAME_print_ex(out.get(), name, 0, XN_FLAG_RFC2253);
  char* data = nullptr;
  long n = BIO_get_mem_data(out.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

TlsIdentity identityOf(X509* leaf) {
  TlsIdentity id;
  id.subject = nameLine(X509_get_subject_name(leaf));
  std::tm tm{};
  if (ASN1_TIME_to_tm(X509_get0_notAfter(leaf), &tm) == 1) {
    char buf[64];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
    id.notAfter = buf;
  }
  id.expired = X509_cmp_current_time(X509_get0_notAfter(leaf)) < 0;
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (X509_digest(leaf, EVP_sha256(), md, &n) == 1) {
    static const char* kHex = "0123456789ABCDEF";
    for (unsigned int i = 0; i < n; ++i) {
      if (i) id.sha256Fingerprint += ':';
      id.sha256Fingerprint += kHex[md[i] >> 4];
      id.sha256Fingerprint += kHex[md[i] & 15];
    }
  }
  return id;
}

TlsLoadResult fail(TlsProblem::File file, std::string message) {
  TlsLoadResult r;
  r.problem = TlsProblem{file, std::move(message)};
  ERR_clear_error();
  return r;
}

}  // namespace

TlsLoadResult loadServerContext(const std::string& certificateFile, const std::string& keyFile) {
  using File = TlsProblem::File;
  std::string problem;
  auto certText = readPem(certificateFile, &problem);
  if (!certText) return fail(File::Certificate, problem);
  auto keyText = readPem(keyFile, &problem);
  if (!keyText) return fail(File::Key, problem);

  BioPtr certBio = memoryBio(*certText);
  X509Ptr leaf(PEM_read_bio_X509(certBio.get(), nullptr, noPassphrase, nullptr));
  if (!leaf) {
    std::string hint = certText->find("PRIVATE KEY-----") != std::string::npos
                           ? " (it holds a private key; that belongs in tls.key)"
                           : " (expected a -----BEGIN CERTIFICATE----- block; convert DER with "
                             "'openssl x509 -inform der')";
    return fail(File::Certificate, "no PEM certificate in " + certificateFile + hint);
  }
  // The rest of the file is the chain (intermediates), in order, as in a fullchain.pem.
  std::vector<X509Ptr> chain;
  for (;;) {
    X509Ptr next(PEM_read_bio_X509(certBio.get(), nullptr, noPassphrase, nullptr));
    if (!next) break;
    chain.push_back(std::move(next));
  }
  const unsigned long last = ERR_peek_last_error();
  if (last != 0 && !(ERR_GET_LIB(last) == ERR_LIB_PEM && ERR_GET_REASON(last) == PEM_R_NO_START_LINE)) {
    return fail(File::Certificate, "bad certificate in the chain in " + certificateFile + ": " +
                                       opensslError());
  }
  ERR_clear_error();

  if (keyText->find("ENCRYPTED") != std::string::npos) {
    return fail(File::Key, "the key in " + keyFile +
                               " is protected by a passphrase, which the daemon cannot ask for; "
                               "store it unencrypted with mode 0640 (openssl pkey -in OLD -out NEW)");
  }
  BioPtr keyBio = memoryBio(*keyText);
  PkeyPtr key(PEM_read_bio_PrivateKey(keyBio.get(), nullptr, noPassphrase, nullptr));
  if (!key) {
    std::string hint = keyText->find("BEGIN CERTIFICATE") != std::string::npos
                           ? " (it holds a certificate; the private key belongs in tls.key)"
                           : " (expected a -----BEGIN PRIVATE KEY----- block)";
    return fail(File::Key, "no PEM private key in " + keyFile + hint);
  }
  if (X509_check_private_key(leaf.get(), key.get()) != 1) {
    return fail(File::Key, "the key in " + keyFile + " does not match the certificate in " +
                               certificateFile);
  }

  SslContextPtr ctx(SSL_CTX_new(TLS_server_method()), SSL_CTX_free);
  if (!ctx) return fail(File::Certificate, "cannot create a TLS context: " + opensslError());
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  // No renegotiation: the event loop then never sees a write that waits for a read. Unexpected
  // EOF (a client that just drops the TCP connection) is an ordinary close, not an error.
  SSL_CTX_set_options(ctx.get(), SSL_OP_NO_RENEGOTIATION | SSL_OP_IGNORE_UNEXPECTED_EOF |
                                     SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_COMPRESSION);
  // Idle WebSockets give their 2×16 KiB record buffers back; the loop's writes may be partial.
  SSL_CTX_set_mode(ctx.get(), SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ENABLE_PARTIAL_WRITE |
                                  SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  SSL_CTX_set_default_passwd_cb(ctx.get(), noPassphrase);
  if (SSL_CTX_use_certificate(ctx.get(), leaf.get()) != 1) {
    return fail(File::Certificate, "cannot use the certificate in " + certificateFile + ": " +
                                       opensslError());
  }
  for (auto& c : chain) {
    if (SSL_CTX_add1_chain_cert(ctx.get(), c.get()) != 1) {
      return fail(File::Certificate, "cannot use the chain in " + certificateFile + ": " +
                                         opensslError());
    }
  }
  if (SSL_CTX_use_PrivateKey(ctx.get(), key.get()) != 1 || SSL_CTX_check_private_key(ctx.get()) != 1) {
    return fail(File::Key, "cannot use the key in " + keyFile + ": " + opensslError());
  }
  TlsLoadResult r;
  r.context = std::move(ctx);
  r.identity = identityOf(leaf.get());
  return r;
}

TlsContext::TlsContext(std::string certificateFile, std::string keyFile, TlsLoadResult loaded)
    : certificateFile_(std::move(certificateFile)),
      keyFile_(std::move(keyFile)),
      context_(std::move(loaded.context)),
      identity_(std::move(loaded.identity)) {}

SslContextPtr TlsContext::current() const {
  std::lock_guard lock(mutex_);
  return context_;
}

TlsIdentity TlsContext::identity() const {
  std::lock_guard lock(mutex_);
  return identity_;
}

std::optional<TlsProblem> TlsContext::reload(const std::string& certificateFile,
                                             const std::string& keyFile) {
  TlsLoadResult loaded = loadServerContext(certificateFile, keyFile);
  if (loaded.problem) return loaded.problem;
  std::lock_guard lock(mutex_);
  certificateFile_ = certificateFile;
  keyFile_ = keyFile;
  context_ = std::move(loaded.context);
  identity_ = std::move(loaded.identity);
  return std::nullopt;
}

}  // namespace callpy::security
