#pragma once
// Texts of the e-mails the accounts service sends, in the recipient's language (ru, en).
#include <string>

#include "core/ports/account_store.h"

namespace callpy::core::accounts {

ports::OutgoingMail inviteMail(const std::string& language, const std::string& to,
                               const std::string& siteName, const std::string& link);
ports::OutgoingMail resetMail(const std::string& language, const std::string& to,
                              const std::string& link);

}  // namespace callpy::core::accounts
