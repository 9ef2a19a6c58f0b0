#pragma once
// What the storage benchmarks share: argument walking, the timed run of N producer threads that
// each wait for their own write, latency percentiles, CPU time and the writer's per-batch figures.
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "storage/database.h"

namespace callpy::bench {

using Clock = std::chrono::steady_clock;

// The options every storage bench takes.
struct RunOptions {
  double seconds = 5;  // length of a measured run
  std::string dir;     // where the database goes; empty: a fresh temp dir (bench_dir.h)
  int producers = 64;  // threads (or async chains) each waiting for its own write
};

// Reads --seconds, --dir or --producers into `o`; false for any other argument.
template <typename Value>
bool readRunOption(RunOptions& o, const std::string& arg, Value& value) {
  if (arg == "--seconds") {
    o.seconds = std::atof(value().c_str());
  } else if (arg == "--dir") {
    o.dir = value();
  } else if (arg == "--producers") {
    o.producers = std::atoi(value().c_str());
  } else {
    return false;
  }
  return true;
}

// Prints "usage: <argv0> <text>" and exits with `code`: on stdout for --help (0), else stderr.
[[noreturn]] inline void usageExit(const char* text, const char* argv0, int code) {
  std::fprintf(code == 0 ? stdout : stderr, "usage: %s %s", argv0, text);
  std::exit(code);
}

// Reads the RunOptions into `common` and calls handle(arg, value) for every other argument;
// value() takes the next one. --help/-h exits 0 after the usage `text`; a missing value or an
// argument handle() does not know (it returns false) exits 2 after it.
template <typename Handle>
void walkArgs(int argc, char** argv, const char* usageText, RunOptions& common, Handle handle) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usageExit(usageText, argv[0], 2);
      return argv[++i];
    };
    if (arg == "--help" || arg == "-h") {
      usageExit(usageText, argv[0], 0);
    } else if (!readRunOption(common, arg, value) && !handle(arg, value)) {
      std::fprintf(stderr, "unknown argument: %s\n", arg.c_str());
      usageExit(usageText, argv[0], 2);
    }
  }
}

// User + system CPU time of the whole process (all threads), in seconds.
inline double cpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// Removes a SQLite database with its WAL and shared-memory files.
inline void removeDb(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
}

inline float microsSince(Clock::time_point t0) {
  return std::chrono::duration<float, std::micro>(Clock::now() - t0).count();
}

// Latencies in microseconds, one per durable write, sorted for percentiles.
class Latencies {
 public:
  explicit Latencies(std::vector<float> all) : sorted_(std::move(all)) {
    std::sort(sorted_.begin(), sorted_.end());
  }
  std::size_t count() const { return sorted_.size(); }
  // p in [0, 1]; 0 when there are none.
  double pct(double p) const {
    return sorted_.empty() ? 0.0
                           : static_cast<double>(sorted_[static_cast<std::size_t>(
                                 p * static_cast<double>(sorted_.size() - 1))]);
  }

 private:
  std::vector<float> sorted_;
};

struct TimedRun {
  double elapsed = 0;  // seconds
  double cpu = 0;      // CPU seconds over the run
  std::vector<float> latencies;
};

// Runs `producers` threads for `seconds`. makeProducer(p) is called in thread p before the start
// and returns a callable doing one write: it returns the write's latency in microseconds, or
// nullopt for a write that failed (not counted).
template <typename MakeProducer>
TimedRun runProducers(int producers, double seconds, MakeProducer makeProducer) {
  std::atomic<bool> go{false}, stop{false};
  std::vector<std::vector<float>> lat(static_cast<std::size_t>(producers));
  std::vector<std::thread> threads;
  for (int p = 0; p < producers; ++p) {
    threads.emplace_back([&, p] {
      auto once = makeProducer(p);
      auto& mine = lat[static_cast<std::size_t>(p)];
      mine.reserve(1 << 16);
      while (!go.load(std::memory_order_acquire)) std::this_thread::yield();
      while (!stop.load(std::memory_order_relaxed)) {
        if (std::optional<float> micros = once()) mine.push_back(*micros);
      }
    });
  }
  TimedRun r;
  const double cpu0 = cpuSeconds();
  const auto start = Clock::now();
  go.store(true, std::memory_order_release);
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop.store(true);
  for (auto& t : threads) t.join();
  r.elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  r.cpu = cpuSeconds() - cpu0;
  for (auto& l : lat) r.latencies.insert(r.latencies.end(), l.begin(), l.end());
  return r;
}

// The group-commit writer's figures between two writeStats() snapshots, per batch (commit).
struct BatchFigures {
  double batches = 0;
  double gather = 0, jobs = 0, commit = 0, wake = 0;  // microseconds per batch

  BatchFigures(const storage::WriteStats& before, const storage::WriteStats& after)
      : batches(static_cast<double>(after.batches - before.batches)) {
    auto perBatch = [&](std::uint64_t a, std::uint64_t b) {
      return batches > 0 ? static_cast<double>(a - b) / batches : 0.0;
    };
    gather = perBatch(after.gatherMicros, before.gatherMicros);
    jobs = perBatch(after.runMicros, before.runMicros);
    commit = perBatch(after.commitMicros, before.commitMicros);
    wake = perBatch(after.completeMicros, before.completeMicros);
  }
  double per(double n) const { return batches > 0 ? n / batches : 0.0; }
};

}  // namespace callpy::bench
