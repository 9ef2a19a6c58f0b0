#pragma once
// The four measurements of chat_load, run one after another on one event loop.
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "proc_stats.h"
#include "ws_client.h"

namespace callpy::bench {

struct Options {
  std::string url;     // ws://127.0.0.1:PORT
  std::string key;     // widget key
  std::string cookie;  // callpy_session=...
  int daemonPid = 0;
  long idle = 100000;
  double rate = 5000;
  double seconds = 10;
  int fanoutOperators = 200;
  int visitors = 100;        // senders in the latency and max phases
  int window = 32;           // unacknowledged messages per visitor in the max phase
  int fanoutVisitors = 20;   // senders in the fan-out phase
  int fanoutWindow = 4;      // unacknowledged messages per sender in the fan-out phase
  int sources = 250;         // 127.0.0.2 .. 127.0.0.(1+sources)
  int connectConcurrency = 256;
  std::vector<std::string> phases{"idle", "latency", "max", "fanout"};
};

class Bench {
 public:
  Bench(Options options, Target target);
  int run();  // 0 when every phase ran and nothing was lost

 private:
  enum class Mode { kNone, kLatency, kMax, kFanout };

  void idlePhase();
  void latencyPhase();
  void maxPhase();
  void fanoutPhase();

  void onOpen(Conn& c);
  void onText(Conn& c, std::string_view text);
  void onClosed(Conn& c);

  // Opens n connections (at most connectConcurrency upgrading at once) and returns those that
  // got their welcome before the deadline.
  std::vector<Conn*> openMany(Role role, long n, double deadlineSeconds);
  bool waitUntil(const std::function<bool()>& done, double seconds);
  void sendMessage(Conn& v);
  bool ensureSenders();
  bool ensureOperator();
  void pump(const std::vector<Conn*>& senders, std::uint32_t window, long maxUndelivered);
  void beginPhase(Mode mode);
  // Call cpuMark at the start of a phase and cpuLine at its end.
  void cpuMark();
  void cpuLine(const char* prefix, double wallSeconds);
  void fail(const std::string& why);

  Options o_;
  Loop loop_;
  Mode mode_ = Mode::kNone;
  int phaseNo_ = 0;
  std::int64_t start_ = monoNs();

  // Counters of the current phase (reset by beginPhase).
  std::uint64_t sentPhase_ = 0, acksPhase_ = 0, deliveriesPhase_ = 0, errorsPhase_ = 0;
  Samples ackLatency_, opLatency_;
  bool recording_ = false;
  long operatorsLive_ = 0;

  // Whole-run counters.
  std::uint64_t welcomes_ = 0, failedBeforeWelcome_ = 0, closedAfterWelcome_ = 0, dropped_ = 0, errors_ = 0;
  std::map<std::string, int> closeReasons_;
  std::vector<std::string> errorSamples_;

  std::vector<Conn*> senders_;
  Conn* operator_ = nullptr;
  std::vector<Conn*> fanoutOps_;
  bool failed_ = false;
  long long daemonTicks0_ = 0, selfTicks0_ = 0;
  std::map<int, long long> threadTicks0_;
};

}  // namespace callpy::bench
