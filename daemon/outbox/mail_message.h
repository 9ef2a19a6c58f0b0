#pragma once
// An e-mail as stored in the outbox (kind "mail"): what to send, not how. The SMTP details (From,
// encodings, Message-ID) are added by SmtpSender at send time.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace callpy::storage {
class Connection;
}

namespace callpy::outbox {

inline constexpr std::string_view kMailKind = "mail";

struct MailMessage {
  std::string to;        // one address, e.g. "ivan@example.ru"
  std::string subject;   // UTF-8, any language
  std::string textBody;  // UTF-8 plain text
  std::optional<std::string> htmlBody;  // when set, sent as multipart/alternative with the text

  bool operator==(const MailMessage&) const = default;
};

// Throws std::invalid_argument when `to` is not a single plain address (no display name, no
// CR/LF, exactly one '@' with text on both sides): addresses go into SMTP commands and headers.
void validateMail(const MailMessage& message);

std::string mailToJson(const MailMessage& message);
// Throws std::invalid_argument on malformed JSON or missing fields.
MailMessage mailFromJson(std::string_view json);

// Validates and queues `message` on `c`. Call it inside the Database::write job that causes the
// mail so both commit together; then OutboxWorker::notify() after the write completes.
std::int64_t enqueueMail(storage::Connection& c, const MailMessage& message, std::int64_t now);

}  // namespace callpy::outbox
