#include "outbox/mail_message.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <sstream>
#include <stdexcept>

#include "storage/outbox_repository.h"

namespace callpy::outbox {

void validateMail(const MailMessage& message) {
  const std::string& to = message.to;
  const auto at = to.find('@');
  if (to.empty() || to.size() > 254 || at == std::string::npos || at == 0 ||
      at + 1 == to.size() || to.find('@', at + 1) != std::string::npos) {
    throw std::invalid_argument("mail recipient is not an address");
  }
  for (unsigned char ch : to) {
    if (ch <= ' ' || ch == 0x7f || ch == '<' || ch == '>' || ch == ',' || ch == ';' ||
        ch == '"' || ch == '(' || ch == ')') {
      throw std::invalid_argument("mail recipient contains a forbidden character");
    }
  }
}

std::string mailToJson(const MailMessage& message) {
  Poco::JSON::Object obj;
  obj.set("to", message.to);
  obj.set("subject", message.subject);
  obj.set("text", message.textBody);
  if (message.htmlBody) obj.set("html", *message.htmlBody);
  std::ostringstream out;
  obj.stringify(out);
  return out.str();
}

MailMessage mailFromJson(std::string_view json) {
  try {
    Poco::JSON::Parser parser;
    auto root = parser.parse(std::string(json)).extract<Poco::JSON::Object::Ptr>();
    if (!root) throw std::invalid_argument("mail payload is not an object");
    auto text = [&](const char* key) {
      if (!root->has(key) || !root->get(key).isString()) {
        throw std::invalid_argument(std::string("mail payload lacks \"") + key + "\"");
      }
      return root->getValue<std::string>(key);
    };
    MailMessage message;
    message.to = text("to");
    message.subject = text("subject");
    message.textBody = text("text");
    if (root->has("html") && !root->isNull("html")) message.htmlBody = text("html");
    return message;
  } catch (const Poco::Exception& e) {
    throw std::invalid_argument("mail payload is not valid JSON: " + e.message());
  }
}

std::int64_t enqueueMail(storage::Connection& c, const MailMessage& message, std::int64_t now) {
  validateMail(message);
  return storage::enqueueOutbox(c, kMailKind, mailToJson(message), now);
}

}  // namespace callpy::outbox
