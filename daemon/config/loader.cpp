#include "config/loader.h"

#include <sys/un.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "config/loader_internal.h"
#include "config/validators.h"
#include "geoip/maxmind_locator.h"

namespace callpy::config {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMaxSocketPath = sizeof(sockaddr_un{}.sun_path) - 1;
constexpr std::size_t kMaxSecretBytes = 4096;

std::string resolvePath(const fs::path& base, const std::string& p) {
  fs::path path(p);
  if (path.is_relative()) path = base / path;
  return path.lexically_normal().string();
}

}  // namespace

std::optional<std::string> readPath(LoadContext& ctx, const Field& f) {
  auto text = ctx.reader.string(f);
  if (!text) return std::nullopt;
  return resolvePath(ctx.baseDir, *text);
}

std::optional<HostPort> readHostPort(YamlReader& r, const Field& f) {
  auto text = r.string(f);
  if (!text) return std::nullopt;
  std::string error;
  auto hp = parseHostPort(*text, &error);
  if (!hp) r.error(f, error);
  return hp;
}

// The secret is the file's content minus one trailing newline (editors add one).
std::optional<std::string> readSecretFile(YamlReader& r, const Field& f, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    r.error(f, "cannot read password file " + path + ": " + std::strerror(errno));
    return std::nullopt;
  }
  std::string secret(kMaxSecretBytes + 1, '\0');
  in.read(secret.data(), static_cast<std::streamsize>(secret.size()));
  if (in.bad()) {
    r.error(f, "cannot read password file " + path);
    return std::nullopt;
  }
  secret.resize(static_cast<std::size_t>(in.gcount()));
  if (secret.size() > kMaxSecretBytes) {
    r.error(f, "password file " + path + " is larger than 4 KiB; is it the right file?");
    return std::nullopt;
  }
  if (!secret.empty() && secret.back() == '\n') secret.pop_back();
  if (!secret.empty() && secret.back() == '\r') secret.pop_back();
  if (secret.empty()) {
    r.error(f, "password file " + path + " is empty");
    return std::nullopt;
  }
  return secret;
}

