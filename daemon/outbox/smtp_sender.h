#pragma once
// Sends one MailMessage over SMTP with POCO: connect (with timeout), EHLO, optional STARTTLS,
// optional AUTH PLAIN/LOGIN, MAIL/RCPT/DATA, QUIT. One connection per message: mail volume is
// low and a fresh session cannot inherit a broken state.
#include <string>
#include <string_view>

#include "outbox/mail_message.h"
#include "outbox/smtp_settings.h"

namespace callpy::outbox {

struct SendResult {
  enum class Status { Sent, TemporaryFailure, PermanentFailure };
  Status status = Status::Sent;
  std::string error;  // the server's reply or the network error; never contains the password

  bool sent() const { return status == Status::Sent; }
  bool permanent() const { return status == Status::PermanentFailure; }
};

class SmtpSender {
 public:
  explicit SmtpSender(SmtpSettings settings);

  // Never throws. Classification:
  // - PermanentFailure: a 5xx reply to MAIL FROM, RCPT TO or DATA (this message will never be
  //   accepted), or a message that cannot be formed (bad recipient).
  // - TemporaryFailure: everything else — connection refused, timeouts, TLS errors, 4xx replies,
  //   5xx replies before MAIL FROM (greeting, EHLO, STARTTLS, AUTH) and 530/534/535/538
  //   (authentication or TLS required) anywhere: those say the relay or our settings are wrong,
  //   not the message, and must not destroy queued mail while an admin fixes the configuration.
  SendResult send(const MailMessage& message) const;

  const SmtpSettings& settings() const { return settings_; }

 private:
  SmtpSettings settings_;
};

// RFC 2047 encoding of a header text (Subject, display names): ASCII text without control
// characters stays as is; anything else becomes "=?UTF-8?B?...?=" words of whole UTF-8 characters,
// folded onto continuation lines. CR and LF become spaces (no header injection).
std::string encodeHeaderText(std::string_view utf8);

}  // namespace callpy::outbox
