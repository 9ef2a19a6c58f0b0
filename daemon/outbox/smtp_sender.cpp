#include "outbox/smtp_sender.h"

#include <Poco/Environment.h>
#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/MailMessage.h>
#include <Poco/Net/MailRecipient.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/StringPartSource.h>
#include <Poco/Net/SMTPClientSession.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Timespan.h>
#include <Poco/UUIDGenerator.h>

#include <mutex>
#include <sstream>
#include <stdexcept>
#include <utility>

namespace callpy::outbox {
namespace {

// SecureSMTPClientSession::startTLS verifies the certificate against the host name only when the
// session was built from a host name, which connects without a timeout. We connect ourselves
// (with a timeout) and therefore upgrade the socket here, naming the host explicitly.
class Session : public Poco::Net::SMTPClientSession {
 public:
  using SMTPClientSession::SMTPClientSession;

  // EHLO (HELO as fallback); returns the server's capability lines.
  std::string hello(const std::string& heloName) {
    std::string response;
    login(heloName, response);
    return response;
  }

  void startTls(const std::string& host, Poco::Net::Context::Ptr context) {
    std::string response;
    const int status = sendCommand("STARTTLS", response);
    if (status / 100 != 2) throw Poco::Net::SMTPException("STARTTLS refused", response, status);
    socket() = Poco::Net::SecureStreamSocket::attach(socket(), host, context);
  }

  void authPlain(const std::string& user, const std::string& password) {
    loginUsingPlain(user, password);
  }
  void authLogin(const std::string& user, const std::string& password) {
    loginUsingLogin(user, password);
  }
};

// A failure before MAIL FROM: it concerns the relay or our settings, not the message.
class SessionError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

bool capabilityHas(const std::string& ehloResponse, std::string_view keyword) {
  std::istringstream lines(ehloResponse);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.size() < 4) continue;
    std::istringstream words(line.substr(4));
    std::string word;
    while (words >> word) {
      // "AUTH=LOGIN PLAIN" is an old spelling some servers still send.
      if (word.rfind("AUTH=", 0) == 0) word = word.substr(5);
      for (auto& ch : word) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      if (word == keyword) return true;
    }
  }
  return false;
}

bool isPlainAscii(std::string_view text) {
  for (unsigned char ch : text) {
    if (ch < 0x20 || ch > 0x7e) return false;
  }
  return true;
}

std::string base64(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned v = static_cast<unsigned char>(bytes[i]) << 16 |
                       static_cast<unsigned char>(bytes[i + 1]) << 8 |
                       static_cast<unsigned char>(bytes[i + 2]);
    out += kAlphabet[v >> 18 & 63];
    out += kAlphabet[v >> 12 & 63];
    out += kAlphabet[v >> 6 & 63];
    out += kAlphabet[v & 63];
  }
  if (i < bytes.size()) {
    unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += kAlphabet[v >> 18 & 63];
    out += kAlphabet[v >> 12 & 63];
    out += i + 1 < bytes.size() ? kAlphabet[v >> 6 & 63] : '=';
    out += '=';
  }
  return out;
}

std::size_t utf8Length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead & 0xe0) == 0xc0) return 2;
  if ((lead & 0xf0) == 0xe0) return 3;
  if ((lead & 0xf8) == 0xf0) return 4;
  return 1;  // a stray byte: keep it, alone
}

// Bare LF is not allowed in SMTP DATA (and strict relays reject it).
std::string toCrlf(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 32);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') {
      out += "\r\n";
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else if (text[i] == '\n') {
      out += "\r\n";
    } else {
      out += text[i];
    }
  }
  return out;
}

// "Name <addr>" with a non-ASCII name gets the name encoded; a bare address stays as is.
std::string encodeFrom(const std::string& from) {
  const auto lt = from.find('<');
  if (lt == std::string::npos || lt == 0) return from;
  std::string name = from.substr(0, lt);
  while (!name.empty() && name.back() == ' ') name.pop_back();
  if (isPlainAscii(name)) return from;
  return encodeHeaderText(name) + " " + from.substr(lt);
}

std::string addressDomain(const std::string& from) {
  const auto at = from.rfind('@');
  if (at == std::string::npos) return "callpy.invalid";
  std::string domain = from.substr(at + 1);
  const auto gt = domain.find('>');
  if (gt != std::string::npos) domain.resize(gt);
  return domain.empty() ? "callpy.invalid" : domain;
}

Poco::Net::Context::Ptr tlsContext(const SmtpSettings& settings) {
  static std::once_flag sslInit;
  std::call_once(sslInit, [] { Poco::Net::initializeSSL(); });
  // VERIFY_RELAXED on a client still requires a valid chain; the host name is checked on attach.
  return new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", settings.caFile,
                                Poco::Net::Context::VERIFY_RELAXED, 9, true,
                                "HIGH:!aNULL:!MD5:!RC4");
}

