// The commands against a fake admin socket: what they send and how they render the answer.
#include <Poco/JSON/Parser.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "fake_admin_server.h"
#include "run.h"

namespace callpy::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

Poco::JSON::Object::Ptr parse(const std::string& text) {
  Poco::JSON::Parser parser;
  return parser.parse(text).extract<Poco::JSON::Object::Ptr>();
}

class CommandsTest : public ::testing::Test {
 protected:
  int run(std::vector<std::string> args) {
    args.insert(args.begin(), {"--socket", server_->socketPath()});
    std::ostringstream out, err;
    int code = runCli(args, out, err);
    out_ = out.str();
    err_ = err.str();
    return code;
  }

  // One server for the suite: stopping a POCO HTTPServer takes a poll interval (250 ms).
  static void SetUpTestSuite() {
    dir_ = new test::TempDir;
    server_ = new test::FakeAdminServer(dir_->path());
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
  }
  void SetUp() override { server_->reset(); }

  test::RecordedRequest onlyRequest() {
    auto requests = server_->requests();
    EXPECT_EQ(requests.size(), 1u);
    return requests.empty() ? test::RecordedRequest{} : requests.back();
  }

  static inline test::TempDir* dir_ = nullptr;
  static inline test::FakeAdminServer* server_ = nullptr;
  std::string out_, err_;
};

const char* kSites = R"({"sites": [
  {"id": "shop", "name": "Магазин", "language": "ru", "timezone": "Europe/Moscow",
   "origins": ["https://shop.example"], "widget_key": "wk1", "role": "owner", "managed_by_config": true},
  {"id": "blog", "name": "Blog", "language": "en", "timezone": "UTC",
   "origins": [], "widget_key": "wk2", "role": "owner", "managed_by_config": false}]})";

TEST_F(CommandsTest, SiteListRendersATable) {
  server_->route("GET", "/api/admin/v1/sites", 200, kSites);
  ASSERT_EQ(run({"site", "list"}), 0) << err_;
  auto request = onlyRequest();
  EXPECT_EQ(request.method, "GET");
  EXPECT_EQ(request.body, "");
  EXPECT_EQ(out_,
            "ID    NAME     LANGUAGE  TIMEZONE       ORIGINS               CONFIG\n"
            "shop  Магазин  ru        Europe/Moscow  https://shop.example  yes\n"
            "blog  Blog     en        UTC            -                     no\n");
}

TEST_F(CommandsTest, SiteListAsJsonIsTheAnswerWithAFormatVersion) {
  server_->route("GET", "/api/admin/v1/sites", 200, kSites);
  ASSERT_EQ(run({"site", "list", "--format", "json"}), 0) << err_;
  auto printed = parse(out_);
  EXPECT_EQ(printed->getValue<int>("format_version"), 1);
  ASSERT_EQ(printed->getArray("sites")->size(), 2u);
  EXPECT_EQ(printed->getArray("sites")->getObject(0)->getValue<std::string>("name"), "Магазин");
}

TEST_F(CommandsTest, SiteAddSendsTheBody) {
  server_->route(
      "POST", "/api/admin/v1/sites", 201,
      R"({"site": {"id": "shop", "name": "Shop", "language": "en", "origins": ["https://shop.example"]}})");
  ASSERT_EQ(run({"site", "add", "--name", "Shop", "--url", "https://shop.example", "--id", "shop",
                 "--language", "en"}),
            0)
      << err_;
  auto request = onlyRequest();
  EXPECT_EQ(request.contentType, "application/json");
  auto body = parse(request.body);
  EXPECT_EQ(body->getValue<std::string>("name"), "Shop");
  EXPECT_EQ(body->getValue<std::string>("url"), "https://shop.example");
  EXPECT_EQ(body->getValue<std::string>("id"), "shop");
  EXPECT_EQ(body->getValue<std::string>("language"), "en");
  EXPECT_THAT(out_, HasSubstr("Site shop added."));
}

TEST_F(CommandsTest, OperatorInvitePrintLink) {
  server_->route("POST", "/api/admin/v1/sites/shop/operators", 201,
                 R"({"operator": {"user_id": 7, "email": "boss@shop.example", "name": "",
                    "role": "owner", "disabled": false, "pending": true},
                    "invite_link": "http://127.0.0.1:8080/app/invite/abc123"})");
  ASSERT_EQ(run({"operator", "invite", "--site", "shop", "--email", "boss@shop.example", "--role",
                 "owner", "--print-link"}),
            0)
      << err_;
  auto request = onlyRequest();
  EXPECT_EQ(request.method, "POST");
  auto body = parse(request.body);
  EXPECT_EQ(body->getValue<std::string>("email"), "boss@shop.example");
  EXPECT_EQ(body->getValue<std::string>("role"), "owner");
  EXPECT_TRUE(body->getValue<bool>("print_link"));
  EXPECT_THAT(out_, HasSubstr("Invited boss@shop.example as owner of site shop."));
  EXPECT_THAT(out_, HasSubstr("http://127.0.0.1:8080/app/invite/abc123\n"));
}

