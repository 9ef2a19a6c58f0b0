#include "observability/metrics.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace callpy::observability {

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), buckets_(bounds_.size()) {}

void Histogram::observe(double seconds) {
  for (std::size_t i = 0; i < bounds_.size(); ++i) {
    if (seconds <= bounds_[i]) buckets_[i].fetch_add(1, std::memory_order_relaxed);
  }
  count_.fetch_add(1, std::memory_order_relaxed);
  sumMicros_.fetch_add(static_cast<std::uint64_t>(std::llround(seconds * 1e6)),
                       std::memory_order_relaxed);
}

static std::string formatDouble(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  // Shortest text that reads back as the same double: "0.0005", "123456789" (a fixed "%.6g"
  // would turn a database size into "1.23457e+08").
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

std::string Histogram::render(const std::string& name) const {
  std::string out;
  for (std::size_t i = 0; i < bounds_.size(); ++i) {
    out += name + "_bucket{le=\"" + formatDouble(bounds_[i]) + "\"} " +
           std::to_string(buckets_[i].load()) + "\n";
  }
  out += name + "_bucket{le=\"+Inf\"} " + std::to_string(count_.load()) + "\n";
  out += name + "_sum " + formatDouble(static_cast<double>(sumMicros_.load()) / 1e6) + "\n";
  out += name + "_count " + std::to_string(count_.load()) + "\n";
  return out;
}

Metrics& Metrics::instance() {
  static Metrics m;
  return m;
}

void Metrics::countHttp(int status) {
  int cls = status / 100 - 1;
  if (cls >= 0 && cls < 5) httpByClass_[static_cast<std::size_t>(cls)].inc();
}

void Metrics::addGauge(std::string name, std::string help, std::function<double()> read) {
  std::lock_guard lock(sampledMutex_);
  sampled_.push_back({std::move(name), std::move(help), "gauge", std::move(read), {}, {}});
}

void Metrics::addCounter(std::string name, std::string help, std::function<double()> read) {
  std::lock_guard lock(sampledMutex_);
  sampled_.push_back({std::move(name), std::move(help), "counter", std::move(read), {}, {}});
}

void Metrics::addGaugeFamily(std::string name, std::string help, std::string label,
                             LabelledSeries series) {
  std::lock_guard lock(sampledMutex_);
  sampled_.push_back({std::move(name), std::move(help), "gauge", {}, std::move(label),
                      std::move(series)});
}

std::string Metrics::render() const {
  std::string out;
  out += "# HELP callpy_http_requests_total HTTP requests answered, by status class.\n";
  out += "# TYPE callpy_http_requests_total counter\n";
  for (int i = 0; i < 5; ++i) {
    out += "callpy_http_requests_total{code=\"" + std::to_string(i + 1) + "xx\"} " +
           std::to_string(httpByClass_[static_cast<std::size_t>(i)].value()) + "\n";
  }
  out += "# HELP callpy_db_commit_seconds Duration of each durable COMMIT (fsync) of the storage writer.\n";
  out += "# TYPE callpy_db_commit_seconds histogram\n";
  out += commitLatency.render("callpy_db_commit_seconds");
  std::lock_guard lock(sampledMutex_);
  for (const auto& g : sampled_) {
    out += "# HELP " + g.name + " " + g.help + "\n# TYPE " + g.name + " " + g.type + "\n";
    if (g.label.empty()) {
      out += g.name + " " + formatDouble(g.read()) + "\n";
      continue;
    }
    for (const auto& [value, read] : g.series)
      out += g.name + "{" + g.label + "=\"" + value + "\"} " + formatDouble(read()) + "\n";
  }
  return out;
}

}  // namespace callpy::observability
