// listen.https and tls: the two come together, and every way the certificate or key can be wrong
// is reported at its key's FILE:LINE:COL (what --check-config prints, exit 78).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "../security/test_certs.h"
#include "config/loader.h"

namespace callpy::config {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testsupport::CertDir;

std::vector<std::string> errorsOf(const std::string& text) {
  std::vector<std::string> out;
  for (const auto& e : loadConfigString(text, "t.yaml").errors) out.push_back(e.format());
  return out;
}

std::string withTls(const std::string& crt, const std::string& key) {
  return "listen:\n  http: 127.0.0.1:8080\n  https: 127.0.0.1:8443\ndata_dir: /d\n"
         "tls:\n  certificate: " + crt + "\n  key: " + key + "\n";
}

TEST(TlsConfig, LoadsBothListenersAndDefaultsPublicUrlToHttps) {
  CertDir dir;
  auto [crt, key] = dir.makePair("a");
  auto r = loadConfigString(withTls(crt, key), "t.yaml");
  ASSERT_TRUE(r.ok()) << r.formatErrors();
  EXPECT_EQ(r.config->listenHttp, (HostPort{"127.0.0.1", 8080}));
  ASSERT_TRUE(r.config->listenHttps);
  EXPECT_EQ(*r.config->listenHttps, (HostPort{"127.0.0.1", 8443}));
  ASSERT_TRUE(r.config->tls);
  EXPECT_EQ(r.config->tls->certificate, crt);
  EXPECT_EQ(r.config->tls->key, key);
  EXPECT_EQ(r.config->publicUrl, "https://127.0.0.1:8443");
}

TEST(TlsConfig, HttpsAloneIsEnoughAndPathsAreRelativeToTheFile) {
  CertDir dir;
  dir.makePair("a");
  LoadOptions options;
  options.baseDir = dir.path().string();
  auto r = loadConfigString(
      "listen: {https: \"[::1]:8443\"}\ndata_dir: /d\ntls: {certificate: a.crt, key: a.key}\n",
      "t.yaml", options);
  ASSERT_TRUE(r.ok()) << r.formatErrors();
  EXPECT_EQ(r.config->listenHttp.port, 0);
  EXPECT_EQ(r.config->tls->certificate, dir.file("a.crt"));
  EXPECT_EQ(r.config->publicUrl, "https://[::1]:8443");
}

TEST(TlsConfig, EachNeedsTheOther) {
  EXPECT_THAT(errorsOf("listen:\n  https: 127.0.0.1:8443\ndata_dir: /d\n"),
              ElementsAre("t.yaml:2:10: listen.https: needs a tls section with certificate and key "
                          "(PEM files)"));
  EXPECT_THAT(errorsOf("listen:\n  http: 127.0.0.1:8080\ndata_dir: /d\n"
                       "tls:\n  certificate: /x.crt\n  key: /x.key\n"),
              ElementsAre("t.yaml:5:3: tls: is set but listen.https is not; add listen.https "
                          "(e.g. 0.0.0.0:443) or remove tls"));
  EXPECT_THAT(errorsOf("listen:\n  https: 127.0.0.1:8443\ndata_dir: /d\ntls:\n  key: /x.key\n"),
              ElementsAre("t.yaml:5:3: tls.certificate: is required"));
  EXPECT_THAT(errorsOf("listen: {}\ndata_dir: /d\n"), ElementsAre("t.yaml:1:9: listen.http: is required"));
  EXPECT_THAT(errorsOf("listen:\n  http: 127.0.0.1:8080\n  https: 127.0.0.1:8080\ndata_dir: /d\n"
                       "tls: {certificate: /x, key: /y}\n"),
              testing::Contains("t.yaml:3:10: listen.https: http and https cannot share one address and port"));
}

TEST(TlsConfig, MismatchedKeyIsReportedAtTheKeyLine) {
  CertDir dir;
  auto [crt, key] = dir.makePair("a");
  auto [crt2, key2] = dir.makePair("b");
  EXPECT_THAT(errorsOf(withTls(crt, key2)),
              ElementsAre("t.yaml:7:8: tls.key: the key in " + key2 +
                          " does not match the certificate in " + crt));
}

TEST(TlsConfig, MissingOrBadCertificateIsReportedAtTheCertificateLine) {
  CertDir dir;
  auto [crt, key] = dir.makePair("a");
  auto errors = errorsOf(withTls(dir.file("missing.crt"), key));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_THAT(errors[0], HasSubstr("t.yaml:6:16: tls.certificate: cannot read " + dir.file("missing.crt")));
  errors = errorsOf(withTls(dir.write("bad.crt", "-----BEGIN CERTIFICATE-----\nAAAA\n"), key));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_THAT(errors[0], HasSubstr("t.yaml:6:16: tls.certificate: no PEM certificate in"));
}

}  // namespace
}  // namespace callpy::config