TEST_F(CommandsTest, OperatorInviteDefaultsToOperatorWithoutLink) {
  server_->route("POST", "/api/admin/v1/sites/shop/operators", 201,
                 R"({"operator": {"user_id": 8, "email": "op@shop.example", "role": "operator"}})");
  ASSERT_EQ(run({"operator", "invite", "--site", "shop", "--email", "op@shop.example"}), 0) << err_;
  auto body = parse(onlyRequest().body);
  EXPECT_EQ(body->getValue<std::string>("role"), "operator");
  EXPECT_FALSE(body->has("print_link"));
  EXPECT_THAT(out_, Not(HasSubstr("link")));
}

TEST_F(CommandsTest, ServerErrorMapsToExitOne) {
  server_->route("POST", "/api/admin/v1/sites/shop/operators", 409,
                 R"({"error": {"code": "conflict", "message": "already a member of this site"}})");
  EXPECT_EQ(run({"operator", "invite", "--site", "shop", "--email", "a@b.c"}), 1);
  EXPECT_EQ(err_, "callpyctl: already a member of this site\n");
  EXPECT_EQ(out_, "");
}

TEST_F(CommandsTest, InvalidFieldIsNamed) {
  server_->route("POST", "/api/admin/v1/sites", 400,
                 R"({"error": {"code": "invalid", "message": "not a URL", "field": "url"}})");
  EXPECT_EQ(run({"site", "add", "--name", "X", "--url", "nope"}), 1);
  EXPECT_EQ(err_, "callpyctl: not a URL (field: url)\n");
}

TEST_F(CommandsTest, NonJsonErrorStillExitsOne) {
  EXPECT_EQ(run({"site", "show", "ghost"}), 1);  // fake answers 404 with an error body
  EXPECT_THAT(err_, HasSubstr("callpyctl: "));
  server_->route("GET", "/api/admin/v1/sites/ghost", 500, "oops");
  EXPECT_EQ(run({"site", "show", "ghost"}), 1);
  EXPECT_EQ(err_, "callpyctl: callpyd answered HTTP 500\n");
}

TEST_F(CommandsTest, UsersAndIdsAreEncodedInPaths) {
  server_->route("POST", "/api/admin/v1/sites/my%20site/operators/a%2Bb%40shop.example/disable",
                 200,
                 R"({"operator": {"user_id": 3, "email": "a+b@shop.example", "disabled": true}})");
  ASSERT_EQ(run({"operator", "disable", "--site", "my site", "a+b@shop.example"}), 0) << err_;
  // No body, but a length: without one a POCO server would wait for the body until timeout.
  EXPECT_EQ(onlyRequest().contentLength, 0);
  EXPECT_THAT(out_, HasSubstr("disabled"));
}

TEST_F(CommandsTest, OperatorRoleIsAPut) {
  server_->route("PUT", "/api/admin/v1/sites/shop/operators/7/role", 200,
                 R"({"operator": {"user_id": 7, "role": "admin"}})");
  ASSERT_EQ(run({"operator", "role", "--site", "shop", "7", "admin"}), 0) << err_;
  EXPECT_EQ(parse(onlyRequest().body)->getValue<std::string>("role"), "admin");
}

