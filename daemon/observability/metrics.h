#pragma once
// Process-wide metrics rendered in the Prometheus text format with the callpy_ prefix.
// Counters and gauges are lock-free atomics; the registry is built once at start.
#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace callpy::observability {

class Counter {
 public:
  void inc(std::uint64_t n = 1) { v_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> v_{0};
};

// Histogram with fixed upper bounds in seconds.
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void observe(double seconds);
  std::string render(const std::string& name) const;

 private:
  std::vector<double> bounds_;
  std::vector<std::atomic<std::uint64_t>> buckets_;
  std::atomic<std::uint64_t> count_{0};
  std::atomic<std::uint64_t> sumMicros_{0};
};

class Metrics {
 public:
  static Metrics& instance();

  // HTTP requests by status class (index: 1xx..5xx → 0..4).
  void countHttp(int status);
  Histogram commitLatency{{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1}};

  // Values read when scraped from the component that owns them: gauges (database size, outbox
  // backlog …) and counters kept elsewhere (sign-in failures, mails sent …).
  void addGauge(std::string name, std::string help, std::function<double()> read);
  void addCounter(std::string name, std::string help, std::function<double()> read);
  // One gauge family with a label: name{label="value"} per series, in the given order.
  using LabelledSeries = std::vector<std::pair<std::string, std::function<double()>>>;
  void addGaugeFamily(std::string name, std::string help, std::string label, LabelledSeries series);
  std::string render() const;

 private:
  std::array<Counter, 5> httpByClass_;
  mutable std::mutex sampledMutex_;
  struct Sampled {
    std::string name, help, type;
    std::function<double()> read;
    std::string label;  // families only: the label's name, and series its values
    LabelledSeries series;
  };
  std::vector<Sampled> sampled_;
};

}  // namespace callpy::observability
