#include "app/daemon.h"

#include <Poco/File.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <signal.h>

#include <chrono>
#include <thread>
#include <iostream>
#include <mutex>

#include "app/app.h"
#include "app/listen_errors.h"
#include "app/operations_status.h"
#include "app/systemd_notify.h"
#include "config/loader.h"
#include "config/reconcile.h"
#include "config/zoneinfo.h"
#include "core/accounts/account_service.h"
#include "core/dialogs/dialog_service.h"
#include "core/files/file_service.h"
#include "core/sites/site_service.h"
#include "core/visitors/visitor_info_service.h"
#include "geoip/maxmind_locator.h"
#include "http/server.h"
#include "observability/log.h"
#include "observability/metrics.h"
#include "outbox/outbox_worker.h"
#include "realtime/call_gateway.h"
#include "realtime/chat_gateway.h"
#include "realtime/realtime_server.h"
#include "rtc/call/media_engine.h"
#include "rtc/record/recording_writer.h"
#include "security/openssl_crypto.h"
#include "security/tls_context.h"
#include "storage/account_repository.h"
#include "storage/backup_snapshot.h"
#include "storage/call_repository.h"
#include "storage/data_dir_lock.h"
#include "storage/database.h"
#include "storage/dialog_repository.h"
#include "storage/file_repository.h"
#include "storage/file_store.h"
#include "storage/first_response_repository.h"
#include "storage/outbox_repository.h"
#include "storage/quick_reply_repository.h"
#include "storage/preference_repository.h"
#include "storage/site_repository.h"
#include "storage/status_queries.h"
#include "storage/visitor_page_repository.h"
#include "version.h"

#ifndef CALLPY_WEB_ROOT_DEFAULT
#define CALLPY_WEB_ROOT_DEFAULT "/usr/share/callpyd/web"
#endif

namespace callpy::app {

namespace obs = callpy::observability;

namespace {

std::int64_t nowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class ZoneInfoSource : public core::ports::TimeZoneSource {
 public:
  std::optional<core::sites::TimeZone> load(const std::string& name) override {
    return config::loadZoneInfo(name);
  }
};

std::optional<outbox::SmtpSettings> smtpSettings(const config::SmtpConfig& c) {
  if (!c.enabled) return std::nullopt;
  outbox::SmtpSettings s;
  s.host = c.host;
  s.port = static_cast<std::uint16_t>(c.port);
  s.starttls = c.starttls;
  s.username = c.username;
  s.password = c.password;
  s.from = c.from;
  return s;
}

void applyLogLevel(const config::Config& c) {
  obs::Priority p;
  if (obs::parsePriority(c.logLevel, p)) obs::setLogLevel(p);
}

std::int64_t fileSize(const std::string& path) {
  Poco::File f(path);
  return f.exists() ? static_cast<std::int64_t>(f.getSize()) : 0;
}

// Everything that runs, in start order; members are destroyed in reverse.
class Daemon {
 public:
  Daemon(const config::Config& config, std::string configPath)
      : config_(config), configPath_(std::move(configPath)), startedAt_(nowSeconds()) {}

  int run();

 private:
  int open();
  int loadTls();
  int startCalls();
  CallFigures callFigures() const;
  void startListeners();
  void registerGauges();
  Poco::JSON::Object::Ptr status();
  std::vector<std::string> reload();
  void waitForSignals();

  config::Config config_;
  std::string configPath_;
  std::int64_t startedAt_;
  std::mutex reloadMutex_;

