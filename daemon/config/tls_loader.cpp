// listen.https + tls: the two come together, and the certificate and key are loaded here exactly
// as the daemon will load them, so a missing, unreadable, malformed or mismatched file is reported
// at its key's FILE:LINE:COL by start-up, SIGHUP and --check-config alike.
#include "config/loader_internal.h"
#include "security/tls_context.h"

namespace callpy::config {

namespace {

std::string resolve(const LoadContext& ctx, const std::string& p) {
  std::filesystem::path path(p);
  if (path.is_relative()) path = ctx.baseDir / path;
  return path.lexically_normal().string();
}

}  // namespace

void readTls(LoadContext& ctx, const Field* https, const Field* tls, Config& c) {
  YamlReader& r = ctx.reader;
  if (!tls) {
    if (https) r.error(*https, "needs a tls section with certificate and key (PEM files)");
    return;
  }
  auto fields = r.map(*tls, {"certificate", "key"});
  if (!fields) return;
  const Field* cert = r.require(*fields, "certificate", tls->mark, tls->path);
  const Field* key = r.require(*fields, "key", tls->mark, tls->path);
  auto certPath = cert ? r.string(*cert) : std::nullopt;
  auto keyPath = key ? r.string(*key) : std::nullopt;
  if (!https) {
    r.error(*tls, "is set but listen.https is not; add listen.https (e.g. 0.0.0.0:443) or remove tls");
    return;
  }
  if (!certPath || !keyPath) return;
  TlsConfig t{resolve(ctx, *certPath), resolve(ctx, *keyPath)};
  auto loaded = security::loadServerContext(t.certificate, t.key);
  if (loaded.problem) {
    const Field& at = loaded.problem->file == security::TlsProblem::File::Certificate ? *cert : *key;
    r.error(at, loaded.problem->message);
    return;
  }
  c.tls = std::move(t);
}

}  // namespace callpy::config
