#include "test_support.h"

#include <Poco/JSON/Parser.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>

#include <stdlib.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace callpy::outbox::testing {
namespace fs = std::filesystem;

TempDir::TempDir() {
  std::string pattern = (fs::temp_directory_path() / "callpy-outbox-XXXXXX").string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

std::uint16_t freePort() {
  Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
  const auto port = socket.address().port();
  socket.close();
  return port;
}

SmtpSettings localSmtp(std::uint16_t port, const std::string& from) {
  SmtpSettings s;
  s.host = "127.0.0.1";
  s.port = port;
  s.from = from;
  s.heloName = "callpy.test";
  s.timeoutSeconds = 5;
  return s;
}

std::string trimTrailingNewlines(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

bool waitUntil(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (done()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return done();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

namespace {

std::string readFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::optional<std::string> optionalString(const Poco::JSON::Object::Ptr& obj, const char* key) {
  if (!obj->has(key) || obj->isNull(key)) return std::nullopt;
  return obj->getValue<std::string>(key);
}

}  // namespace

SmtpSink::SmtpSink(std::uint16_t port, SinkOptions options)
    : port_(port), options_(std::move(options)) {}

SmtpSink::~SmtpSink() { stop(); }

void SmtpSink::start() {
  if (process_) return;
  fs::remove(dir_.path() / "ready");
  std::vector<std::string> args = {
      std::string(CALLPY_SOURCE_DIR) + "/tests/fixtures/smtp_sink.py", "--port",
      std::to_string(port_), "--dir", dir_.path().string()};
  if (options_.auth) args.insert(args.end(), {"--auth", *options_.auth});
  if (options_.tlsCert) {
    args.insert(args.end(),
                {"--tls-cert", options_.tlsCert->string(), "--tls-key", options_.tlsKey->string()});
  }
  process_ = std::make_unique<Poco::ProcessHandle>(Poco::Process::launch("/usr/bin/python3", args));
  if (!waitUntil([&] { return fs::exists(dir_.path() / "ready"); })) {
    stop();
    throw std::runtime_error("smtp_sink.py did not start listening");
  }
}

void SmtpSink::stop() {
  if (!process_) return;
  Poco::Process::kill(*process_);
  process_->wait();
  process_.reset();
}

std::vector<ReceivedMail> SmtpSink::received() const {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir_.path())) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<ReceivedMail> mails;
  for (const auto& file : files) {
    Poco::JSON::Parser parser;
    auto obj = parser.parse(readFile(file)).extract<Poco::JSON::Object::Ptr>();
    ReceivedMail m;
    m.mailFrom = obj->getValue<std::string>("mail_from");
    auto rcpts = obj->getArray("rcpt_tos");
    for (std::size_t i = 0; i < rcpts->size(); ++i) m.rcptTos.push_back(rcpts->getElement<std::string>(i));
    m.from = obj->getValue<std::string>("from");
    m.to = obj->getValue<std::string>("to");
    m.subject = obj->getValue<std::string>("subject");
    m.rawSubject = obj->getValue<std::string>("raw_subject");
    m.messageId = obj->getValue<std::string>("message_id");
    m.contentType = obj->getValue<std::string>("content_type");
    m.text = optionalString(obj, "text");
    m.html = optionalString(obj, "html");
    m.authLogin = optionalString(obj, "auth_login");
    m.tls = obj->getValue<bool>("tls");
    auto eml = file;
    m.raw = readFile(eml.replace_extension(".eml"));
    mails.push_back(std::move(m));
  }
  return mails;
}

std::vector<ReceivedMail> SmtpSink::waitForMessages(std::size_t count,
                                                    std::chrono::milliseconds timeout) const {
  std::vector<ReceivedMail> mails;
  waitUntil(
      [&] {
        mails = received();
        return mails.size() >= count;
      },
      timeout);
  return mails;
}

void makeSelfSignedCertificate(const fs::path& dir) {
  std::vector<std::string> args = {"req", "-x509", "-newkey", "ec", "-pkeyopt",
                                   "ec_paramgen_curve:prime256v1", "-nodes",
                                   "-keyout", (dir / "key.pem").string(),
                                   "-out", (dir / "cert.pem").string(), "-days", "2",
                                   "-subj", "/CN=localhost",
                                   "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"};
  Poco::Pipe errors;
  auto handle = Poco::Process::launch("/usr/bin/openssl", args, nullptr, nullptr, &errors);
  Poco::PipeInputStream drain(errors);
  std::string ignored((std::istreambuf_iterator<char>(drain)), std::istreambuf_iterator<char>());
  if (handle.wait() != 0) throw std::runtime_error("openssl req failed: " + ignored);
}

}  // namespace callpy::outbox::testing
