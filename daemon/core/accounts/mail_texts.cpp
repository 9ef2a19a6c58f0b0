#include "core/accounts/mail_texts.h"

namespace callpy::core::accounts {

ports::OutgoingMail inviteMail(const std::string& language, const std::string& to,
                               const std::string& siteName, const std::string& link) {
  if (language == "en") {
    return {to, "Invitation to " + siteName + " in Callpy",
            "Hello!\n\nYou have been invited to answer visitors of \"" + siteName +
                "\" in Callpy.\nOpen this link to set your password and join (valid 7 days):\n\n" +
                link + "\n\nIf you did not expect this invitation, ignore this e-mail.\n"};
  }
  return {to, "Приглашение в " + siteName + " — Callpy",
          "Здравствуйте!\n\nВас пригласили отвечать посетителям сайта «" + siteName +
              "» в Callpy.\nОткройте ссылку, чтобы задать пароль и присоединиться (действует 7 "
              "дней):\n\n" +
              link + "\n\nЕсли вы не ждали приглашения, просто удалите это письмо.\n"};
}

ports::OutgoingMail resetMail(const std::string& language, const std::string& to,
                              const std::string& link) {
  if (language == "en") {
    return {to, "Callpy password reset",
            "Someone asked to reset the password of your Callpy account.\nOpen this link to set a "
            "new password (valid 1 hour):\n\n" +
                link + "\n\nIf it was not you, ignore this e-mail; your password stays as it is.\n"};
  }
  return {to, "Восстановление пароля Callpy",
          "Кто-то запросил восстановление пароля вашей учётной записи Callpy.\nОткройте ссылку, "
          "чтобы задать новый пароль (действует 1 час):\n\n" +
              link + "\n\nЕсли это были не вы, просто удалите письмо — пароль останется прежним.\n"};
}

}  // namespace callpy::core::accounts
