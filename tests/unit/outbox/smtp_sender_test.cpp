// SmtpSender against a real SMTP server (aiosmtpd via tests/fixtures/smtp_sink.py).
#include "outbox/smtp_sender.h"

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <gtest/gtest.h>

#include <chrono>

#include "test_support.h"

namespace callpy::outbox {
namespace {

using testing::SinkOptions;
using testing::SmtpSink;
using testing::TempDir;

SmtpSettings settingsFor(std::uint16_t port) {
  return testing::localSmtp(port, "Поддержка Ромашки <noreply@romashka.test>");
}

const MailMessage kRussianMail{
    "ivan@example.ru", "Приглашение в команду поддержки «Ромашка» — подтвердите адрес",
    "Здравствуйте, Иван!\n\nПерейдите по ссылке: https://chat.romashka.test/invite?t=abc=\n"
    ".точка в начале строки\nСпасибо.",
    std::nullopt};

TEST(SmtpSender, RussianSubjectAndBodyArriveIntact) {
  SmtpSink sink(testing::freePort());
  sink.start();
  const auto result = SmtpSender(settingsFor(sink.port())).send(kRussianMail);
  ASSERT_TRUE(result.sent()) << result.error;

  const auto mails = sink.waitForMessages(1);
  ASSERT_EQ(mails.size(), 1u);
  const auto& m = mails[0];
  EXPECT_EQ(m.subject, kRussianMail.subject);
  ASSERT_TRUE(m.text.has_value());
  EXPECT_EQ(testing::trimTrailingNewlines(*m.text), kRussianMail.textBody);
  EXPECT_FALSE(m.html.has_value());
  EXPECT_EQ(m.contentType, "text/plain");
  EXPECT_EQ(m.from, "Поддержка Ромашки <noreply@romashka.test>");
  EXPECT_EQ(m.mailFrom, "noreply@romashka.test");
  EXPECT_EQ(m.rcptTos, std::vector<std::string>{"ivan@example.ru"});
  EXPECT_NE(m.messageId.find("@romashka.test>"), std::string::npos) << m.messageId;
  // On the wire the headers are 7-bit (RFC 2047), not raw UTF-8.
  EXPECT_EQ(m.rawSubject.find("Приглашение"), std::string::npos);
  const auto headerEnd = m.raw.find("\r\n\r\n");
  ASSERT_NE(headerEnd, std::string::npos);
  for (std::size_t i = 0; i < headerEnd; ++i) {
    ASSERT_LT(static_cast<unsigned char>(m.raw[i]), 0x80) << "8-bit byte in headers at " << i;
  }
}

TEST(SmtpSender, HtmlMailIsMultipartAlternative) {
  SmtpSink sink(testing::freePort());
  sink.start();
  MailMessage mail = kRussianMail;
  mail.htmlBody = "<p>Здравствуйте, <b>Иван</b>!</p>";
  const auto result = SmtpSender(settingsFor(sink.port())).send(mail);
  ASSERT_TRUE(result.sent()) << result.error;
  const auto mails = sink.waitForMessages(1);
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0].contentType, "multipart/alternative");
  EXPECT_EQ(testing::trimTrailingNewlines(mails[0].text.value_or("")), mail.textBody);
  EXPECT_EQ(testing::trimTrailingNewlines(mails[0].html.value_or("")), *mail.htmlBody);
}

TEST(SmtpSender, AuthenticatesWithUsernameAndPassword) {
  SmtpSink sink(testing::freePort(), SinkOptions::withAuth("callpy:s3cret пароль"));
  sink.start();
  auto settings = settingsFor(sink.port());
  settings.username = "callpy";
  settings.password = "s3cret пароль";
  const auto ok = SmtpSender(settings).send(kRussianMail);
  ASSERT_TRUE(ok.sent()) << ok.error;
  const auto mails = sink.waitForMessages(1);
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0].authLogin.value_or(""), "PLAIN:callpy");

  // Wrong credentials are a settings problem, not the message's: retry later, never drop.
  settings.password = "wrong";
  const auto bad = SmtpSender(settings).send(kRussianMail);
  EXPECT_EQ(bad.status, SendResult::Status::TemporaryFailure);
  EXPECT_NE(bad.error.find("535"), std::string::npos) << bad.error;
  EXPECT_EQ(bad.error.find("wrong"), std::string::npos) << "the password leaked: " << bad.error;

  // No credentials configured: the server answers MAIL FROM with 530, again a settings problem.
  settings.username.clear();
  const auto anonymous = SmtpSender(settings).send(kRussianMail);
  EXPECT_EQ(anonymous.status, SendResult::Status::TemporaryFailure);
  EXPECT_NE(anonymous.error.find("530"), std::string::npos) << anonymous.error;
  EXPECT_EQ(sink.received().size(), 1u);
}