namespace {

void readAdmin(LoadContext& ctx, const Field& f, Config& c) {
  YamlReader& r = ctx.reader;
  auto fields = r.map(f, {"socket", "metrics"});
  if (!fields) return;
  if (const Field* socket = YamlReader::get(*fields, "socket")) {
    if (auto path = readPath(ctx, *socket)) {
      if (path->size() > kMaxSocketPath) {
        r.error(*socket, "path is " + std::to_string(path->size()) +
                             " bytes; a Unix socket path may have at most " +
                             std::to_string(kMaxSocketPath));
      }
      c.adminSocket = *path;
    }
  }
  if (const Field* metrics = YamlReader::get(*fields, "metrics")) {
    c.adminMetrics = readHostPort(r, *metrics);
  }
}

void readSmtp(LoadContext& ctx, const Field& f, SmtpConfig& smtp) {
  YamlReader& r = ctx.reader;
  auto fields = r.map(f, {"host", "port", "starttls", "username", "password_file", "from"});
  if (!fields) return;
  smtp.enabled = true;
  if (const Field* host = r.require(*fields, "host", f.mark, f.path)) {
    if (auto h = r.string(*host)) {
      if (!isValidHostName(*h)) r.error(*host, "'" + *h + "' is not a valid host name");
      smtp.host = *h;
    }
  }
  if (const Field* tls = YamlReader::get(*fields, "starttls")) {
    smtp.starttls = r.boolean(*tls).value_or(true);
  }
  smtp.port = smtp.starttls ? 587 : 25;
  if (const Field* port = YamlReader::get(*fields, "port")) {
    smtp.port = static_cast<int>(r.integer(*port, 1, 65535).value_or(smtp.port));
  }
  const Field* username = YamlReader::get(*fields, "username");
  const Field* passwordFile = YamlReader::get(*fields, "password_file");
  if (username) smtp.username = r.string(*username).value_or("");
  if (passwordFile) {
    if (auto path = readPath(ctx, *passwordFile)) {
      smtp.passwordFile = *path;
      smtp.password = readSecretFile(r, *passwordFile, *path).value_or("");
    }
    if (!username) r.error(*passwordFile, "password_file needs a username");
  } else if (username) {
    r.error(*username, "username needs a password_file");
  }
  if (const Field* from = r.require(*fields, "from", f.mark, f.path)) {
    if (auto value = r.string(*from)) {
      if (!isValidMailbox(*value)) {
        r.error(*from,
                "expected an address like noreply@example.com or "
                "\"Callpy <noreply@example.com>\"");
      }
      smtp.from = *value;
    }
  }
}

void readLimits(YamlReader& r, const Field& f, Limits& l) {
  auto fields = r.map(f, {"max_body_bytes", "max_upload_bytes", "login_attempts_per_account",
                          "login_attempts_per_ip", "login_window_seconds", "session_ttl_seconds",
                          "http_threads", "max_connections_per_ip", "max_json_depth"});
  if (!fields) return;
  auto setInt = [&](const char* key, int& target, int min, int max) {
    if (const Field* v = YamlReader::get(*fields, key)) {
      target = static_cast<int>(r.integer(*v, min, max).value_or(target));
    }
  };
  auto setSize = [&](const char* key, std::int64_t& target, std::int64_t min, std::int64_t max) {
    if (const Field* v = YamlReader::get(*fields, key)) {
      target = r.byteSize(*v, min, max).value_or(target);
    }
  };
  constexpr std::int64_t kGiB = 1024LL * 1024 * 1024;
  setSize("max_body_bytes", l.maxBodyBytes, 1024, 64 * 1024 * 1024);
  setSize("max_upload_bytes", l.maxUploadBytes, 1024, 4 * kGiB);
  setInt("login_attempts_per_account", l.loginAttemptsPerAccount, 1, 1000);
  setInt("login_attempts_per_ip", l.loginAttemptsPerIp, 1, 100000);
  setInt("login_window_seconds", l.loginWindowSeconds, 1, 86400);
  if (const Field* v = YamlReader::get(*fields, "session_ttl_seconds")) {
    l.sessionTtlSeconds = r.integer(*v, 60, 366LL * 86400).value_or(l.sessionTtlSeconds);
  }
  setInt("http_threads", l.httpThreads, 1, 1024);
  setInt("max_connections_per_ip", l.maxConnectionsPerIp, 1, 1000000);
  setInt("max_json_depth", l.maxJsonDepth, 2, 1000);
}

// geoip.database: opened here like the daemon will open it, so a missing, unreadable or corrupt
// file is reported at its line rather than at the first visitor.
void readGeoIp(LoadContext& ctx, const Field& f, Config& c) {
  YamlReader& r = ctx.reader;
  auto fields = r.map(f, {"database"});
  if (!fields) return;
  if (const Field* db = YamlReader::get(*fields, "database")) {
    auto path = readPath(ctx, *db);
    if (!path) return;
    if (auto problem = geoip::checkGeoDatabase(*path); !problem.empty()) {
      r.error(*db, problem);
      return;
    }
    c.geoipDatabase = *path;
  }
}

void readDocument(LoadContext& ctx, const YAML::Node& root, Config& c) {
  YamlReader& r = ctx.reader;
  YAML::Mark rootMark = YamlReader::markOf(root, YAML::Mark());
  auto fields = r.map(
      root, rootMark, "",
      {"listen", "public_url", "data_dir", "admin", "smtp", "log", "limits", "web_root", "geoip",
       "tls", "rtc", "sites"});
  if (!fields) return;

  std::optional<Field> https;  // a copy: the listen map's fields end with its scope
  if (const Field* listen = r.require(*fields, "listen", rootMark, "")) {
    if (auto lf = r.map(*listen, {"http", "https"})) {
      if (const Field* h = YamlReader::get(*lf, "https")) https = *h;
      // One of the two is enough; without either, ask for http as before TLS existed.
      const Field* http = https ? YamlReader::get(*lf, "http")
                                : r.require(*lf, "http", listen->mark, listen->path);
      if (http) {
        if (auto hp = readHostPort(r, *http)) c.listenHttp = *hp;
      }
      if (https) c.listenHttps = readHostPort(r, *https);
      if (http && https && c.listenHttps && *c.listenHttps == c.listenHttp) {
        r.error(*https, "http and https cannot share one address and port");
      }
    }
  }
  readTls(ctx, https ? &*https : nullptr, YamlReader::get(*fields, "tls"), c);
  if (const Field* dataDir = r.require(*fields, "data_dir", rootMark, "")) {
    c.dataDir = readPath(ctx, *dataDir).value_or("");
  }
  if (const Field* url = YamlReader::get(*fields, "public_url")) {
    if (auto text = r.string(*url)) {
      std::string error;
      if (auto normal = normalizePublicUrl(*text, &error)) {
        c.publicUrl = *normal;
      } else {
        r.error(*url, error);
      }
    }
  } else if (c.listenHttps) {
    c.publicUrl = "https://" + c.listenHttps->toString();
  } else if (c.listenHttp.port != 0) {
    c.publicUrl = "http://" + c.listenHttp.toString();
  }
  if (const Field* admin = YamlReader::get(*fields, "admin")) readAdmin(ctx, *admin, c);
  if (const Field* smtp = YamlReader::get(*fields, "smtp")) readSmtp(ctx, *smtp, c.smtp);
  if (const Field* log = YamlReader::get(*fields, "log")) {
    if (auto lf = r.map(*log, {"level"})) {
      if (const Field* level = YamlReader::get(*lf, "level")) {
        auto value = r.string(*level);
        if (value && !isValidLogLevel(*value)) {
          r.error(*level, "log level must be one of debug, info, notice, warning, error");
        } else if (value) {
          c.logLevel = *value;
        }
      }
    }
  }
  if (const Field* limits = YamlReader::get(*fields, "limits")) readLimits(r, *limits, c.limits);
  if (const Field* web = YamlReader::get(*fields, "web_root")) {
    c.webRoot = readPath(ctx, *web).value_or("");
  }
  if (const Field* geoip = YamlReader::get(*fields, "geoip")) readGeoIp(ctx, *geoip, c);
  if (const Field* rtc = YamlReader::get(*fields, "rtc")) readRtc(ctx, *rtc, c);
  if (const Field* sites = YamlReader::get(*fields, "sites")) readSites(ctx, *sites, c.sites);
}

ConfigResult run(const std::string& text, const std::string& displayName,
                 const std::string& absoluteFile, const fs::path& baseDir,
                 const LoadOptions& options) {
  YamlReader reader(displayName);
  reader.setMapObserver(options.onMap);
  LoadContext ctx{reader, baseDir, options.zoneInfoRoot};
  Config config;
  config.file = absoluteFile;
  try {
    std::vector<YAML::Node> docs = YAML::LoadAll(text);
    if (docs.empty() || docs.front().IsNull()) {
      reader.error(YAML::Mark(), "",
                   "the file is empty; at least listen.http and data_dir are "
                   "required");
    } else {
      if (docs.size() > 1) {
        reader.error(docs[1].Mark(), "(yaml)", "only one YAML document is allowed in the file");
      }
      readDocument(ctx, docs.front(), config);
    }
  } catch (const YAML::Exception& e) {
    reader.error(e.mark, "(yaml)", e.msg);
  }
  ConfigResult result;
  if (reader.hasErrors()) {
    result.errors = reader.takeErrors();
    std::stable_sort(result.errors.begin(), result.errors.end(),
                     [](const ConfigError& a, const ConfigError& b) {
                       return a.line != b.line ? a.line < b.line : a.col < b.col;
                     });
  } else {
    result.config = std::move(config);
  }
  return result;
}

fs::path absoluteDir(const std::string& file) {
  std::error_code ec;
  fs::path abs = fs::absolute(file.empty() ? fs::path(".") : fs::path(file), ec);
  return abs.lexically_normal().parent_path();
}

}  // namespace

