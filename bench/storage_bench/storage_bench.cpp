// storage_bench: durable commits/s of SQLite (WAL, synchronous=FULL, 300-byte rows)
//   (a) one writer, one row per transaction, and
//   (b) group commit through Database::write from concurrent producer threads, each waiting for
//       its write to be durable before sending the next (like a chat client waiting for its ack).
// Usage: storage_bench [--seconds N] [--dir PATH] [--producers N] [--row-bytes N]
#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "../common/bench_dir.h"
#include "../common/measure.h"
#include "storage/database.h"

namespace {

namespace fs = std::filesystem;
using callpy::bench::Clock;
using callpy::bench::removeDb;
using callpy::storage::Connection;
using callpy::storage::Database;
using callpy::storage::Statement;

struct Options : callpy::bench::RunOptions {
  int rowBytes = 300;
};

constexpr const char* kUsage =
    "[--seconds N] [--dir PATH] [--producers N] [--row-bytes N]\n"
    "  --seconds N    duration of each of the two runs (default 5)\n"
    "  --dir PATH     where the database files go (default: a new directory under\n"
    "                 $TMPDIR or /tmp); use the disk you want to measure, not tmpfs\n";

Options parse(int argc, char** argv) {
  Options o;
  callpy::bench::walkArgs(argc, argv, kUsage, o, [&](const std::string& arg, auto& value) {
    if (arg == "--row-bytes") {
      o.rowBytes = std::atoi(value().c_str());
    } else {
      return false;
    }
    return true;
  });
  if (o.seconds <= 0 || o.producers <= 0 || o.rowBytes <= 0) {
    callpy::bench::usageExit(kUsage, argv[0], 2);
  }
  return o;
}

std::string payload(int rowBytes, std::uint64_t seed) {
  std::string s(static_cast<std::size_t>(rowBytes), 'x');
  for (auto& ch : s) {
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    ch = static_cast<char>('a' + (seed >> 59) % 26);
  }
  return s;
}

std::int64_t countRows(const std::string& path) {
  Connection c(path, Connection::Mode::ReadOnly);
  Statement& s = c.prepare("SELECT count(*) FROM rows");
  s.step();
  return s.columnInt64(0);
}

// A fresh WAL grows with every commit, and an fsync that extends a file also writes its
// metadata, which is several times slower here. A running daemon's WAL stays at its checkpoint
// size (1000 pages), so both runs first write ~6 MB in big transactions: the WAL reaches that
// size, gets checkpointed, and is reused from then on, as in production.
void warmUp(Connection& c, const std::string& row) {
  for (int t = 0; t < 10; ++t) {
    c.exec("BEGIN IMMEDIATE");
    for (int i = 0; i < 2000; ++i) {
      c.prepare("INSERT INTO warmup (payload) VALUES (?)").bind(1, row).run();
    }
    c.exec("COMMIT");
  }
}

// (a) The baseline: what a naive "commit every write" loop gets.
double runSingle(const Options& o, const std::string& path) {
  removeDb(path);
  Connection c(path, Connection::Mode::ReadWrite);
  c.exec(
      "CREATE TABLE rows (id INTEGER PRIMARY KEY, payload TEXT NOT NULL);"
      "CREATE TABLE warmup (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)");
  const std::string row = payload(o.rowBytes, 1);
  warmUp(c, row);
  std::int64_t n = 0;
  const auto start = Clock::now();
  const auto end = start + std::chrono::duration<double>(o.seconds);
  auto now = start;
  while (now < end) {
    c.prepare("BEGIN IMMEDIATE").run();
    c.prepare("INSERT INTO rows (payload) VALUES (?)").bind(1, row).run();
    c.prepare("COMMIT").run();
    ++n;
    now = Clock::now();
  }
  const double elapsed = std::chrono::duration<double>(now - start).count();
  if (countRows(path) != n) std::fprintf(stderr, "single: row count mismatch\n");
  std::printf("single  : %9.0f rows/s  (%lld rows, one transaction each, %.1f s)\n",
              static_cast<double>(n) / elapsed, static_cast<long long>(n), elapsed);
  return static_cast<double>(n) / elapsed;
}

// (b) Group commit: many producers, one writer thread, one fsync per batch.
double runGroup(const Options& o, const std::string& path) {
  removeDb(path);
  auto db = Database::open({.path = path, .readers = 1});
  db->writeSync([&](Connection& c) {
    c.exec(
        "CREATE TABLE rows (id INTEGER PRIMARY KEY, payload TEXT NOT NULL);"
        "CREATE TABLE warmup (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)");
  });
  // Outside the writer's batch transaction: warmUp() commits on its own.
  {
    Connection c(path, Connection::Mode::ReadWrite);
    warmUp(c, payload(o.rowBytes, 1));
  }
  const auto before = db->writeStats();

  const auto run = callpy::bench::runProducers(o.producers, o.seconds, [&](int t) {
    return [&db, row = payload(o.rowBytes, static_cast<std::uint64_t>(t) + 2)] {
      const auto t0 = Clock::now();
      db->write([&row](Connection& c) {
          c.prepare("INSERT INTO rows (payload) VALUES (?)").bind(1, row).run();
        }).get();
      return std::optional<float>(callpy::bench::microsSince(t0));
    };
  });
  const double elapsed = run.elapsed;
  const double cpu = run.cpu;
  const callpy::bench::BatchFigures batch(before, db->writeStats());
  db.reset();
  const callpy::bench::Latencies latency(run.latencies);
  const auto n = static_cast<std::int64_t>(latency.count());
  if (countRows(path) != n) std::fprintf(stderr, "group: row count mismatch\n");
  std::printf(
      "group   : %9.0f rows/s  (%lld rows from %d producers, %lld commits, %.1f rows/commit, "
      "%.1f s)\n"
      "          write->durable latency p50 %.0f us, p99 %.0f us\n"
      "          writer per batch: gather %.0f us, jobs %.0f us, commit %.0f us, wake %.0f us\n"
      "          CPU (all threads, user+sys): %.2f cores, %.1f us per row\n",
      static_cast<double>(n) / elapsed, static_cast<long long>(n), o.producers,
      static_cast<long long>(batch.batches), batch.per(static_cast<double>(n)), elapsed,
      latency.pct(0.50), latency.pct(0.99), batch.gather, batch.jobs, batch.commit, batch.wake,
      cpu / elapsed, n > 0 ? cpu * 1e6 / static_cast<double>(n) : 0.0);
  return static_cast<double>(n) / elapsed;
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  const auto benchDir = callpy::bench::prepareBenchDir(o.dir, "storage-bench");
  if (!benchDir) return 1;
  const fs::path dir = benchDir->path;
  std::printf("storage_bench: SQLite %s, WAL, synchronous=FULL, %d-byte rows, dir %s\n",
              sqlite3_libversion(), o.rowBytes, dir.c_str());
  int rc = 0;
  try {
    const double single = runSingle(o, (dir / "single.db").string());
    const double group = runGroup(o, (dir / "group.db").string());
    std::printf("ratio   : %9.1fx  (group / single)\n", group / single);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "storage_bench: %s\n", e.what());
    rc = 1;
  }
  if (benchDir->owned) {
    benchDir->cleanup();
  } else {
    removeDb((dir / "single.db").string());
    removeDb((dir / "group.db").string());
  }
  return rc;
}
