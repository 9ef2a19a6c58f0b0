// chat_load: a load generator for callpyd's realtime chat, speaking the real protocol
// (daemon/realtime/protocol.md) over its own client-side WebSocket code. See run.sh.
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <regex>
#include <sstream>

#include "bench.h"

int main(int argc, char** argv) {
  callpy::bench::Options o;
  std::string phases = "idle,latency,max,fanout";
  CLI::App app{"chat_load: idle sockets, latency, durable msg/s and fan-out against a running callpyd"};
  // run.sh passes defaults; later arguments (the user's) win.
  app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app.add_option("--url", o.url, "ws://127.0.0.1:PORT")->required();
  app.add_option("--key", o.key, "widget key of the site the visitors use")->required();
  app.add_option("--cookie", o.cookie, "operator session cookie, callpy_session=...")->required();
  app.add_option("--daemon-pid", o.daemonPid, "callpyd's pid (RSS, CPU and fd figures)")->required();
  app.add_option("--idle", o.idle, "idle visitor connections to try")->capture_default_str();
  app.add_option("--rate", o.rate, "messages/s in the latency phase")->capture_default_str();
  app.add_option("--seconds", o.seconds, "length of each measured phase")->capture_default_str();
  app.add_option("--fanout-operators", o.fanoutOperators, "operator sockets in the fan-out phase")->capture_default_str();
  app.add_option("--visitors", o.visitors, "sending visitors (latency, max)")->capture_default_str();
  app.add_option("--window", o.window, "unacked messages per visitor in the max phase")->capture_default_str();
  app.add_option("--fanout-visitors", o.fanoutVisitors, "sending visitors in the fan-out phase")->capture_default_str();
  app.add_option("--fanout-window", o.fanoutWindow, "unacked messages per sender in the fan-out phase")->capture_default_str();
  app.add_option("--sources", o.sources, "source addresses 127.0.0.2..; 0: the kernel's choice")->capture_default_str();
  app.add_option("--connect-concurrency", o.connectConcurrency, "upgrades in flight while opening")->capture_default_str();
  app.add_option("--phases", phases, "comma-separated: idle,latency,max,fanout")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  std::smatch m;
  static const std::regex kUrl(R"(^ws://(\d+\.\d+\.\d+\.\d+):(\d+)/?$)");
  if (!std::regex_match(o.url, m, kUrl)) {
    std::fprintf(stderr, "chat_load: --url must be ws://IPv4:PORT\n");
    return 2;
  }
  callpy::bench::Target target;
  target.host = m[1];
  target.port = std::stoi(m[2]);
  target.visitorPath = "/ws/visitor?key=" + o.key;
  target.cookie = o.cookie;
  target.sources = target.host.rfind("127.", 0) == 0 ? o.sources : 0;
  o.phases.clear();
  std::stringstream ss(phases);
  for (std::string p; std::getline(ss, p, ',');) {
    if (p != "idle" && p != "latency" && p != "max" && p != "fanout") {
      std::fprintf(stderr, "chat_load: unknown phase '%s'\n", p.c_str());
      return 2;
    }
    o.phases.push_back(p);
  }
  if (o.rate <= 0 || o.seconds <= 0 || o.visitors <= 0 || o.window <= 0 || o.fanoutWindow <= 0) {
    std::fprintf(stderr, "chat_load: rates, counts and windows must be positive\n");
    return 2;
  }
  // As many sockets as the hard limit allows.
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &lim);
  }
  try {
    callpy::bench::Bench bench(o, target);
    return bench.run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "chat_load: %s\n", e.what());
    return 1;
  }
}