std::string ConfigError::format() const {
  return file + ":" + std::to_string(line) + ":" + std::to_string(col) + ": " + keyPath + ": " +
         message;
}

std::string ConfigResult::formatErrors() const {
  std::string out;
  for (const ConfigError& e : errors) out += e.format() + "\n";
  return out;
}

ConfigResult loadConfigFile(const std::string& path, const LoadOptions& options) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    ConfigResult result;
    result.errors.push_back(ConfigError{path, 1, 1, "(file)", "is a directory, not a file"});
    return result;
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  if (in) text << in.rdbuf();
  if (!in || in.bad()) {
    ConfigResult result;
    result.errors.push_back(
        ConfigError{path, 1, 1, "(file)", std::string("cannot read: ") + std::strerror(errno)});
    return result;
  }
  std::string absolute = fs::absolute(path, ec).lexically_normal().string();
  fs::path base = options.baseDir.empty() ? absoluteDir(path) : fs::path(options.baseDir);
  return run(text.str(), path, absolute, base, options);
}

ConfigResult loadConfigString(const std::string& text, const std::string& displayName,
                              const LoadOptions& options) {
  fs::path base = options.baseDir.empty() ? absoluteDir(displayName) : fs::path(options.baseDir);
  return run(text, displayName, displayName, base, options);
}

}  // namespace callpy::config