TEST_F(CommandsTest, DepartmentAssignAndRemove) {
  server_->route(
      "POST", "/api/admin/v1/sites/shop/departments/sales/operators", 200,
      R"({"department": {"id": 1, "slug": "sales", "name": "Sales", "operators": [7]}})");
  server_->route("DELETE", "/api/admin/v1/sites/shop/departments/sales/operators/7", 200,
                 R"({"department": {"id": 1, "slug": "sales", "name": "Sales", "operators": []}})");
  ASSERT_EQ(run({"department", "assign", "--site", "shop", "sales", "7"}), 0) << err_;
  auto body = parse(server_->requests().back().body);
  EXPECT_EQ(body->getValue<int>("user"), 7);
  ASSERT_EQ(run({"department", "assign", "--site", "shop", "sales", "7", "--remove"}), 0) << err_;
  EXPECT_EQ(server_->requests().back().method, "DELETE");
  ASSERT_EQ(run({"department", "assign", "--site", "shop", "sales", "x@shop.example"}), 0);
  EXPECT_EQ(parse(server_->requests().back().body)->getValue<std::string>("user"),
            "x@shop.example");
}

TEST_F(CommandsTest, SnippetPrintsTheChosenVariant) {
  server_->route(
      "GET", "/api/admin/v1/sites/shop/snippet", 200,
      R"({"body_start": "<script src=\"/widget/loader.js\"></script>", "anywhere": "<script>x()</script>\n"})");
  ASSERT_EQ(run({"site", "snippet", "shop"}), 0) << err_;
  EXPECT_EQ(out_, "<script src=\"/widget/loader.js\"></script>\n");
  ASSERT_EQ(run({"site", "snippet", "shop", "--variant", "anywhere"}), 0) << err_;
  EXPECT_EQ(out_, "<script>x()</script>\n");
}

TEST_F(CommandsTest, HoursSetReadsAppliesAndPuts) {
  server_->route("GET", "/api/admin/v1/sites/shop/hours", 200,
                 R"({"hours": {"timezone": "Europe/Moscow", "open_now": false,
                    "weekly": {"mon": ["09:00-18:00"], "tue": [], "wed": [], "thu": [], "fri": [], "sat": [], "sun": []},
                    "exceptions": []}})");
  server_->route("PUT", "/api/admin/v1/sites/shop/hours", 200,
                 R"({"hours": {"timezone": "Europe/Moscow", "open_now": true,
                    "weekly": {"mon": ["09:00-18:00"], "tue": ["10:00-12:00", "13:00-17:00"], "wed": [], "thu": [], "fri": [], "sat": [], "sun": []},
                    "exceptions": [{"date": "2026-12-31", "intervals": []}]}})");
  ASSERT_EQ(run({"hours", "set", "--site", "shop", "--weekly", "tue=10:00-12:00,13:00-17:00",
                 "--closed-on", "2026-12-31"}),
            0)
      << err_;
  auto requests = server_->requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[1].method, "PUT");
  auto hours = parse(requests[1].body)->getObject("hours");
  ASSERT_TRUE(hours);
  EXPECT_EQ(hours->getValue<std::string>("timezone"), "Europe/Moscow");
  EXPECT_FALSE(hours->has("open_now"));
  EXPECT_EQ(hours->getObject("weekly")->getArray("mon")->size(), 1u);
  EXPECT_EQ(hours->getObject("weekly")->getArray("tue")->size(), 2u);
  EXPECT_EQ(hours->getArray("exceptions")->getObject(0)->getValue<std::string>("date"),
            "2026-12-31");
  EXPECT_THAT(out_, HasSubstr("tue  10:00-12:00, 13:00-17:00\n"));
  EXPECT_THAT(out_, HasSubstr("2026-12-31  closed\n"));
}

TEST_F(CommandsTest, HoursSetRejectsBadFlagsBeforeWriting) {
  server_->route("GET", "/api/admin/v1/sites/shop/hours", 200,
                 R"({"hours": {"timezone": "UTC", "weekly": null, "exceptions": []}})");
  EXPECT_EQ(run({"hours", "set", "--site", "shop", "--weekly", "mon=9-5"}), 2);
  EXPECT_THAT(err_, HasSubstr("9-5"));
  for (const auto& request : server_->requests()) EXPECT_NE(request.method, "PUT");
}

TEST_F(CommandsTest, HoursShowWithoutWeeklyIsAlwaysOpen) {
  server_->route(
      "GET", "/api/admin/v1/sites/shop/hours", 200,
      R"({"hours": {"timezone": "UTC", "weekly": null, "exceptions": [], "open_now": true}})");
  ASSERT_EQ(run({"hours", "show", "--site", "shop"}), 0) << err_;
  EXPECT_THAT(out_, HasSubstr("always open"));
  EXPECT_THAT(out_, HasSubstr("open now:  yes"));
}

