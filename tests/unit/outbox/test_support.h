#pragma once
// Helpers for the outbox tests: temp dirs, free ports, waiting with a deadline, and SmtpSink — a
// real SMTP server (aiosmtpd, tests/fixtures/smtp_sink.py) that stores what it receives.
#include <Poco/JSON/Object.h>
#include <Poco/Process.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "outbox/smtp_settings.h"

namespace callpy::outbox::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// A TCP port on 127.0.0.1 that was free a moment ago.
std::uint16_t freePort();

// Settings for a server on 127.0.0.1:`port` (a sink, or nobody), HELO callpy.test, 5 s timeout.
SmtpSettings localSmtp(std::uint16_t port, const std::string& from);

// `text` without trailing line breaks: a single-part body arrives with the final CRLF the MIME
// writer adds, a multipart one without it; neither is part of what we sent.
std::string trimTrailingNewlines(std::string text);

// Polls `done` until it returns true or `timeout` passes; returns its last answer. The deadline
// is generous because CI runs these under ASan on two loaded cores; passing tests never wait it.
bool waitUntil(const std::function<bool()>& done,
               std::chrono::milliseconds timeout = std::chrono::seconds(30));

struct SinkOptions {
  std::optional<std::string> auth;  // "user:password"
  std::optional<std::filesystem::path> tlsCert;
  std::optional<std::filesystem::path> tlsKey;

  static SinkOptions withAuth(std::string userColonPassword) {
    SinkOptions o;
    o.auth = std::move(userColonPassword);
    return o;
  }
};

// One received message, as Python's email parser decoded it (see smtp_sink.py).
struct ReceivedMail {
  std::string mailFrom;
  std::vector<std::string> rcptTos;
  std::string from;
  std::string to;
  std::string subject;
  std::string rawSubject;
  std::string messageId;
  std::string contentType;
  std::optional<std::string> text;
  std::optional<std::string> html;
  std::optional<std::string> authLogin;
  bool tls = false;
  std::string raw;  // the .eml bytes
};

class SmtpSink {
 public:
  explicit SmtpSink(std::uint16_t port, SinkOptions options = {});
  ~SmtpSink();  // stop()

  void start();  // returns once the server listens (throws after 10 s)
  void stop();
  std::uint16_t port() const { return port_; }
  std::vector<ReceivedMail> received() const;
  // Waits until at least `count` messages arrived; returns them.
  std::vector<ReceivedMail> waitForMessages(
      std::size_t count, std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;

 private:
  std::uint16_t port_;
  SinkOptions options_;
  TempDir dir_;
  std::unique_ptr<Poco::ProcessHandle> process_;
};

// A self-signed certificate for 127.0.0.1/localhost: {cert.pem, key.pem} in `dir`.
void makeSelfSignedCertificate(const std::filesystem::path& dir);

}  // namespace callpy::outbox::testing
