#include "rtc/dtls/certificate.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <ctime>
#include <regex>

#include "rtc/dtls/dtls_context.h"

namespace callpy::rtc::dtls {
namespace {

TEST(CertificateTest, GeneratesASelfSignedP256CertificateForThirtyDays) {
  const auto certificate = Certificate::generateEcdsaP256();
  ASSERT_NE(certificate->x509(), nullptr);
  ASSERT_NE(certificate->privateKey(), nullptr);

  EXPECT_TRUE(EVP_PKEY_is_a(certificate->privateKey(), "EC"));
  char group[64] = {};
  size_t groupLength = 0;
  ASSERT_EQ(EVP_PKEY_get_utf8_string_param(certificate->privateKey(), "group", group,
                                           sizeof group, &groupLength),
            1);
  EXPECT_STREQ(group, "prime256v1");

  EVP_PKEY* publicKey = X509_get0_pubkey(certificate->x509());
  EXPECT_EQ(X509_verify(certificate->x509(), publicKey), 1) << "self-signature";
  EXPECT_EQ(X509_check_private_key(certificate->x509(), certificate->privateKey()), 1);

  char subject[128] = {};
  X509_NAME_get_text_by_NID(X509_get_subject_name(certificate->x509()), NID_commonName, subject,
                            sizeof subject);
  EXPECT_STREQ(subject, "callpy");
  EXPECT_EQ(X509_NAME_cmp(X509_get_subject_name(certificate->x509()),
                          X509_get_issuer_name(certificate->x509())),
            0);

  std::time_t now = std::time(nullptr);
  std::time_t in29Days = now + 29L * 24 * 3600;
  std::time_t in31Days = now + 31L * 24 * 3600;
  EXPECT_LT(X509_cmp_time(X509_get0_notBefore(certificate->x509()), &now), 0);
  EXPECT_GT(X509_cmp_time(X509_get0_notAfter(certificate->x509()), &in29Days), 0);
  EXPECT_LT(X509_cmp_time(X509_get0_notAfter(certificate->x509()), &in31Days), 0);
}

TEST(CertificateTest, FingerprintIsUpperCaseColonSeparatedSha256) {
  const auto certificate = Certificate::generateEcdsaP256();
  const std::string& fingerprint = certificate->fingerprintSha256();
  EXPECT_TRUE(std::regex_match(fingerprint, std::regex("([0-9A-F]{2}:){31}[0-9A-F]{2}")))
      << fingerprint;
  EXPECT_EQ(fingerprintSha256(certificate->x509()), fingerprint);
  EXPECT_EQ(fingerprintSha256(nullptr), "");
}

TEST(CertificateTest, EachCertificateIsFresh) {
  const auto a = Certificate::generateEcdsaP256();
  const auto b = Certificate::generateEcdsaP256();
  EXPECT_NE(a->fingerprintSha256(), b->fingerprintSha256());
  EXPECT_NE(ASN1_INTEGER_cmp(X509_get0_serialNumber(a->x509()), X509_get0_serialNumber(b->x509())),
            0);
}

TEST(DtlsContextTest, SharesTheCertificate) {
  const auto certificate = Certificate::generateEcdsaP256();
  const auto context = DtlsContext::create(certificate);
  ASSERT_NE(context->native(), nullptr);
  EXPECT_EQ(&context->certificate(), certificate.get());
  EXPECT_EQ(context->fingerprintSha256(), certificate->fingerprintSha256());
  EXPECT_THROW(DtlsContext::create(nullptr), std::invalid_argument);
}

TEST(DtlsContextTest, AllowsOnlyDtls12WithForwardSecrecyAndNoTickets) {
  const auto context = DtlsContext::create(Certificate::generateEcdsaP256());
  EXPECT_EQ(SSL_CTX_get_min_proto_version(context->native()), DTLS1_2_VERSION);
  EXPECT_EQ(SSL_CTX_get_max_proto_version(context->native()), DTLS1_2_VERSION);
  EXPECT_NE(SSL_CTX_get_options(context->native()) & SSL_OP_NO_TICKET, 0u);
  EXPECT_NE(SSL_CTX_get_options(context->native()) & SSL_OP_NO_RENEGOTIATION, 0u);
  STACK_OF(SSL_CIPHER)* ciphers = SSL_CTX_get_ciphers(context->native());
  ASSERT_GT(sk_SSL_CIPHER_num(ciphers), 0);
  for (int i = 0; i < sk_SSL_CIPHER_num(ciphers); ++i) {
    const std::string name = SSL_CIPHER_get_name(sk_SSL_CIPHER_value(ciphers, i));
    EXPECT_EQ(name.rfind("ECDHE-", 0), 0u) << name;
  }
}

}  // namespace
}  // namespace callpy::rtc::dtls
