#pragma once
// The daemon's configuration as loaded from callpyd.yaml (DESIGN §6). Every key is documented in
// config/callpyd.example.yaml. Paths here are already absolute (relative ones in the file are
// resolved against the file's directory).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/sites/declared.h"
#include "core/sites/working_hours.h"

namespace callpy::config {

struct HostPort {
  std::string host;  // as written, without IPv6 brackets ("::1", "127.0.0.1", "localhost")
  int port = 0;
  // "host:port", with brackets around an IPv6 host.
  std::string toString() const;
  bool operator==(const HostPort&) const = default;
};

struct SmtpConfig {
  bool enabled = false;  // false when the file has no smtp: section (mail stays queued)
  std::string host;
  int port = 587;
  bool starttls = true;
  std::string username;      // empty: no AUTH
  std::string passwordFile;  // absolute path, empty when no password
  std::string password;      // read from passwordFile at load; never log it
  std::string from;          // envelope and header sender, e.g. "Callpy <noreply@example.com>"
};

// tls: the HTTPS listener's certificate chain and private key (PEM). The loader has checked that
// both files load and that the key matches the certificate.
struct TlsConfig {
  std::string certificate;  // absolute path: leaf certificate, then intermediates
  std::string key;          // absolute path: unencrypted private key
  bool operator==(const TlsConfig&) const = default;
};

struct Limits {
  std::int64_t maxBodyBytes = 64 * 1024;           // JSON/REST request bodies
  std::int64_t maxUploadBytes = 25 * 1024 * 1024;  // one uploaded file
  int loginAttemptsPerAccount = 5;                 // failed sign-ins per window, per e-mail
  int loginAttemptsPerIp = 20;                     // failed sign-ins per window, per address
  int loginWindowSeconds = 300;
  std::int64_t sessionTtlSeconds = 14 * 24 * 3600;  // panel session lifetime
  int httpThreads = 16;                             // POCO HTTPServer worker threads
  int maxConnectionsPerIp = 256;                    // concurrent TCP connections per address
  int maxJsonDepth = 32;                            // nesting limit for any JSON input
};

// The declared objects are core's own structs, so reconciling them into storage needs no
// config types; the config only adds where each site was written.
using DepartmentDecl = core::sites::DeclaredDepartment;

struct SiteDecl : core::sites::DeclaredSite {
  int line = 0;  // where the site starts in the file (1-based), for messages
};

// rtc: the media path of calls (DESIGN §9).
struct RtcConfig {
  // Local addresses for ICE host candidates; empty: every non-loopback address of the host.
  std::vector<std::string> interfaces;
  std::string publicIp;  // 1:1 NAT: candidates carry this address instead (empty: none)
  int portMin = 0;       // UDP port range; 0/0: any port the kernel gives
  int portMax = 0;
  int mediaThreads = 0;  // 0: one per CPU core
  // rtc.turn: TURN servers handed to browsers that cannot reach the daemon over UDP directly,
  // with short-lived credentials from the shared secret (coturn's use-auth-secret).
  std::vector<std::string> turnUrls;  // "turn:host:3478?transport=udp", "turns:host:5349"
  std::string turnSecret;             // read from turn.secret_file; never log it
  int turnTtlSeconds = 3600;
  // rtc.recording: the composed call recording, made after the call (daemon/rtc/record).
  struct Recording {
    int videoWidth = 1280, videoHeight = 720;  // video_size: WxH, even, 320x180..1920x1080
    int encoderThreads = 1;                    // encoder_threads: 1..4
  } recording;
};

struct Config {
  std::string file;  // absolute path of the file, or the display name for in-memory text
  HostPort listenHttp;  // port 0: no plain-HTTP listener (listen.https only)
  // listen.https with its tls section; when both listeners run, HTTP redirects to HTTPS and
  // HTTPS responses carry HSTS.
  std::optional<HostPort> listenHttps;
  std::optional<TlsConfig> tls;
  std::string publicUrl;  // without trailing '/'; defaults to http://<listen.http>
  std::string dataDir;
  std::string adminSocket = "/run/callpyd/admin.sock";
  std::optional<HostPort> adminMetrics;
  SmtpConfig smtp;
  std::string logLevel = "info";  // debug|info|notice|warning|error
  Limits limits;
  std::string webRoot;  // empty: the build's default (CALLPY_WEB_ROOT_DEFAULT)
  // geoip.database: a MaxMind DB (.mmdb) for visitors' locations (F12); empty: no location.
  // The loader opens it, so a missing or corrupt file is a config error.
  std::string geoipDatabase;
  RtcConfig rtc;
  std::vector<SiteDecl> sites;
};

}  // namespace callpy::config
