// chat_store_bench: durable chat messages/s through DialogService (authorisation, idempotency
// check, seq assignment, insert + FTS5 index, last_seq update), on the group-commit writer.
//
// N producers post into D dialogs; each waits for its message to be durable (the `ack`) before
// sending the next one, like a chat client. Two modes:
//   sync : one thread per producer calling postMessage (blocks until the commit);
//   async: postMessageAsync; each ack's completion posts that producer's next message (what the
//          realtime event loop does: no thread waits on the disk).
// Prints messages/s, ack latency p50/p99/p99.9 and the writer's batch figures, then checks that
// every dialog's seqs are 1..last_seq with no gap.
//
// Usage: chat_store_bench [--seconds N] [--warmup N] [--producers N] [--dialogs N]
//                         [--mode sync|async|both] [--dir PATH] [--checkpoint PAGES]
//                         [--page-size BYTES] [--cache-kb KIB]
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "../common/bench_dir.h"
#include "../common/measure.h"
#include "core/dialogs/dialog_service.h"
#include "storage/database.h"
#include "storage/dialog_repository.h"

namespace {

namespace fs = std::filesystem;
using callpy::bench::Clock;
using callpy::bench::cpuSeconds;
namespace dialogs = callpy::core::dialogs;
using callpy::storage::Connection;
using callpy::storage::Database;

constexpr std::int64_t kOperatorId = 1;

struct Options : callpy::bench::RunOptions {
  double warmup = 1;
  int dialogs = 1000;
  std::string mode = "both";
  // Experiments for tuning the storage layer (0: leave SQLite's setting as is).
  int checkpoint = 0;  // PRAGMA wal_autocheckpoint on the writer connection, in pages
  int pageSize = 0;    // page size of the new database file
  int cacheKb = 0;     // PRAGMA cache_size of the writer connection, in KiB
};

constexpr const char* kUsage =
    "[--seconds N] [--warmup N] [--producers N] [--dialogs N]\n"
    "          [--mode sync|async|both] [--dir PATH] [--checkpoint PAGES]\n"
    "          [--page-size BYTES] [--cache-kb KIB]\n"
    "  --dir PATH  where the database goes (default: a new directory under $TMPDIR or\n"
    "              /tmp); use the disk you want to measure, not tmpfs\n"
    "  --checkpoint, --page-size, --cache-kb: storage tuning experiments (default: as\n"
    "              callpyd opens its database)\n";

Options parse(int argc, char** argv) {
  Options o;
  callpy::bench::walkArgs(argc, argv, kUsage, o, [&](const std::string& arg, auto& value) {
    if (arg == "--warmup") {
      o.warmup = std::atof(value().c_str());
    } else if (arg == "--dialogs") {
      o.dialogs = std::atoi(value().c_str());
    } else if (arg == "--mode") {
      o.mode = value();
    } else if (arg == "--checkpoint") {
      o.checkpoint = std::atoi(value().c_str());
    } else if (arg == "--cache-kb") {
      o.cacheKb = std::atoi(value().c_str());
    } else if (arg == "--page-size") {
      o.pageSize = std::atoi(value().c_str());
    } else {
      return false;
    }
    return true;
  });
  if (o.seconds <= 0 || o.warmup < 0 || o.producers <= 0 || o.dialogs <= 0 ||
      (o.mode != "sync" && o.mode != "async" && o.mode != "both")) {
    callpy::bench::usageExit(kUsage, argv[0], 2);
  }
  return o;
}

// Postmessage never needs crypto; visitor identities are made directly in SQL below.
class NoCrypto : public callpy::core::ports::Crypto {
 public:
  std::string hashPassword(const std::string&) override { return ""; }
  bool verifyPassword(const std::string&, const std::string&) override { return false; }
  std::string randomToken() override { return ""; }
  std::string sha256Hex(const std::string& s) override { return s; }
};

// Chat-like text (~60-120 bytes, Russian and English words) so the FTS index does real work.
std::string messageText(std::uint64_t seed) {
  static const char* const kWords[] = {
      "здравствуйте", "заказ",  "доставка", "номер", "спасибо", "когда", "оплата", "курьер",
      "hello",        "order",  "delivery", "please", "thanks", "today", "price", "refund",
      "можно",        "вернуть", "товар",   "размер", "цвет",    "сегодня", "завтра", "адрес"};
  std::string s;
  const int n = 6 + static_cast<int>(seed % 8);
  for (int i = 0; i < n; ++i) {
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    if (!s.empty()) s += ' ';
    s += kWords[(seed >> 59) % (sizeof kWords / sizeof kWords[0])];
  }
  return s + "?";
}

std::int64_t scalar(Database& db, const std::string& sql) {
  return db.read([&](Connection& c) {
    auto& s = c.prepare(sql);
    return s.step() ? s.columnInt64(0) : -1;
  });
}

// One site, one operator, D visitors each with an open dialog.
void seed(Database& db, int dialogCount) {
  db.writeSync([&](Connection& c) {
    c.exec(
        "INSERT INTO sites (id, name, widget_key, created_at) VALUES ('shop', 'Shop', 'k', 1);"
        "INSERT INTO users (id, email, created_at) VALUES (1, 'op@example.com', 1);"
        "INSERT INTO memberships (user_id, site_id, role, created_at) "
        "VALUES (1, 'shop', 'operator', 1)");
    for (int i = 1; i <= dialogCount; ++i) {
      c.prepare("INSERT INTO visitors (id, site_id, token_hash, created_at, last_seen_at) "
                "VALUES (?, 'shop', ?, 1, 1)")
          .bind(1, i).bind(2, "token-" + std::to_string(i)).run();
      c.prepare("INSERT INTO dialogs (id, site_id, visitor_id, created_at, last_message_at) "
                "VALUES (?, 'shop', ?, 1, 1)")
          .bind(1, i).bind(2, i).run();
    }
  });
}

struct Actors {
  std::vector<dialogs::Actor> visitors;  // [d] is the visitor of dialog d + 1
  dialogs::Actor op;
};

Actors makeActors(int dialogCount) {
  callpy::core::accounts::Principal p;
  p.user = callpy::core::accounts::User{kOperatorId, "op@example.com", "Op", "en", std::nullopt};
  p.memberships = {{"shop", "Shop", callpy::core::accounts::Role::Operator, false, false}};
  Actors a{{}, dialogs::Actor(p)};
  for (int i = 1; i <= dialogCount; ++i) a.visitors.emplace_back(dialogs::VisitorRef{i, "shop"});
  return a;
}

// What producer `p` sends as its n-th message: rotating over the dialogs, visitor and operator
// taking turns.
struct Post {
  std::int64_t dialog;
  const dialogs::Actor* actor;
  std::string cid;
  std::string text;
};
Post nextPost(const Options& o, const Actors& actors, int p, std::uint64_t n) {
  const auto d = static_cast<std::int64_t>((static_cast<std::uint64_t>(p) + n * o.producers) %
                                           static_cast<std::uint64_t>(o.dialogs));
  const dialogs::Actor* actor = n % 2 ? &actors.op : &actors.visitors[static_cast<std::size_t>(d)];
  return {d + 1, actor, "p" + std::to_string(p) + "-" + std::to_string(n),
          messageText(static_cast<std::uint64_t>(p) * 1'000'003 + n)};
}

struct Result {
  std::uint64_t messages = 0;
  double elapsed = 0;
  double cpu = 0;
  std::vector<float> latencies;  // microseconds
  std::uint64_t errors = 0;
};

// Sync: one blocking thread per producer.
Result runSync(const Options& o, dialogs::DialogService& chat, const Actors& actors, double seconds,
               std::uint64_t round) {
  std::atomic<std::uint64_t> errors{0};
  auto run = callpy::bench::runProducers(o.producers, seconds, [&](int p) {
    return [&, p, n = round << 32]() mutable -> std::optional<float> {
      auto post = nextPost(o, actors, p, n++);
      const auto t0 = Clock::now();
      try {
        chat.postMessage(*post.actor, post.dialog, post.cid, post.text);
      } catch (const std::exception& e) {
        if (errors++ == 0) std::fprintf(stderr, "postMessage: %s\n", e.what());
        return std::nullopt;
      }
      return callpy::bench::microsSince(t0);
    };
  });
  Result r;
  r.elapsed = run.elapsed;
  r.cpu = run.cpu;
  r.latencies = std::move(run.latencies);
  r.messages = r.latencies.size();
  r.errors = errors;
  return r;
}

// Async: each completion sends that producer's next message; no thread waits on a commit.
struct AsyncState {
  const Options* o = nullptr;
  dialogs::DialogService* chat = nullptr;
  const Actors* actors = nullptr;
  std::atomic<bool> stop{false};
  std::mutex m;
  std::condition_variable cv;
  int running = 0;  // guarded by m
  std::atomic<std::uint64_t> errors{0};
  std::vector<std::vector<float>> lat;  // [p] is touched only by p's (serial) completions
};

// Posts producer p's n-th message; its completion sends n + 1 until stopped. The completion
// holds the state, so it stays alive while the storage thread still runs the last one.
void sendAsync(const std::shared_ptr<AsyncState>& st, int p, std::uint64_t n) {
  if (st->stop.load(std::memory_order_relaxed)) {
    std::lock_guard lock(st->m);
    if (--st->running == 0) st->cv.notify_all();
    return;
  }
  auto post = nextPost(*st->o, *st->actors, p, n);
  const auto t0 = Clock::now();
  st->chat->postMessageAsync(
      *post.actor, post.dialog, post.cid, post.text,
      [st, p, n, t0](std::optional<dialogs::PostResult> r, std::exception_ptr) {
        if (r) {
          st->lat[static_cast<std::size_t>(p)].push_back(callpy::bench::microsSince(t0));
        } else {
          st->errors++;
        }
        sendAsync(st, p, n + 1);
      });
}

Result runAsync(const Options& o, dialogs::DialogService& chat, const Actors& actors,
                double seconds, std::uint64_t round) {
  auto st = std::make_shared<AsyncState>();
  st->o = &o;
  st->chat = &chat;
  st->actors = &actors;
  st->lat.resize(static_cast<std::size_t>(o.producers));
  for (auto& l : st->lat) l.reserve(1 << 16);
  st->running = o.producers;

  Result r;
  const double cpu0 = cpuSeconds();
  const auto start = Clock::now();
  for (int p = 0; p < o.producers; ++p) sendAsync(st, p, round << 32);
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  st->stop.store(true);
  {
    std::unique_lock lock(st->m);
    st->cv.wait(lock, [&] { return st->running == 0; });
  }
  // Includes the acks still in flight at the stop: they are counted too.
  r.elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  r.cpu = cpuSeconds() - cpu0;
  for (auto& l : st->lat) r.latencies.insert(r.latencies.end(), l.begin(), l.end());
  r.messages = r.latencies.size();
  r.errors = st->errors;
  return r;
}

void report(const char* name, const Options& o, Result r, const callpy::storage::WriteStats& a,
            const callpy::storage::WriteStats& b) {
  const callpy::bench::Latencies latency(std::move(r.latencies));
  const callpy::bench::BatchFigures batch(a, b);
  const double n = static_cast<double>(r.messages);
  std::printf(
      "%-5s: %9.0f durable msg/s  (%llu messages, %d producers, %d dialogs, %.1f s, %llu errors)\n"
      "       ack latency p50 %.0f us, p99 %.0f us, p99.9 %.0f us, max %.0f us\n"
      "       %.0f commits, %.1f msgs/commit; per commit: gather %.0f us, jobs %.0f us, "
      "fsync+commit %.0f us, wake %.0f us\n"
      "       CPU (user+sys, all threads): %.2f cores, %.1f us per message\n",
      name, n / r.elapsed, static_cast<unsigned long long>(r.messages), o.producers, o.dialogs,
      r.elapsed, static_cast<unsigned long long>(r.errors), latency.pct(0.50), latency.pct(0.99),
      latency.pct(0.999), latency.pct(1.0), batch.batches, batch.per(n), batch.gather, batch.jobs,
      batch.commit, batch.wake, r.cpu / r.elapsed, n > 0 ? r.cpu * 1e6 / n : 0.0);
}

int run(const Options& o, const fs::path& dir) {
  const std::string path = (dir / "chat.db").string();
  callpy::bench::removeDb(path);
  if (o.pageSize > 0) {
    // The page size is fixed by the first table; set it on the empty file before the migrations.
    sqlite3* raw = nullptr;
    sqlite3_open(path.c_str(), &raw);
    const std::string sql = "PRAGMA page_size = " + std::to_string(o.pageSize) +
                            "; CREATE TABLE bench_page_size (x); DROP TABLE bench_page_size;";
    sqlite3_exec(raw, sql.c_str(), nullptr, nullptr, nullptr);
    sqlite3_close(raw);
  }
  auto db = Database::open({.path = path, .readers = 2});
  seed(*db, o.dialogs);
  db->writeSync([&](Connection& c) {
    if (o.checkpoint > 0) c.exec("PRAGMA wal_autocheckpoint = " + std::to_string(o.checkpoint));
    if (o.cacheKb > 0) c.exec("PRAGMA cache_size = -" + std::to_string(o.cacheKb));
  });
  int rc = 0;
  {
    callpy::storage::DialogRepository repo(*db);
    NoCrypto crypto;
    const std::int64_t now = 1'700'000'000;
    dialogs::DialogService chat(repo, crypto, [now] { return now; });
    const Actors actors = makeActors(o.dialogs);

    std::uint64_t round = 0;
    auto measure = [&](const char* name, auto runner) {
      // Warm-up: fills the WAL to its checkpoint size and the page cache, as in a running daemon.
      if (o.warmup > 0) runner(o, chat, actors, o.warmup, ++round);
      const auto before = db->writeStats();
      auto result = runner(o, chat, actors, o.seconds, ++round);
      report(name, o, std::move(result), before, db->writeStats());
    };
    if (o.mode != "async") measure("sync", runSync);
    if (o.mode != "sync") measure("async", runAsync);
  }
  // Every dialog: seqs exactly 1..last_seq, and every stored message is counted once.
  const auto broken = scalar(
      *db,
      "SELECT count(*) FROM dialogs d WHERE d.last_seq <> (SELECT count(*) FROM messages m "
      "WHERE m.dialog_id = d.id) OR d.last_seq <> coalesce((SELECT max(seq) FROM messages m "
      "WHERE m.dialog_id = d.id), 0)");
  const auto total = scalar(*db, "SELECT count(*) FROM messages");
  std::printf("check: %lld messages stored, %lld dialogs with a seq gap or mismatch\n",
              static_cast<long long>(total), static_cast<long long>(broken));
  if (broken != 0) rc = 1;
  db.reset();
  callpy::bench::removeDb(path);
  return rc;
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  const auto benchDir = callpy::bench::prepareBenchDir(o.dir, "chat-store-bench");
  if (!benchDir) return 1;
  const fs::path dir = benchDir->path;
  std::printf("chat_store_bench: DialogService::postMessage, WAL, synchronous=FULL, FTS5, dir %s\n",
              dir.c_str());
  int rc = 0;
  try {
    rc = run(o, dir);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "chat_store_bench: %s\n", e.what());
    rc = 1;
  }
  benchDir->cleanup();
  return rc;
}
