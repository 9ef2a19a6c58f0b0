// Loading a server certificate and key: what works, and a clear, file-naming problem for each
// way the files can be wrong. Reload keeps the old context on a bad file.
#include "security/tls_context.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_certs.h"

using callpy::security::loadServerContext;
using callpy::security::TlsContext;
using callpy::security::TlsProblem;
using callpy::testsupport::CertDir;
using testing::HasSubstr;

namespace {

std::string leafSubject(const callpy::security::SslContextPtr& ctx) {
  X509* x = SSL_CTX_get0_certificate(ctx.get());
  char buf[256];
  X509_NAME_oneline(X509_get_subject_name(x), buf, sizeof buf);
  return buf;
}

TEST(TlsContext, LoadsAMatchingPair) {
  CertDir dir;
  auto [crt, key] = dir.makePair("a", "chat.example.test");
  auto r = loadServerContext(crt, key);
  ASSERT_FALSE(r.problem) << r.problem->message;
  ASSERT_TRUE(r.context);
  EXPECT_EQ(r.identity.subject, "CN=chat.example.test");
  EXPECT_EQ(r.identity.sha256Fingerprint.size(), 32u * 3 - 1);  // AB:CD:... 32 bytes
  EXPECT_FALSE(r.identity.expired);
  EXPECT_THAT(r.identity.notAfter, HasSubstr(" UTC"));
  EXPECT_EQ(SSL_CTX_get_min_proto_version(r.context.get()), TLS1_2_VERSION);
}

TEST(TlsContext, AcceptsAChainAfterTheLeaf) {
  CertDir dir;
  auto [crt, key] = dir.makePair("leaf");
  auto [other, otherKey] = dir.makePair("intermediate", "Test CA");
  std::string chain = dir.write("chain.pem", CertDir::read(crt) + CertDir::read(other));
  auto r = loadServerContext(chain, key);
  ASSERT_FALSE(r.problem) << r.problem->message;
  STACK_OF(X509)* extra = nullptr;
  SSL_CTX_get0_chain_certs(r.context.get(), &extra);
  EXPECT_EQ(sk_X509_num(extra), 1);
}

TEST(TlsContext, MissingFilesNameTheFileAndTheKey) {
  CertDir dir;
  auto [crt, key] = dir.makePair("a");
  auto r = loadServerContext(dir.file("nope.crt"), key);
  ASSERT_TRUE(r.problem);
  EXPECT_EQ(r.problem->file, TlsProblem::File::Certificate);
  EXPECT_THAT(r.problem->message, HasSubstr("cannot read " + dir.file("nope.crt")));
  EXPECT_THAT(r.problem->message, HasSubstr("No such file"));
  EXPECT_FALSE(r.context);

  r = loadServerContext(crt, dir.file("nope.key"));
  ASSERT_TRUE(r.problem);
  EXPECT_EQ(r.problem->file, TlsProblem::File::Key);
  EXPECT_THAT(r.problem->message, HasSubstr(dir.file("nope.key")));

  r = loadServerContext(dir.path().string(), key);
  ASSERT_TRUE(r.problem);
  EXPECT_THAT(r.problem->message, HasSubstr("is a directory"));
}

TEST(TlsContext, UnreadableKeyIsReported) {
  if (::geteuid() == 0) GTEST_SKIP() << "root reads files regardless of their mode";
  CertDir dir;
  auto [crt, key] = dir.makePair("a");
  ::chmod(key.c_str(), 0);
  auto r = loadServerContext(crt, key);
  ASSERT_TRUE(r.problem);
  EXPECT_EQ(r.problem->file, TlsProblem::File::Key);
  EXPECT_THAT(r.problem->message, HasSubstr("Permission denied"));
}

TEST(TlsContext, BadPemIsReportedWithAHint) {
  CertDir dir;
  auto [crt, key] = dir.makePair("a");
  auto r = loadServerContext(dir.write("garbage.crt", "not a certificate\n"), key);
  ASSERT_TRUE(r.problem);
  EXPECT_EQ(r.problem->file, TlsProblem::File::Certificate);
  EXPECT_THAT(r.problem->message, HasSubstr("no PEM certificate in " + dir.file("garbage.crt")));

  // The two files swapped: each message says what the file holds instead.
  r = loadServerContext(key, key);
  ASSERT_TRUE(r.problem);
  EXPECT_THAT(r.problem->message, HasSubstr("it holds a private key"));
  r = loadServerContext(crt, crt);
  ASSERT_TRUE(r.problem);
  EXPECT_EQ(r.problem->file, TlsProblem::File::Key);
  EXPECT_THAT(r.problem->message, HasSubstr("it holds a certificate"));

  r = loadServerContext(dir.write("empty.crt", ""), key);
  ASSERT_TRUE(r.problem);
  EXPECT_THAT(r.problem->message, HasSubstr("is empty"));
}

TEST(TlsContext, KeyOfAnotherCertificateDoesNotMatch) {
  CertDir dir;
  auto [crt, key] = dir.makePair("a");
  auto [crt2, key2] = dir.makePair("b");
  auto r = loadServerContext(crt, key2);
  ASSERT_TRUE(r.problem);
  EXPECT_EQ(r.problem->file, TlsProblem::File::Key);
  EXPECT_EQ(r.problem->message,
            "the key in " + key2 + " does not match the certificate in " + crt);
}

TEST(TlsContext, EncryptedKeyIsRefusedWithoutPrompting) {
  CertDir dir;
  auto [crt, key] = dir.makePair("a", "localhost", "secret");
  auto r = loadServerContext(crt, key);
  ASSERT_TRUE(r.problem);
  EXPECT_EQ(r.problem->file, TlsProblem::File::Key);
  EXPECT_THAT(r.problem->message, HasSubstr("passphrase"));
}

TEST(TlsContext, ReloadSwapsOnSuccessAndKeepsTheOldOnAProblem) {
  CertDir dir;
  auto [crt, key] = dir.makePair("a", "first");
  auto [crt2, key2] = dir.makePair("b", "second");
  auto loaded = loadServerContext(crt, key);
  ASSERT_FALSE(loaded.problem);
  TlsContext ctx(crt, key, std::move(loaded));
  auto before = ctx.current();
  EXPECT_EQ(leafSubject(before), "/CN=first");

  auto problem = ctx.reload(crt, key2);  // mismatched
  ASSERT_TRUE(problem);
  EXPECT_THAT(problem->message, HasSubstr("does not match"));
  EXPECT_EQ(ctx.current(), before);
  EXPECT_EQ(ctx.identity().subject, "CN=first");

  EXPECT_FALSE(ctx.reload(crt2, key2));
  EXPECT_NE(ctx.current(), before);
  EXPECT_EQ(leafSubject(ctx.current()), "/CN=second");
  EXPECT_EQ(ctx.identity().subject, "CN=second");
  // A connection accepted before the reload still holds the old context alive.
  EXPECT_EQ(leafSubject(before), "/CN=first");
}

}  // namespace