  // Held for the daemon's life: a second callpyd or `callpyctl restore` on this data dir stops.
  std::unique_ptr<storage::DataDirLock> dataDirLock_;
  std::unique_ptr<storage::Database> db_;
  security::OpenSslCrypto crypto_;
  ZoneInfoSource zones_;
  std::unique_ptr<outbox::OutboxWorker> outbox_;
  std::unique_ptr<storage::AccountRepository> accountRepo_;
  std::unique_ptr<storage::SiteRepository> siteRepo_;
  std::unique_ptr<storage::FirstResponseRepository> firstResponseRepo_;
  std::unique_ptr<core::accounts::AccountService> accounts_;
  std::unique_ptr<core::sites::SiteService> sites_;
  // Declared before the dialog store: the store's destructor delivers its last async results
  // through the gateway, which must still exist then.
  std::unique_ptr<realtime::RealtimeServer> realtime_;
  std::unique_ptr<realtime::ChatGateway> chat_;
  std::unique_ptr<storage::DialogRepository> dialogRepo_;
  std::unique_ptr<core::dialogs::DialogService> dialogs_;
  // Visitor info (F4) and location by IP (F12); geo_ is null without geoip.database.
  std::unique_ptr<geoip::MaxMindLocator> geo_;
  std::unique_ptr<storage::VisitorPageRepository> visitorPageRepo_;
  std::unique_ptr<core::visitors::VisitorInfoService> visitorInfo_;
  std::unique_ptr<storage::QuickReplyRepository> quickReplyRepo_;
  std::unique_ptr<core::quick_replies::QuickReplyService> quickReplies_;
  std::unique_ptr<storage::PreferenceRepository> preferenceRepo_;
  std::unique_ptr<core::accounts::PreferencesService> preferences_;
  std::unique_ptr<storage::FileStore> fileStore_;
  std::unique_ptr<storage::FileRepository> fileRepo_;
  std::unique_ptr<core::files::FileService> files_;
  // Calls (F18–F20): the media path and the signalling on the chat sockets.
  std::unique_ptr<rtc::call::MediaEngine> media_;
  std::unique_ptr<storage::CallRepository> callRepo_;
  std::unique_ptr<realtime::CallGateway> calls_;
  // After calls_, so it is destroyed first: finishing a recording calls back into calls_.
  std::unique_ptr<rtc::record::RecordingWriter> recorder_;
  std::unique_ptr<http::ApiContext> api_;
  std::shared_ptr<security::TlsContext> tls_;  // listen.https; swapped on reload
  std::vector<std::unique_ptr<http::Listener>> listeners_;
};

int Daemon::open() {
  try {
    Poco::File(config_.dataDir).createDirectories();
    Poco::File(config_.dataDir + "/files").createDirectories();
    auto socketDir = Poco::Path(config_.adminSocket).parent().toString();
    if (!socketDir.empty()) Poco::File(socketDir).createDirectories();
  } catch (const Poco::Exception& e) {
    obs::logError("startup.data_dir_failed", {{"path", config_.dataDir}, {"error", e.displayText()}});
    return kExitOsError;
  }
  try {
    dataDirLock_ = std::make_unique<storage::DataDirLock>(config_.dataDir);
    // Ours now, so no backup is running: scratch dirs in it were left by a killed daemon.
    storage::BackupSnapshot::removeLeftovers(config_.dataDir);
  } catch (const storage::StorageError& e) {
    obs::logError("startup.data_dir_locked", {{"error", e.what()}});
    std::cerr << "callpyd: " << e.what() << "\n";
    return kExitOsError;
  }
  storage::DatabaseOptions dbOptions;
  dbOptions.path = config_.dataDir + "/callpy.db";
  dbOptions.onCommit = [](double seconds) { obs::Metrics::instance().commitLatency.observe(seconds); };
  try {
    db_ = storage::Database::open(dbOptions);
  } catch (const storage::SchemaTooNewError& e) {
    obs::logError("startup.schema_too_new", {{"error", e.what()}});
    std::cerr << "callpyd: " << e.what() << "\n";
    return kExitDataError;
  } catch (const storage::CorruptDatabaseError& e) {
    obs::logError("startup.database_corrupt", {{"error", e.what()}});
    std::cerr << "callpyd: " << e.what() << "\n";
    return kExitDataError;
  } catch (const storage::StorageError& e) {
    obs::logError("startup.database_failed", {{"error", e.what()}});
    std::cerr << "callpyd: " << e.what() << "\n";
    return kExitIoError;
  }
  auto report = config::reconcileSites(*db_, config_, nowSeconds());
  obs::logInfo("config.reconciled", {{"sites", std::to_string(config_.sites.size())}});
  (void)report;
  return kExitOk;
}

CallFigures Daemon::callFigures() const {
  CallFigures f;
  if (!media_ || !calls_) return f;
  const auto s = media_->stats();
  f.active = calls_->activeCalls();
  f.legs = s.legs;
  f.packetsIn = s.packetsIn;
  f.packetsRelayed = s.packetsRelayed;
  f.packetsDropped = s.packetsDropped;
  f.retransmits = s.retransmits;
  f.sendFailures = s.sendFailures;
  return f;
}

int Daemon::startCalls() {
  rtc::call::EngineConfig engine;
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  engine.threads = config_.rtc.mediaThreads > 0 ? static_cast<unsigned>(config_.rtc.mediaThreads) : cores;
  engine.ice.interfaceAddresses = config_.rtc.interfaces;
  engine.ice.publicIp = config_.rtc.publicIp;
  engine.ice.portMin = static_cast<std::uint16_t>(config_.rtc.portMin);
  engine.ice.portMax = static_cast<std::uint16_t>(config_.rtc.portMax);
  try {
    media_ = std::make_unique<rtc::call::MediaEngine>(engine);
  } catch (const std::exception& e) {
    obs::logError("startup.media_failed", {{"error", e.what()}});
    std::cerr << "callpyd: cannot start the media path: " << e.what() << "\n";
    return kExitOsError;
  }
  callRepo_ = std::make_unique<storage::CallRepository>(*db_);
  calls_ = std::make_unique<realtime::CallGateway>(*chat_, *callRepo_, *media_);
  rtc::record::RecordingWriter::Options recording;
  recording.video.width = config_.rtc.recording.videoWidth;
  recording.video.height = config_.rtc.recording.videoHeight;
  recording.video.encoderThreads = config_.rtc.recording.encoderThreads;
  recorder_ = std::make_unique<rtc::record::RecordingWriter>(recording);
  calls_->setRecorder({recorder_.get(), config_.dataDir + "/recordings", files_.get(),
                       [this](std::int64_t userId) -> std::optional<core::accounts::Principal> {
                         std::optional<core::accounts::Principal> p;
                         accountRepo_->read([&](core::ports::AccountTx& tx) {
                           auto user = tx.userById(userId);
                           if (!user) return;
                           p.emplace();
                           p->user = std::move(user);
                           p->memberships = tx.memberships(userId);
                         });
                         return p;
                       }});
  if (!config_.rtc.turnUrls.empty()) {
    calls_->setTurn({config_.rtc.turnUrls, config_.rtc.turnSecret, config_.rtc.turnTtlSeconds});
  }
  chat_->setCalls(calls_.get());
  api_->calls = callRepo_.get();
  // Recordings a stopped run left unconverted: queued now, posted when converted.
  calls_->recoverRecordings();
  calls_->start();
  return kExitOk;
}

void logTlsIdentity(const security::TlsIdentity& id) {
  obs::logInfo("tls.certificate_loaded", {{"subject", id.subject}, {"not_after", id.notAfter},
                                          {"sha256", id.sha256Fingerprint}});
  if (id.expired) obs::logWarning("tls.certificate_expired", {{"not_after", id.notAfter}});
}

// The loader checked the files already; they may have changed since, so this still fails loudly.
int Daemon::loadTls() {
  if (!config_.tls) return kExitOk;
  auto loaded = security::loadServerContext(config_.tls->certificate, config_.tls->key);
  if (loaded.problem) {
    obs::logError("startup.tls_failed", {{"error", loaded.problem->message}});
    std::cerr << "callpyd: tls: " << loaded.problem->message << "\n";
    return kExitConfig;
  }
  logTlsIdentity(loaded.identity);
  tls_ = std::make_shared<security::TlsContext>(config_.tls->certificate, config_.tls->key,
                                                std::move(loaded));
  return kExitOk;
}

void Daemon::startListeners() {
  http::ExchangeLimits limits{static_cast<std::size_t>(config_.limits.maxBodyBytes),
                              static_cast<std::size_t>(config_.limits.maxJsonDepth)};
  http::ListenerOptions pub;
  pub.kind = http::ListenerKind::Public;
  pub.threads = config_.limits.httpThreads;
  pub.limits = limits;
  pub.maxConnectionsPerAddress = config_.limits.maxConnectionsPerIp;
  pub.webRoot = config_.webRoot.empty() ? std::string(CALLPY_WEB_ROOT_DEFAULT) : config_.webRoot;
  const bool plain = config_.listenHttp.port != 0;
  if (config_.listenHttps) {
    http::ListenerOptions https = pub;
    https.host = config_.listenHttps->host;
    https.port = static_cast<unsigned short>(config_.listenHttps->port);
    https.tls = tls_;
    https.hsts = plain;
    listeners_.push_back(std::make_unique<http::Listener>(https, *api_));
  }
  if (plain) {
    pub.host = config_.listenHttp.host;
    pub.port = static_cast<unsigned short>(config_.listenHttp.port);
    if (config_.listenHttps) {
      http::HttpsRedirect redirect;
      if (config_.publicUrl.rfind("https://", 0) == 0)
        redirect.publicOrigin = core::sites::originOf(config_.publicUrl).value_or("");
      redirect.httpsPort = listeners_.front()->port();
      pub.redirectToHttps = redirect;
    }
    listeners_.push_back(std::make_unique<http::Listener>(pub, *api_));
  }

  http::ListenerOptions admin;
  admin.kind = http::ListenerKind::Admin;
  admin.host = config_.adminSocket;
  admin.threads = 4;
  admin.limits = limits;
  listeners_.push_back(std::make_unique<http::Listener>(admin, *api_));

  if (config_.adminMetrics) {
    http::ListenerOptions m;
    m.kind = http::ListenerKind::Metrics;
    m.host = config_.adminMetrics->host;
    m.port = static_cast<unsigned short>(config_.adminMetrics->port);
    m.threads = 2;
    listeners_.push_back(std::make_unique<http::Listener>(m, *api_));
  }
  for (auto& l : listeners_) {
    l->start();
    obs::logInfo("listener.started", {{"listener", l->describe()}});
  }
}

void Daemon::registerGauges() {
  auto& m = obs::Metrics::instance();
  m.addGauge("callpy_db_size_bytes", "Size of the SQLite database and its WAL.", [this] {
    return static_cast<double>(fileSize(db_->path()) + fileSize(db_->path() + "-wal"));
  });
  m.addGauge("callpy_db_pending_writes", "Writes queued for the storage writer.",
             [this] { return static_cast<double>(db_->pendingWrites()); });
  m.addGauge("callpy_outbox_backlog", "Outbound jobs (e-mail) not yet sent.", [this] {
    return static_cast<double>(db_->read([](storage::Connection& c) { return storage::outboxBacklog(c); }));
  });
  m.addCounter("callpy_login_failures_total", "Failed or rate-limited sign-in attempts.",
               [this] { return static_cast<double>(accounts_->loginFailures()); });
  m.addCounter("callpy_mails_sent_total", "E-mails accepted by the SMTP server.",
               [this] { return static_cast<double>(outbox_->stats().sent); });
  m.addCounter("callpy_mails_retried_total", "E-mail attempts that failed and were rescheduled.",
               [this] { return static_cast<double>(outbox_->stats().retried); });
  m.addCounter("callpy_mails_failed_total", "E-mails given up (permanent error or too many tries).",
               [this] { return static_cast<double>(outbox_->stats().failed); });
  realtime_->registerMetrics(m);
  registerOperationsMetrics(m, *db_, [this] { return callFigures(); });
  m.addGauge("callpy_uptime_seconds", "Seconds since the daemon started.",
             [this] { return static_cast<double>(nowSeconds() - startedAt_); });
}

Poco::JSON::Object::Ptr Daemon::status() {
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
  o->set("version", std::string(kVersion));
  o->set("started_at", startedAt_);
  o->set("uptime_s", nowSeconds() - startedAt_);
  Poco::JSON::Array::Ptr ls = new Poco::JSON::Array;
  for (auto& l : listeners_) ls->add(l->describe());
  o->set("listeners", ls);
  o->set("schema_version", db_->schemaVersion());
  o->set("db_size_bytes", fileSize(db_->path()) + fileSize(db_->path() + "-wal"));
  auto [backlog, counts] = db_->read([](storage::Connection& c) {
    return std::make_pair(storage::outboxBacklog(c), storage::countObjects(c));
  });
  o->set("outbox_backlog", backlog);
  o->set("sites", counts.sites);
  o->set("users", counts.users);
  o->set("sessions", counts.sessions);
  o->set("config", configPath_);
  addOperationsStatus(*o, *db_, realtime_->stats().openConnections, callFigures());
  return o;
}

std::vector<std::string> Daemon::reload() {
  std::lock_guard lock(reloadMutex_);
  notifyReloading(false);
  auto result = config::loadConfigFile(configPath_);
  std::vector<std::string> errors;
  for (const auto& e : result.errors) errors.push_back(e.format());
  if (errors.empty()) {
    if (result.config->listenHttp != config_.listenHttp || result.config->dataDir != config_.dataDir ||
        result.config->listenHttps != config_.listenHttps || result.config->tls.has_value() != config_.tls.has_value()) {
      obs::logNotice("config.restart_needed", {{"reason", "listen, tls on/off or data_dir changed"}});
    }
    // New HTTPS connections take the (possibly renewed) certificate; open ones keep theirs. A
    // file that changed for the worse since the loader read it leaves the old one in place.
    if (tls_ && result.config->tls) {
      if (auto problem = tls_->reload(result.config->tls->certificate, result.config->tls->key)) {
        errors.push_back("tls: " + problem->message + " (the previous certificate stays in use)");
        obs::logError("tls.reload_failed", {{"error", problem->message}});
      } else {
        logTlsIdentity(tls_->identity());
      }
    }
    config_.sites = result.config->sites;
    config_.logLevel = result.config->logLevel;
    applyLogLevel(config_);
    config::reconcileSites(*db_, config_, nowSeconds());
    obs::logInfo("config.reloaded", {{"sites", std::to_string(config_.sites.size())}});
  } else {
    for (const auto& e : errors) obs::logError("config.reload_rejected", {{"problem", e}});
  }
  notifyReloading(true);
  return errors;
}

void Daemon::waitForSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  for (;;) {
    int sig = 0;
    if (sigwait(&set, &sig) != 0) continue;
    if (sig == SIGHUP) {
      obs::logInfo("signal.reload");
      reload();
      continue;
    }
    obs::logInfo("signal.stop", {{"signal", sig == SIGTERM ? "TERM" : "INT"}});
    return;
  }
}

int Daemon::run() {
  applyLogLevel(config_);
  if (int rc = open(); rc != kExitOk) return rc;

  outbox::OutboxWorkerOptions outboxOptions;
  outboxOptions.smtp = smtpSettings(config_.smtp);
  outboxOptions.clock = nowSeconds;
  outbox_ = std::make_unique<outbox::OutboxWorker>(*db_, outboxOptions);

  accountRepo_ = std::make_unique<storage::AccountRepository>(*db_, [this] { outbox_->notify(); });
  siteRepo_ = std::make_unique<storage::SiteRepository>(*db_);
  firstResponseRepo_ = std::make_unique<storage::FirstResponseRepository>(*db_);
  core::accounts::AccountSettings accountSettings;
  accountSettings.publicUrl = config_.publicUrl;
  accountSettings.sessionTtlSeconds = config_.limits.sessionTtlSeconds;
  accountSettings.rateLimit = {config_.limits.loginAttemptsPerAccount,
                               config_.limits.loginAttemptsPerIp,
                               config_.limits.loginWindowSeconds};
  accounts_ = std::make_unique<core::accounts::AccountService>(*accountRepo_, crypto_,
                                                               accountSettings, nowSeconds);
  sites_ = std::make_unique<core::sites::SiteService>(*siteRepo_, crypto_, zones_,
                                                      config_.publicUrl, nowSeconds);
  dialogRepo_ = std::make_unique<storage::DialogRepository>(*db_, [this] { outbox_->notify(); });
  dialogs_ = std::make_unique<core::dialogs::DialogService>(*dialogRepo_, crypto_, nowSeconds);
  realtime::RealtimeOptions rtOptions;
  rtOptions.maxConnectionsPerAddress = config_.limits.maxConnectionsPerIp;
  realtime_ = std::make_unique<realtime::RealtimeServer>(rtOptions);
  realtime_->start(std::max(1u, std::min(2u, std::thread::hardware_concurrency())));
  realtime::ChatGatewayOptions chatOptions;
  chatOptions.publicOrigin = core::sites::originOf(config_.publicUrl).value_or(config_.publicUrl);
  chatOptions.panelUrl = config_.publicUrl + "/app";
  chatOptions.firstResponses = firstResponseRepo_.get();
  chatOptions.clock = nowSeconds;
  chat_ = std::make_unique<realtime::ChatGateway>(*realtime_, *dialogs_, *sites_, *accounts_,
                                                   chatOptions);
  if (!config_.geoipDatabase.empty()) {
    // Validated by the config loader; a file replaced since then still fails loudly here.
    try {
      geo_ = std::make_unique<geoip::MaxMindLocator>(config_.geoipDatabase);
    } catch (const geoip::GeoDatabaseError& e) {
      obs::logError("startup.geoip_failed", {{"error", e.what()}});
      std::cerr << "callpyd: " << e.what() << "\n";
      return kExitConfig;
    }
  }
  visitorPageRepo_ = std::make_unique<storage::VisitorPageRepository>(*db_);
  visitorInfo_ = std::make_unique<core::visitors::VisitorInfoService>(*dialogs_, *visitorPageRepo_,
                                                                      geo_.get(), nowSeconds);
  chat_->setVisitorInfo(visitorInfo_.get());
  api_ = std::make_unique<http::ApiContext>(
      http::ApiContext{*accounts_, *sites_, false, {}, {}, chat_.get(), dialogs_.get()});
  quickReplyRepo_ = std::make_unique<storage::QuickReplyRepository>(*db_);
  quickReplies_ =
      std::make_unique<core::quick_replies::QuickReplyService>(*quickReplyRepo_, nowSeconds);
  api_->quickReplies = quickReplies_.get();
  preferenceRepo_ = std::make_unique<storage::PreferenceRepository>(*db_);
  preferences_ = std::make_unique<core::accounts::PreferencesService>(*preferenceRepo_);
  api_->preferences = preferences_.get();
  api_->visitorInfo = visitorInfo_.get();
  // F16/F6: uploads under <data_dir>/files, metadata in `files`.
  try {
    fileStore_ = std::make_unique<storage::FileStore>(config_.dataDir);
  } catch (const storage::StorageError& e) {
    obs::logError("startup.files_failed", {{"error", e.what()}});
    std::cerr << "callpyd: " << e.what() << "\n";
    return kExitIoError;
  }
  fileRepo_ = std::make_unique<storage::FileRepository>(*db_);
  files_ = std::make_unique<core::files::FileService>(*fileStore_, *fileRepo_, nowSeconds,
                                                      config_.limits.maxUploadBytes);
  chat_->setFiles(files_.get());
  api_->files = files_.get();
  if (int rc = startCalls(); rc != kExitOk) return rc;
  api_->secureCookies = config_.publicUrl.rfind("https://", 0) == 0;
  api_->status = [this] { return status(); };
  api_->reload = [this] { return reload(); };
  api_->backupSnapshot = [this] {
    return storage::BackupSnapshot::take(*db_, config_.dataDir, std::string("callpyd ") + kVersion);
  };

  if (int rc = loadTls(); rc != kExitOk) return rc;
  try {
    startListeners();
  } catch (const Poco::Exception& e) {
    obs::logError("startup.listen_failed", {{"error", e.displayText()}});
    // A port below 1024 without CAP_NET_BIND_SERVICE: name the drop-in, exit 78 (no restart loop).
    const auto failure = describeListenFailure(
        e.code(), e.displayText(),
        {config_.listenHttp.port, config_.listenHttps ? config_.listenHttps->port : 0});
    std::cerr << failure.message << "\n";
    return failure.exitCode;
  }
  outbox_->start();
  registerGauges();

  std::string summary = "Serving on " + listeners_.front()->describe();
  obs::logNotice("daemon.ready", {{"version", kVersion}, {"http", listeners_.front()->describe()},
                                  {"admin_socket", config_.adminSocket}});
  notifyReady(summary);
  {
    Watchdog watchdog([this] {
      // Healthy when the writer still commits: a trivial read through the pool and no runaway queue.
      return db_->pendingWrites() < 100000;
    });
    waitForSignals();
    notifyStopping();
  }
  // Drain: stop accepting and finish requests in progress, then the outbox, then the writer.
  // Recordings ended by the shutdown keep their raw files for the next start (not converted now).
  if (recorder_) recorder_->beginShutdown();
  for (auto it = listeners_.rbegin(); it != listeners_.rend(); ++it) (*it)->stop();
  realtime_->stop();     // closes every WebSocket with 1001
  chat_->shutdown();     // finishes the frames already taken
  calls_->stop();
  media_.reset();        // closes every call's ports and joins the media threads
  recorder_.reset();     // finishes recordings still open to their raw files (needs calls_)
  calls_.reset();
  dialogRepo_.reset();   // waits for acknowledgements still on their way to disk
  outbox_->stop();
  db_.reset();
  obs::logNotice("daemon.stopped");
  return kExitOk;
}

}  // namespace

int serve(const config::Config& config, const std::string& configPath) {
  // Block the signals we wait for before any thread starts, so every thread inherits the mask
  // and only sigwait() sees them.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);
  Daemon daemon(config, configPath);
  return daemon.run();
}

}  // namespace callpy::app
