#include "outbox/mail_message.h"

#include <Poco/Base64Decoder.h>
#include <gtest/gtest.h>

#include <sstream>
#include <stdexcept>

#include "outbox/smtp_sender.h"

namespace callpy::outbox {
namespace {

std::string base64Decode(const std::string& text) {
  std::istringstream in(text);
  Poco::Base64Decoder decoder(in);
  return std::string(std::istreambuf_iterator<char>(decoder), std::istreambuf_iterator<char>());
}

// Decodes what encodeHeaderText produced: words "=?UTF-8?B?...?=" separated by CRLF + space.
std::string decodeWords(const std::string& header) {
  std::string out;
  std::size_t pos = 0;
  while ((pos = header.find("=?UTF-8?B?", pos)) != std::string::npos) {
    const auto start = pos + 10;
    const auto end = header.find("?=", start);
    out += base64Decode(header.substr(start, end - start));
    pos = end + 2;
  }
  return out;
}

TEST(MailMessageJson, RoundTripKeepsUtf8QuotesAndNewlines) {
  MailMessage m{"ivan@example.ru", "Приглашение в «Ромашку»",
                "Здравствуйте!\n\"Ссылка\": https://x.test/?a=1&b=2\n\tконец", std::nullopt};
  EXPECT_EQ(mailFromJson(mailToJson(m)), m);
  m.htmlBody = "<p>Привет</p>";
  const std::string json = mailToJson(m);
  EXPECT_NE(json.find("Привет"), std::string::npos) << "UTF-8 kept readable in the table: " << json;
  EXPECT_EQ(mailFromJson(json), m);
}

TEST(MailMessageJson, RejectsMalformedPayloads) {
  EXPECT_THROW(mailFromJson("not json"), std::invalid_argument);
  EXPECT_THROW(mailFromJson("[1,2]"), std::invalid_argument);
  EXPECT_THROW(mailFromJson(R"({"to":"a@b.c","subject":"s"})"), std::invalid_argument);
  EXPECT_THROW(mailFromJson(R"({"to":5,"subject":"s","text":"t"})"), std::invalid_argument);
}

TEST(MailMessageValidation, AcceptsPlainAddressesOnly) {
  EXPECT_NO_THROW(validateMail({"ivan.petrov+tag@mail.example.ru", "s", "t", std::nullopt}));
  for (const char* bad : {"", "ivan", "@example.ru", "ivan@", "a@b@c", "Ivan <ivan@x.ru>",
                          "ivan@x.ru\r\nBcc: victim@y.ru", "a b@x.ru", "a@x.ru,b@y.ru"}) {
    EXPECT_THROW(validateMail({bad, "s", "t", std::nullopt}), std::invalid_argument) << bad;
  }
}

TEST(HeaderEncoding, AsciiStaysReadableAndCannotInjectHeaders) {
  EXPECT_EQ(encodeHeaderText("Password reset"), "Password reset");
  EXPECT_EQ(encodeHeaderText("Hi\r\nBcc: x@y.z"), "Hi  Bcc: x@y.z");
}

TEST(HeaderEncoding, NonAsciiBecomesShortWordsOfWholeCharacters) {
  const std::string subject =
      "Вас пригласили в команду поддержки сайта «Ромашка» — подтвердите адрес электронной почты";
  const std::string encoded = encodeHeaderText(subject);
  EXPECT_EQ(decodeWords(encoded), subject);
  std::istringstream lines(encoded);
  std::string line;
  int words = 0;
  while (std::getline(lines, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    EXPECT_LE(line.size() + 9, 76u) << "a line with \"Subject: \" must fit RFC 2047: " << line;
    // Each word decodes on its own to valid UTF-8, i.e. no character is split across words.
    const std::string part = decodeWords(line);
    ASSERT_FALSE(part.empty());
    EXPECT_NE(static_cast<unsigned char>(part.front()) & 0xc0, 0x80) << "starts mid-character";
    ++words;
  }
  EXPECT_GT(words, 1);
  for (char ch : encoded) EXPECT_LT(static_cast<unsigned char>(ch), 0x80);
}

}  // namespace
}  // namespace callpy::outbox
