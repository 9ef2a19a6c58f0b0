#include "config/loader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>

namespace callpy::config {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

const std::string kBase = "listen:\n  http: 127.0.0.1:8080\ndata_dir: /var/lib/callpyd\n";

class TempDir {
 public:
  TempDir() {
    path_ = fs::temp_directory_path() /
            ("callpy-config-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }
  fs::path write(const std::string& name, const std::string& text) const {
    fs::path p = path_ / name;
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }

 private:
  static inline int counter_ = 0;
  fs::path path_;
};

std::string readFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::vector<std::string> errorsOf(const std::string& text) {
  ConfigResult r = loadConfigString(text, "t.yaml", LoadOptions{"/etc/callpyd"});
  std::vector<std::string> out;
  for (const auto& e : r.errors) out.push_back(e.format());
  EXPECT_EQ(r.ok(), out.empty());
  return out;
}

Config loadOk(const std::string& text, const std::string& baseDir = "/etc/callpyd") {
  ConfigResult r = loadConfigString(text, "t.yaml", LoadOptions{baseDir});
  EXPECT_TRUE(r.ok()) << r.formatErrors();
  return r.config.value_or(Config{});
}

std::string siteWith(const std::string& extra) {
  return kBase + "sites:\n  - id: shop\n    name: Shop\n    origins: [\"https://shop.example\"]\n" +
         extra;
}

// --- the shipped files
// ----------------------------------------------------------------------------

TEST(ShippedConfig, ExampleLoadsBesideItsPasswordFile) {
  fs::path example = fs::path(CALLPY_SOURCE_DIR) / "config" / "callpyd.example.yaml";
  // In the repository the password file it names (next to it) does not exist, and that must be
  // the only complaint.
  ConfigResult inRepo = loadConfigFile(example.string());
  ASSERT_EQ(inRepo.errors.size(), 1u) << inRepo.formatErrors();
  EXPECT_EQ(inRepo.errors[0].keyPath, "smtp.password_file");

  // Installed as it would be in /etc/callpyd, the unmodified file loads.
  TempDir dir;
  fs::path installed = dir.write("callpyd.yaml", readFile(example));
  dir.write("smtp-password", "hunter2\n");
  ConfigResult r = loadConfigFile(installed.string());
  ASSERT_TRUE(r.ok()) << r.formatErrors();
  const Config& c = *r.config;
  EXPECT_EQ(c.listenHttp, (HostPort{"127.0.0.1", 8080}));
  EXPECT_EQ(c.publicUrl, "https://chat.example.com");
  EXPECT_EQ(c.dataDir, "/var/lib/callpyd");
  EXPECT_EQ(c.adminSocket, "/run/callpyd/admin.sock");
  ASSERT_TRUE(c.adminMetrics);
  EXPECT_EQ(c.adminMetrics->port, 9464);
  EXPECT_TRUE(c.smtp.enabled);
  EXPECT_EQ(c.smtp.password, "hunter2");
  EXPECT_EQ(c.smtp.from, "Callpy <callpy@example.com>");
  EXPECT_EQ(c.limits.maxBodyBytes, 65536);
  EXPECT_EQ(c.limits.maxUploadBytes, 25 * 1024 * 1024);
  EXPECT_EQ(c.limits.sessionTtlSeconds, 14 * 86400);
  ASSERT_EQ(c.sites.size(), 1u);
  const SiteDecl& s = c.sites[0];
  EXPECT_EQ(s.id, "shop");
  EXPECT_THAT(s.origins, ElementsAre("https://shop.example.com", "https://www.shop.example.com"));
  ASSERT_EQ(s.departments.size(), 2u);
  EXPECT_THAT(s.departments[0].operators, ElementsAre("anna@example.com", "boris@example.com"));
  ASSERT_TRUE(s.hours);
  EXPECT_EQ(s.hours->timezone, "Europe/Moscow");
  EXPECT_EQ(s.hours->weekly[0].size(), 2u);
  EXPECT_EQ(s.hours->weekly[4], (std::vector<core::sites::Interval>{{540, 1020}}));
  EXPECT_TRUE(s.hours->weekly[5].empty());
  ASSERT_EQ(s.hours->exceptions.size(), 2u);
  EXPECT_TRUE(s.hours->exceptions[0].intervals.empty());
}

TEST(ShippedConfig, DemoLoadsWithPathsRelativeToItsDirectory) {
  fs::path demo = fs::path(CALLPY_SOURCE_DIR) / "config" / "demo.yaml";
  ConfigResult r = loadConfigFile(demo.string());
  ASSERT_TRUE(r.ok()) << r.formatErrors();
  const Config& c = *r.config;
  fs::path root = fs::path(CALLPY_SOURCE_DIR).lexically_normal();
  EXPECT_EQ(c.listenHttp.toString(), "127.0.0.1:8080");
  EXPECT_EQ(c.publicUrl, "http://127.0.0.1:8080");
  EXPECT_EQ(c.dataDir, (root / "demo-data").string());
  EXPECT_EQ(c.adminSocket, (root / "demo-data" / "admin.sock").string());
  EXPECT_EQ(c.webRoot, (root / "build" / "web").string());
  EXPECT_FALSE(c.smtp.enabled);
  EXPECT_EQ(c.logLevel, "info");
  ASSERT_EQ(c.sites.size(), 1u);
  EXPECT_EQ(c.sites[0].id, "demo");
  EXPECT_THAT(c.sites[0].origins, ElementsAre("http://127.0.0.1:8080", "http://localhost:8080"));
  ASSERT_EQ(c.sites[0].departments.size(), 1u);
  EXPECT_EQ(c.sites[0].departments[0].id, "support");
  ASSERT_TRUE(c.sites[0].hours);
  EXPECT_TRUE(c.sites[0].hours->configured);
}

// --- defaults and normalisation
// -------------------------------------------------------------------

TEST(Loader, MinimalFileGetsDefaults) {
  Config c = loadOk(kBase);
  EXPECT_EQ(c.publicUrl, "http://127.0.0.1:8080");
  EXPECT_EQ(c.adminSocket, "/run/callpyd/admin.sock");
  EXPECT_FALSE(c.adminMetrics);
  EXPECT_FALSE(c.smtp.enabled);
  EXPECT_EQ(c.logLevel, "info");
  EXPECT_EQ(c.limits.maxBodyBytes, 65536);
  EXPECT_EQ(c.limits.httpThreads, 16);
  EXPECT_TRUE(c.webRoot.empty());
  EXPECT_TRUE(c.sites.empty());
}

TEST(Loader, RelativePathsFollowTheConfigDirectory) {
  Config c = loadOk(
      "listen: {http: \"[::1]:8080\"}\ndata_dir: ../data\nweb_root: web\n"
      "admin: {socket: run/admin.sock}\n",
      "/srv/callpy/etc");
  EXPECT_EQ(c.dataDir, "/srv/callpy/data");
  EXPECT_EQ(c.webRoot, "/srv/callpy/etc/web");
  EXPECT_EQ(c.adminSocket, "/srv/callpy/etc/run/admin.sock");
  EXPECT_EQ(c.publicUrl, "http://[::1]:8080");
}

TEST(Loader, ReadsThePasswordFileAndNeverKeepsTheNewline) {
  TempDir dir;
  dir.write("secret", "p@ss word\n");
  fs::path cfg = dir.write("callpyd.yaml", kBase +
                                               "smtp:\n  host: mail.example\n  starttls: false\n"
                                               "  username: u\n  password_file: secret\n"
                                               "  from: a@example.com\n");
  ConfigResult r = loadConfigFile(cfg.string());
  ASSERT_TRUE(r.ok()) << r.formatErrors();
  EXPECT_EQ(r.config->smtp.password, "p@ss word");
  EXPECT_EQ(r.config->smtp.passwordFile, (dir.path() / "secret").string());
  EXPECT_EQ(r.config->smtp.port, 25);  // the default without STARTTLS
  EXPECT_FALSE(r.config->smtp.starttls);
  EXPECT_EQ(r.config->file, cfg.string());
}

TEST(Loader, LimitsAcceptSizeSuffixes) {
  Config c = loadOk(kBase +
                    "limits:\n  max_body_bytes: 1MiB\n  max_upload_bytes: 2048\n"
                    "  http_threads: 4\n");
  EXPECT_EQ(c.limits.maxBodyBytes, 1024 * 1024);
  EXPECT_EQ(c.limits.maxUploadBytes, 2048);
  EXPECT_EQ(c.limits.httpThreads, 4);
}

TEST(Loader, NullValuesMeanAbsent) {
  Config c = loadOk(kBase + "smtp:\nsites:\nlog:\n  level:\n");
  EXPECT_FALSE(c.smtp.enabled);
  EXPECT_TRUE(c.sites.empty());
}

// --- errors: exact FILE:LINE:COL: key.path: message
// -----------------------------------------------

TEST(LoaderErrors, UnknownKeyWithSuggestion) {
  EXPECT_THAT(errorsOf(kBase + "smpt:\n  host: x\n"),
              ElementsAre("t.yaml:4:1: smpt: unknown key (did you mean 'smtp'?)"));
  EXPECT_THAT(errorsOf("listen:\n  http: 127.0.0.1:1\n  htp: 127.0.0.1:2\ndata_dir: /d\n"),
              ElementsAre("t.yaml:3:3: listen.htp: unknown key (did you mean 'http'?)"));
}

TEST(LoaderErrors, RequiredKeys) {
  EXPECT_THAT(errorsOf("log:\n  level: info\n"),
              ElementsAre("t.yaml:1:1: listen: is required", "t.yaml:1:1: data_dir: is required"));
  EXPECT_THAT(errorsOf("listen:\n  http:\ndata_dir: /d\n"),
              ElementsAre("t.yaml:2:3: listen.http: needs a value"));
  EXPECT_THAT(errorsOf(""),
              ElementsAre("t.yaml:1:1: (root): the file is empty; at least listen.http and "
                          "data_dir are required"));
}

TEST(LoaderErrors, WrongTypes) {
  EXPECT_THAT(errorsOf("listen: 8080\ndata_dir: [a, b]\n"),
              ElementsAre("t.yaml:1:9: listen: expected a map of keys, got '8080'",
                          "t.yaml:2:11: data_dir: expected a string, got a list"));
  EXPECT_THAT(errorsOf(kBase + "limits:\n  http_threads: many\n  max_body_bytes: {a: 1}\n"),
              ElementsAre("t.yaml:5:17: limits.http_threads: expected a whole number, got 'many'",
                          "t.yaml:6:19: limits.max_body_bytes: expected a size in bytes (e.g. "
                          "65536 or 64KiB), got a map"));
  EXPECT_THAT(errorsOf("- a\n- b\n"),
              ElementsAre("t.yaml:1:1: (root): expected a map of keys, got a list"));
}

TEST(LoaderErrors, BadValues) {
  EXPECT_THAT(errorsOf("listen:\n  http: 127.0.0.1:70000\ndata_dir: /d\nlog: {level: loud}\n"),
              ElementsAre("t.yaml:2:9: listen.http: port must be a number 1-65535",
                          "t.yaml:4:14: log.level: log level must be one of debug, info, notice, "
                          "warning, error"));
  EXPECT_THAT(errorsOf(kBase + "limits:\n  http_threads: 0\n"),
              ElementsAre("t.yaml:5:17: limits.http_threads: must be between 1 and 1024"));
  EXPECT_THAT(errorsOf(kBase + "smtp:\n  host: mail.example\n  starttls: maybe\n"
                               "  from: not-an-address\n"),
              ElementsAre("t.yaml:6:13: smtp.starttls: expected true or false, got 'maybe'",
                          "t.yaml:7:9: smtp.from: expected an address like noreply@example.com or "
                          "\"Callpy <noreply@example.com>\""));
}

TEST(LoaderErrors, DuplicateKeys) {
  EXPECT_THAT(errorsOf(kBase + "data_dir: /other\n"),
              ElementsAre("t.yaml:4:1: data_dir: duplicate key (first at line 3)"));
}

TEST(LoaderErrors, SitesOriginsLanguageAndIds) {
  std::string text = kBase +
                     "sites:\n"
                     "  - id: Shop_1\n"                                                     // 5
                     "    name: Shop\n"                                                     // 6
                     "    origins: [\"https://a.example/path\", \"b.example\"]\n"           // 7
                     "    language: de\n"                                                   // 8
                     "  - id: two\n"                                                        // 9
                     "    name: Two\n"                                                      // 10
                     "    origins: []\n"                                                    // 11
                     "  - id: two\n"                                                        // 12
                     "    origins: [\"https://c.example\", \"https://C.example:443/\"]\n";  // 13
  EXPECT_THAT(
      errorsOf(text),
      ElementsAre(
          "t.yaml:5:9: sites[0].id: site id must be 1-32 characters from a-z, 0-9 and '-'",
          "t.yaml:7:15: sites[0].origins[0]: an origin is scheme://host[:port] with no path, "
          "query or fragment",
          "t.yaml:7:41: sites[0].origins[1]: expected a URL like https://example.com",
          "t.yaml:8:15: sites[0].language: language must be ru or en",
          "t.yaml:11:14: sites[1].origins: needs at least one origin",
          "t.yaml:12:5: sites[2].name: is required",
          "t.yaml:12:9: sites[2].id: duplicate site id 'two' (first at line 9)",
          "t.yaml:13:36: sites[2].origins[1]: origin https://c.example is listed twice"));
}

TEST(LoaderErrors, DepartmentsAndOperators) {
  std::string text = siteWith(
      "    departments:\n"                                                 // 8
      "      - id: sales\n"                                                // 9
      "        name: Sales\n"                                              // 10
      "        operators: [anna@example.com, nobody, ANNA@example.com]\n"  // 11
      "      - id: sales\n"                                                // 12
      "        name: Again\n"                                              // 13
      "        colour: red\n");                                            // 14
  EXPECT_THAT(
      errorsOf(text),
      ElementsAre(
          "t.yaml:11:39: sites[0].departments[0].operators[1]: 'nobody' is not a valid e-mail "
          "address",
          "t.yaml:11:47: sites[0].departments[0].operators[2]: operator 'ANNA@example.com' is "
          "listed twice",
          "t.yaml:12:13: sites[0].departments[1].id: duplicate department id 'sales' (first at "
          "line 9)",
          "t.yaml:14:9: sites[0].departments[1].colour: unknown key"));
}

TEST(LoaderErrors, HoursIntervalsZoneAndExceptions) {
  std::string text = siteWith(
      "    hours:\n"                                                                  // 8
      "      timezone: Europe/Atlantis\n"                                             // 9
      "      weekly:\n"                                                               // 10
      "        mon: [\"09:00-13:00\", \"12:00-18:00\"]\n"                             // 11
      "        tue: \"9-5\"\n"                                                        // 12
      "        funday: []\n"                                                          // 13
      "      exceptions:\n"                                                           // 14
      "        - date: 2026-01-01\n"                                                  // 15
      "          closed: true\n"                                                      // 16
      "        - date: 2026-01-01\n"                                                  // 17
      "          intervals: [\"10:00-09:00\"]\n"                                      // 18
      "        - date: 2026-02-30\n"                                                  // 19
      "        - {date: 2026-03-01, closed: true, intervals: [\"10:00-12:00\"]}\n");  // 20
  EXPECT_THAT(
      errorsOf(text),
      ElementsAre(
          "t.yaml:9:17: sites[0].hours.timezone: unknown time zone 'Europe/Atlantis' (not found "
          "in /usr/share/zoneinfo)",
          "t.yaml:11:30: sites[0].hours.weekly.mon[1]: interval 12:00-18:00 overlaps 09:00-13:00",
          "t.yaml:12:14: sites[0].hours.weekly.tue: expected an interval like 09:00-18:00 "
          "(HH:MM-HH:MM, 24:00 allowed as the end)",
          "t.yaml:13:9: sites[0].hours.weekly.funday: unknown key",
          "t.yaml:17:17: sites[0].hours.exceptions[1].date: duplicate exception for 2026-01-01",
          "t.yaml:18:23: sites[0].hours.exceptions[1].intervals[0]: interval must start before it "
          "ends",
          "t.yaml:19:17: sites[0].hours.exceptions[2].date: an exception is either 'closed: true' "
          "or has 'intervals'",
          "t.yaml:19:17: sites[0].hours.exceptions[2].date: date must be a calendar date written "
          "YYYY-MM-DD",
          "t.yaml:20:38: sites[0].hours.exceptions[3].closed: closed: true cannot be combined "
          "with intervals"));
}

TEST(LoaderErrors, UnreadablePasswordFileIsReportedAtItsKey) {
  TempDir dir;
  fs::path cfg = dir.write("c.yaml", kBase +
                                         "smtp:\n  host: mail.example\n  username: u\n"
                                         "  password_file: missing-secret\n"
                                         "  from: a@example.com\n");
  ConfigResult r = loadConfigFile(cfg.string());
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].format(),
            cfg.string() + ":7:18: smtp.password_file: cannot read password file " +
                (dir.path() / "missing-secret").string() + ": No such file or directory");
}

TEST(LoaderErrors, SecretsNeedBothHalves) {
  EXPECT_THAT(errorsOf(kBase + "smtp:\n  host: h.example\n  username: u\n  from: a@b.example\n"),
              ElementsAre("t.yaml:6:13: smtp.username: username needs a password_file"));
}

TEST(LoaderErrors, ManyProblemsAreAllReportedInDocumentOrder) {
  std::string text =
      "listen:\n"
      "  http: localhost\n"  // 2: no port
      "data_dir: /d\n"
      "log:\n"
      "  level: chatty\n"  // 5
      "limits:\n"
      "  http_threads: -1\n"  // 7
      "extra: 1\n";           // 8
  auto errors = errorsOf(text);
  ASSERT_EQ(errors.size(), 4u);
  EXPECT_THAT(errors[0], StartsWith("t.yaml:2:9: listen.http: "));
  EXPECT_THAT(errors[1], StartsWith("t.yaml:5:10: log.level: "));
  EXPECT_THAT(errors[2], StartsWith("t.yaml:7:17: limits.http_threads: "));
  EXPECT_THAT(errors[3], StartsWith("t.yaml:8:1: extra: unknown key"));
}

TEST(LoaderErrors, SyntaxErrorHasPosition) {
  EXPECT_THAT(errorsOf("listen:\n  http: [127.0.0.1:8080\ndata_dir: /d\n"),
              ElementsAre(StartsWith("t.yaml:3:")));
  auto errors = errorsOf("listen:\n  http: 127.0.0.1:8080\n   data_dir: /d\n");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_THAT(errors[0], StartsWith("t.yaml:3:"));
  EXPECT_THAT(errors[0], HasSubstr(": (yaml): "));
  EXPECT_THAT(errorsOf(kBase + "---\nother: 1\n"),
              ElementsAre("t.yaml:5:1: (yaml): only one YAML document is allowed in the file"));
}

TEST(LoaderErrors, MissingFile) {
  ConfigResult r = loadConfigFile("/nonexistent/callpyd.yaml");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].format(),
            "/nonexistent/callpyd.yaml:1:1: (file): cannot read: No such file or directory");
}

}  // namespace
}  // namespace callpy::config