// Poco's MailMessage owns its parts and cannot be copied, hence the out parameter.
void buildMessage(const SmtpSettings& settings, const MailMessage& message,
                  Poco::Net::MailMessage& mail) {
  using Poco::Net::MailMessage;
  mail.setSender(encodeFrom(settings.from));
  mail.addRecipient(Poco::Net::MailRecipient(Poco::Net::MailRecipient::PRIMARY_RECIPIENT,
                                             message.to));
  mail.setSubject(encodeHeaderText(message.subject));
  mail.setDate(Poco::Timestamp());
  mail.set("Message-ID", "<" + Poco::UUIDGenerator::defaultGenerator().createRandom().toString() +
                             "@" + addressDomain(settings.from) + ">");
  if (message.htmlBody) {
    mail.addContent(new Poco::Net::StringPartSource(toCrlf(message.textBody),
                                                    "text/plain; charset=UTF-8"),
                    MailMessage::ENCODING_QUOTED_PRINTABLE);
    mail.addContent(new Poco::Net::StringPartSource(toCrlf(*message.htmlBody),
                                                    "text/html; charset=UTF-8"),
                    MailMessage::ENCODING_QUOTED_PRINTABLE);
    // addContent made it multipart/mixed; the two parts are alternatives of one text.
    mail.setContentType("multipart/alternative");
  } else {
    mail.setContentType("text/plain; charset=UTF-8");
    mail.setContent(toCrlf(message.textBody), MailMessage::ENCODING_QUOTED_PRINTABLE);
  }
}

}  // namespace

std::string encodeHeaderText(std::string_view utf8) {
  std::string text(utf8);
  for (auto& ch : text) {
    if (ch == '\r' || ch == '\n' || ch == '\t') ch = ' ';
  }
  if (isPlainAscii(text) && text.size() <= 900) return text;
  // 39 bytes become 52 base64 characters: with "=?UTF-8?B?" and "?=" each word is 64 characters,
  // so even the first line ("Subject: " + word) stays under the 76 that RFC 2047 allows.
  constexpr std::size_t kChunk = 39;
  std::string out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = start;
    while (end < text.size()) {
      const std::size_t len = utf8Length(static_cast<unsigned char>(text[end]));
      if (end + len - start > kChunk && end > start) break;
      end = std::min(end + len, text.size());
    }
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + base64(std::string_view(text).substr(start, end - start)) + "?=";
    start = end;
  }
  return out;
}

SmtpSender::SmtpSender(SmtpSettings settings) : settings_(std::move(settings)) {}

SendResult SmtpSender::send(const MailMessage& message) const {
  using Status = SendResult::Status;
  Poco::Net::MailMessage mail;
  try {
    validateMail(message);
    buildMessage(settings_, message, mail);
  } catch (const std::exception& e) {
    return {Status::PermanentFailure, e.what()};
  }

  bool sessionReady = false;
  try {
    const Poco::Timespan timeout(settings_.timeoutSeconds, 0);
    Poco::Net::StreamSocket socket;
    socket.connect(Poco::Net::SocketAddress(settings_.host, settings_.port), timeout);
    socket.setReceiveTimeout(timeout);
    socket.setSendTimeout(timeout);
    Session session(socket);

    const std::string helo =
        settings_.heloName.empty() ? Poco::Environment::nodeName() : settings_.heloName;
    std::string capabilities = session.hello(helo);
    if (settings_.starttls) {
      if (!capabilityHas(capabilities, "STARTTLS")) {
        throw SessionError("the server does not offer STARTTLS");
      }
      session.startTls(settings_.host, tlsContext(settings_));
      capabilities = session.hello(helo);
    }
    if (!settings_.username.empty()) {
      if (capabilityHas(capabilities, "PLAIN")) {
        session.authPlain(settings_.username, settings_.password);
      } else if (capabilityHas(capabilities, "LOGIN")) {
        session.authLogin(settings_.username, settings_.password);
      } else {
        throw SessionError("the server offers neither AUTH PLAIN nor AUTH LOGIN");
      }
    }
    sessionReady = true;
    session.sendMessage(mail);
    try {
      session.close();
    } catch (const Poco::Exception&) {
      // The message was accepted (250 after DATA); a failed QUIT must not cause a resend.
    }
    return {Status::Sent, {}};
  } catch (const Poco::Net::SMTPException& e) {
    const int code = e.code();
    // 530/534/535/538: authentication or encryption required — our settings, not the message.
    const bool settingsProblem = code == 530 || code == 534 || code == 535 || code == 538;
    const bool permanent = sessionReady && code >= 500 && code < 600 && !settingsProblem;
    return {permanent ? Status::PermanentFailure : Status::TemporaryFailure, e.displayText()};
  } catch (const Poco::TimeoutException& e) {
    return {Status::TemporaryFailure, "timeout: " + e.displayText()};
  } catch (const Poco::Exception& e) {
    return {Status::TemporaryFailure, e.displayText()};
  } catch (const std::exception& e) {
    return {Status::TemporaryFailure, e.what()};
  }
}

}  // namespace callpy::outbox