TEST_F(CommandsTest, StatusRendersKeyValues) {
  server_->route(
      "GET", "/api/admin/v1/status", 200,
      R"({"version": "0.1.0", "started_at": 0, "uptime_s": 90061, "listeners": ["http 127.0.0.1:8080"],
                    "schema_version": 1, "db_size_bytes": 1536, "outbox_backlog": 0, "sites": 2, "users": 3})");
  ASSERT_EQ(run({"status"}), 0) << err_;
  EXPECT_THAT(out_, HasSubstr("version:         0.1.0\n"));
  EXPECT_THAT(out_, HasSubstr("started:         1970-01-01 00:00:00 UTC\n"));
  EXPECT_THAT(out_, HasSubstr("uptime:          1d 1h 1m 1s\n"));
  EXPECT_THAT(out_, HasSubstr("database size:   1.5 KiB\n"));
}

TEST_F(CommandsTest, StatusShowsOperationsFiguresAndLastErrors) {
  server_->route(
      "GET", "/api/admin/v1/status", 200,
      R"({"version": "0.1.0", "uptime_s": 5, "websocket_connections": 7, "active_dialogs": 3,
          "messages_stored": 120, "calls_active": 2, "call_legs": 4, "rtp_packets_relayed": 9000,
          "rtp_packets_dropped": 12, "rtp_send_failures": 5,
          "errors_total": 2, "last_errors": [{"at": 86400, "line": "backup.failed error=x"}]})");
  ASSERT_EQ(run({"status"}), 0) << err_;
  EXPECT_THAT(out_, HasSubstr("connections:     7 WebSocket\n"));
  EXPECT_THAT(out_, HasSubstr("active dialogs:  3\n"));
  EXPECT_THAT(out_, HasSubstr("messages:        120\n"));
  EXPECT_THAT(out_, HasSubstr("calls:           2 (4 media legs, 9000 packets relayed)\n"));
  // Input drops and refused sends apart, each from its own field.
  EXPECT_THAT(out_, HasSubstr("packets lost:    12 dropped on input, 5 failed to send\n"));
  EXPECT_THAT(out_, HasSubstr("last errors:\n  1970-01-02 00:00:00 UTC  backup.failed error=x\n"));
}

TEST_F(CommandsTest, BackupRefusesToOverwriteAndRestoreNeedsADataDir) {
  test::TempDir dir;
  std::string existing = dir.write("old.tar", "x");
  EXPECT_EQ(run({"backup", existing}), 1);
  EXPECT_THAT(err_, HasSubstr("exists; refusing to overwrite it"));
  EXPECT_EQ(run({"restore", existing}), 2);
  std::string junk = dir.write("junk.tar", std::string(1024, 'j'));
  EXPECT_EQ(run({"restore", junk, "--data-dir", dir.path() + "/data"}), 1);
  EXPECT_THAT(err_, HasSubstr("not a tar archive"));
}

TEST_F(CommandsTest, ReloadPrintsConfigErrors) {
  server_->route("POST", "/api/admin/v1/reload", 400,
                 R"({"error": {"code": "invalid", "message": "configuration has 1 error",
                    "errors": ["/etc/callpyd/callpyd.yaml:3:1: bogus: unknown key"]}})");
  EXPECT_EQ(run({"reload"}), 1);
  EXPECT_EQ(err_,
            "/etc/callpyd/callpyd.yaml:3:1: bogus: unknown key\n"
            "callpyctl: configuration has 1 error\n");
  server_->route("POST", "/api/admin/v1/reload", 200, "{}");
  EXPECT_EQ(run({"reload"}), 0);
  EXPECT_EQ(out_, "Configuration reloaded.\n");
}

TEST_F(CommandsTest, GlobalFlagsMayFollowTheCommand) {
  server_->route("GET", "/api/admin/v1/sites/shop", 200, R"({"site": {"id": "shop"}})");
  ASSERT_EQ(run({"site", "show", "shop", "--format", "json"}), 0) << err_;
  EXPECT_EQ(parse(out_)->getObject("site")->getValue<std::string>("id"), "shop");
}

}  // namespace
}  // namespace callpy::cli