namespace callpy::config {
namespace {

TEST(Loader, OfflineEmailsAreValidatedAndLowercased) {
  auto c = loadOk(siteWith("    offline_emails: [Sales@Shop.example, boss@shop.example]\n"));
  ASSERT_EQ(c.sites.size(), 1u);
  EXPECT_EQ(c.sites[0].offlineEmails,
            (std::vector<std::string>{"sales@shop.example", "boss@shop.example"}));
  auto errors = errorsOf(siteWith("    offline_emails: [nope, a@b.example, A@b.example]\n"));
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_NE(errors[0].find("sites[0].offline_emails[0]: 'nope' is not a valid e-mail address"),
            std::string::npos)
      << errors[0];
  EXPECT_NE(errors[1].find("is listed twice"), std::string::npos) << errors[1];
}

}  // namespace
}  // namespace callpy::config

namespace callpy::config {
namespace {

const std::string kDepartments =
    "    departments:\n"                          // 8
    "      - id: sales\n"                         // 9
    "        name: Sales\n"                       // 10
    "        operators: [Anna@example.com]\n";    // 11

TEST(Loader, ChatSettingsDefaultAndDeclared) {
  auto plain = loadOk(siteWith(""));
  EXPECT_TRUE(plain.sites[0].chat.typingPreview);
  EXPECT_EQ(plain.sites[0].chat.firstResponseSeconds, 60);
  EXPECT_EQ(plain.sites[0].chat.dialogLimit, 0);
  auto c = loadOk(siteWith(kDepartments +
                           "    chat:\n"
                           "      typing_preview: false\n"
                           "      first_response_seconds: 0\n"
                           "      dialog_limit: 4\n"
                           "      prechat_departments: false\n"
                           "      default_department: sales\n"
                           "      operator_limits: {anna@example.com: 2}\n"));
  const auto& chat = c.sites[0].chat;
  EXPECT_FALSE(chat.typingPreview);
  EXPECT_EQ(chat.firstResponseSeconds, 0);
  EXPECT_EQ(chat.dialogLimit, 4);
  EXPECT_FALSE(chat.prechatDepartments);
  EXPECT_EQ(chat.defaultDepartment, "sales");
  // Kept with the department's spelling: that is how reconcile created the user.
  EXPECT_EQ(chat.operatorLimits,
            (std::vector<std::pair<std::string, int>>{{"Anna@example.com", 2}}));
}

TEST(Loader, BadChatSettingsPointAtTheValue) {
  auto errors = errorsOf(siteWith(kDepartments +
                                  "    chat:\n"                                       // 12
                                  "      typing_preview: maybe\n"                     // 13
                                  "      first_response_seconds: -5\n"                // 14
                                  "      dialog_limit: 5000\n"                        // 15
                                  "      default_department: support\n"               // 16
                                  "      operator_limits: {boris@example.com: 1}\n"   // 17
                                  "      colour: red\n"));                            // 18
  ASSERT_EQ(errors.size(), 6u) << ::testing::PrintToString(errors);
  auto has = [&](const std::string& needle) {
    return std::any_of(errors.begin(), errors.end(),
                       [&](const std::string& e) { return e.find(needle) != std::string::npos; });
  };
  EXPECT_TRUE(has("t.yaml:13:23: sites[0].chat.typing_preview")) << ::testing::PrintToString(errors);
  EXPECT_TRUE(has("t.yaml:14:31: sites[0].chat.first_response_seconds")) << ::testing::PrintToString(errors);
  EXPECT_TRUE(has("t.yaml:15:21: sites[0].chat.dialog_limit")) << ::testing::PrintToString(errors);
  EXPECT_TRUE(has("t.yaml:16:27: sites[0].chat.default_department: 'support' is not a department of this site"))
      << ::testing::PrintToString(errors);
  EXPECT_TRUE(has("sites[0].chat.operator_limits.boris@example.com: 'boris@example.com' is not an operator"))
      << ::testing::PrintToString(errors);
  EXPECT_TRUE(has("t.yaml:18:7: sites[0].chat.colour")) << ::testing::PrintToString(errors);
}

TEST(Loader, SiteCallSettingsDefaultAndRead) {  // F21
  auto plain = loadOk(siteWith(""));
  EXPECT_EQ(plain.sites[0].calls, core::sites::CallSettings{});
  auto c = loadOk(siteWith("    calls:\n"
                           "      enabled: false\n"
                           "      ring_mode: sequential\n"
                           "      ring_timeout_seconds: 5\n"
                           "      after_hours: callback\n"));
  const auto& calls = c.sites[0].calls;
  EXPECT_FALSE(calls.enabled);
  EXPECT_EQ(calls.ringMode, core::sites::RingMode::Sequential);
  EXPECT_EQ(calls.ringTimeoutSeconds, 5);
  EXPECT_EQ(calls.afterHours, core::sites::AfterHoursCall::Callback);
}

TEST(Loader, BadCallSettingsAreNamed) {
  auto errors = errorsOf(siteWith("    calls:\n"
                                  "      ring_mode: random\n"
                                  "      ring_timeout_seconds: 121\n"
                                  "      after_hours: voicemail\n"
                                  "      volume: 11\n"));
  ASSERT_EQ(errors.size(), 4u) << ::testing::PrintToString(errors);
  auto has = [&](const std::string& needle) {
    return std::any_of(errors.begin(), errors.end(),
                       [&](const std::string& e) { return e.find(needle) != std::string::npos; });
  };
  EXPECT_TRUE(has("sites[0].calls.ring_mode: ring_mode must be all or sequential")) << ::testing::PrintToString(errors);
  EXPECT_TRUE(has("sites[0].calls.ring_timeout_seconds")) << ::testing::PrintToString(errors);
  EXPECT_TRUE(has("sites[0].calls.after_hours: after_hours must be offline_form or callback"))
      << ::testing::PrintToString(errors);
  EXPECT_TRUE(has("sites[0].calls.volume")) << ::testing::PrintToString(errors);
}

}  // namespace
}  // namespace callpy::config
