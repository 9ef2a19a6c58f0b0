#include "observability/metrics.h"

#include <gtest/gtest.h>

#include <string>

namespace callpy::observability {
namespace {

bool hasLine(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos || text.rfind(line + "\n", 0) == 0;
}

TEST(Metrics, CountersByStatusClass) {
  Metrics m;
  m.countHttp(200);
  m.countHttp(204);
  m.countHttp(404);
  m.countHttp(503);
  m.countHttp(99);   // ignored
  m.countHttp(600);  // ignored
  auto text = m.render();
  EXPECT_TRUE(hasLine(text, "# TYPE callpy_http_requests_total counter")) << text;
  EXPECT_TRUE(hasLine(text, "callpy_http_requests_total{code=\"2xx\"} 2")) << text;
  EXPECT_TRUE(hasLine(text, "callpy_http_requests_total{code=\"4xx\"} 1")) << text;
  EXPECT_TRUE(hasLine(text, "callpy_http_requests_total{code=\"5xx\"} 1")) << text;
  EXPECT_TRUE(hasLine(text, "callpy_http_requests_total{code=\"1xx\"} 0")) << text;
}

TEST(Metrics, SampledCountersAreTypedAsCounters) {
  Metrics m;
  double failures = 3;
  m.addCounter("callpy_login_failures_total", "Failed sign-ins.", [&] { return failures; });
  auto text = m.render();
  EXPECT_TRUE(hasLine(text, "# TYPE callpy_login_failures_total counter")) << text;
  EXPECT_TRUE(hasLine(text, "callpy_login_failures_total 3")) << text;
  failures = 4;
  EXPECT_TRUE(hasLine(m.render(), "callpy_login_failures_total 4"));
}

TEST(Metrics, HistogramBucketsAreCumulative) {
  Histogram h({0.001, 0.01, 0.1});
  h.observe(0.0005);
  h.observe(0.005);
  h.observe(0.005);
  h.observe(0.5);
  auto text = h.render("x");
  EXPECT_TRUE(hasLine(text, "x_bucket{le=\"0.001\"} 1")) << text;
  EXPECT_TRUE(hasLine(text, "x_bucket{le=\"0.01\"} 3")) << text;
  EXPECT_TRUE(hasLine(text, "x_bucket{le=\"0.1\"} 3")) << text;
  EXPECT_TRUE(hasLine(text, "x_bucket{le=\"+Inf\"} 4")) << text;
  EXPECT_TRUE(hasLine(text, "x_count 4")) << text;
  EXPECT_TRUE(hasLine(text, "x_sum 0.5105")) << text;
}

TEST(Metrics, CommitLatencyIsRendered) {
  Metrics m;
  m.commitLatency.observe(0.002);
  auto text = m.render();
  EXPECT_TRUE(hasLine(text, "# TYPE callpy_db_commit_seconds histogram")) << text;
  EXPECT_TRUE(hasLine(text, "callpy_db_commit_seconds_bucket{le=\"0.0025\"} 1")) << text;
  EXPECT_TRUE(hasLine(text, "callpy_db_commit_seconds_bucket{le=\"0.001\"} 0")) << text;
  EXPECT_TRUE(hasLine(text, "callpy_db_commit_seconds_count 1")) << text;
}

TEST(Metrics, GaugesAreReadAtScrapeTime) {
  Metrics m;
  double backlog = 3;
  m.addGauge("callpy_outbox_backlog", "Jobs not yet done.", [&] { return backlog; });
  m.addGauge("callpy_db_size_bytes", "Database file size.", [] { return 123456789.0; });
  auto text = m.render();
  EXPECT_TRUE(hasLine(text, "# HELP callpy_outbox_backlog Jobs not yet done.")) << text;
  EXPECT_TRUE(hasLine(text, "# TYPE callpy_outbox_backlog gauge")) << text;
  EXPECT_TRUE(hasLine(text, "callpy_outbox_backlog 3")) << text;
  // Large values keep every digit (not 1.23457e+08).
  EXPECT_TRUE(hasLine(text, "callpy_db_size_bytes 123456789")) << text;
  backlog = 0;
  EXPECT_TRUE(hasLine(m.render(), "callpy_outbox_backlog 0"));
}

TEST(Metrics, GaugeFamilyHasOneHeaderAndALineEachLabel) {
  Metrics m;
  double a = 2, b = 0;
  m.addGaugeFamily("callpy_things", "Things by colour.", "colour",
                   {{"red", [&] { return a; }}, {"blue", [&] { return b; }}});
  auto text = m.render();
  EXPECT_TRUE(hasLine(text, "# HELP callpy_things Things by colour.")) << text;
  EXPECT_TRUE(hasLine(text, "# TYPE callpy_things gauge")) << text;
  EXPECT_TRUE(hasLine(text, "callpy_things{colour=\"red\"} 2")) << text;
  EXPECT_TRUE(hasLine(text, "callpy_things{colour=\"blue\"} 0")) << text;
  EXPECT_EQ(text.find("# TYPE callpy_things"), text.rfind("# TYPE callpy_things"));
  b = 5;
  EXPECT_TRUE(hasLine(m.render(), "callpy_things{colour=\"blue\"} 5"));
}

TEST(Metrics, EveryNameHasThePrefix) {
  Metrics m;
  m.addGauge("callpy_g", "g", [] { return 1.0; });
  auto text = m.render();
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    auto line = text.substr(start, end - start);
    if (!line.empty() && line[0] != '#') {
      EXPECT_EQ(line.rfind("callpy_", 0), 0u) << line;
    }
    start = end + 1;
  }
}

}  // namespace
}  // namespace callpy::observability
