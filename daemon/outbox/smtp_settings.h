#pragma once
// How to reach the SMTP relay. The app maps the `smtp:` section of callpyd.yaml into this struct
// (outbox/ does not depend on config/).
#include <cstdint>
#include <string>

namespace callpy::outbox {

struct SmtpSettings {
  std::string host;
  std::uint16_t port = 25;
  bool starttls = false;    // require STARTTLS before AUTH and MAIL (never falls back to plain)
  std::string username;     // empty: no AUTH
  std::string password;     // never logged, never stored in the outbox
  std::string from;         // "noreply@example.ru" or "Callpy <noreply@example.ru>"
  std::string heloName;     // EHLO argument; empty: this machine's host name
  std::string caFile;       // extra trusted CA (PEM) for STARTTLS; system CAs are always trusted
  int timeoutSeconds = 10;  // connect, and each read/write
};

}  // namespace callpy::outbox