TEST(SmtpSender, RejectedRecipientIsPermanentTempfailIsTemporary) {
  SmtpSink sink(testing::freePort());
  sink.start();
  SmtpSender sender(settingsFor(sink.port()));
  MailMessage mail = kRussianMail;
  mail.to = "reject-me@example.ru";
  const auto rejected = sender.send(mail);
  EXPECT_EQ(rejected.status, SendResult::Status::PermanentFailure);
  EXPECT_NE(rejected.error.find("550"), std::string::npos) << rejected.error;

  mail.to = "tempfail@example.ru";
  const auto later = sender.send(mail);
  EXPECT_EQ(later.status, SendResult::Status::TemporaryFailure);
  EXPECT_NE(later.error.find("451"), std::string::npos) << later.error;
  EXPECT_TRUE(sink.received().empty());
}

TEST(SmtpSender, InvalidRecipientIsPermanentWithoutConnecting) {
  SmtpSender sender(settingsFor(testing::freePort()));
  MailMessage mail = kRussianMail;
  mail.to = "ivan@example.ru\r\nBcc: everyone@example.ru";
  EXPECT_EQ(sender.send(mail).status, SendResult::Status::PermanentFailure);
}

TEST(SmtpSender, ConnectionRefusedIsTemporary) {
  const auto result = SmtpSender(settingsFor(testing::freePort())).send(kRussianMail);
  EXPECT_EQ(result.status, SendResult::Status::TemporaryFailure);
  EXPECT_FALSE(result.error.empty());
}

TEST(SmtpSender, SilentServerTimesOutAsTemporary) {
  // Accepts TCP connections (the kernel completes them from the backlog) but never greets.
  Poco::Net::ServerSocket silent(Poco::Net::SocketAddress("127.0.0.1", 0));
  auto settings = settingsFor(silent.address().port());
  settings.timeoutSeconds = 1;
  const auto started = std::chrono::steady_clock::now();
  const auto result = SmtpSender(settings).send(kRussianMail);
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(result.status, SendResult::Status::TemporaryFailure);
  EXPECT_NE(result.error.find("imeout"), std::string::npos) << result.error;
  EXPECT_LT(took, std::chrono::seconds(5));
}

class SmtpSenderTls : public ::testing::Test {
 protected:
  void SetUp() override { testing::makeSelfSignedCertificate(certs_.path()); }
  SinkOptions tlsSink() const {
    SinkOptions o;
    o.tlsCert = certs_.path() / "cert.pem";
    o.tlsKey = certs_.path() / "key.pem";
    return o;
  }
  TempDir certs_;
};

TEST_F(SmtpSenderTls, StartTlsWithTrustedCertificateDelivers) {
  auto options = tlsSink();
  options.auth = "callpy:pw";
  SmtpSink sink(testing::freePort(), options);
  sink.start();
  auto settings = settingsFor(sink.port());
  settings.starttls = true;
  settings.caFile = (certs_.path() / "cert.pem").string();
  settings.username = "callpy";
  settings.password = "pw";
  const auto result = SmtpSender(settings).send(kRussianMail);
  ASSERT_TRUE(result.sent()) << result.error;
  const auto mails = sink.waitForMessages(1);
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_TRUE(mails[0].tls);
  EXPECT_EQ(mails[0].subject, kRussianMail.subject);
  EXPECT_EQ(mails[0].authLogin.value_or(""), "PLAIN:callpy");
}

TEST_F(SmtpSenderTls, UntrustedCertificateIsRefused) {
  SmtpSink sink(testing::freePort(), tlsSink());
  sink.start();
  auto settings = settingsFor(sink.port());
  settings.starttls = true;  // no caFile: the self-signed certificate is not trusted
  const auto result = SmtpSender(settings).send(kRussianMail);
  EXPECT_EQ(result.status, SendResult::Status::TemporaryFailure);
  EXPECT_TRUE(sink.received().empty());
}

TEST(SmtpSender, StartTlsRequiredButNotOfferedIsTemporary) {
  SmtpSink sink(testing::freePort());
  sink.start();
  auto settings = settingsFor(sink.port());
  settings.starttls = true;
  const auto result = SmtpSender(settings).send(kRussianMail);
  EXPECT_EQ(result.status, SendResult::Status::TemporaryFailure);
  EXPECT_NE(result.error.find("STARTTLS"), std::string::npos) << result.error;
  EXPECT_TRUE(sink.received().empty());
}

}  // namespace
}  // namespace callpy::outbox
