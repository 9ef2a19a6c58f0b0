// media_relay: K concurrent 1:1 calls with synthetic Opus-sized audio and 720p-like VP8 video
// through a running relay (callpyd or Janus VideoCall), measured from both ends of every call.
// The client side is the daemon's own rtc modules (ICE, DTLS, SRTP, RTP). See run.sh.
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "../chat_load/proc_stats.h"
#include "driver.h"
#include "rtc/dtls/certificate.h"

using namespace callpy::bench::media;

namespace {

std::string loadAverage() {
  std::ifstream in("/proc/loadavg");
  std::string a;
  in >> a;
  return a;
}

// Nanoseconds each thread of `pid` has waited on a run queue (runnable, not running), by tid:
// on a shared 2-core machine this, not the relay's own work, can dominate latency.
std::map<int, long long> runqueueWaitNs(int pid) {
  std::map<int, long long> out;
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    std::ifstream in(it->path() / "schedstat");
    long long run = 0, wait = 0;
    if (in >> run >> wait) out[std::atoi(it->path().filename().c_str())] = wait;
  }
  return out;
}

// Kernel counters that explain loss or delay the relay cannot see: UDP receive/send buffer
// overflows, the per-CPU network backlog (loopback delivery: dropped, and squeezed = softirq ran
// out of budget and left packets to ksoftirqd), and time the hypervisor ran someone else (steal).
struct KernelCounters {
  long long udpRcvbufErrors = 0, udpSndbufErrors = 0, softnetDropped = 0, softnetSqueezed = 0;
  long long stealTicks = 0, totalTicks = 0, busyTicks = 0;  // all CPUs, USER_HZ ticks
};

KernelCounters kernelCounters() {
  KernelCounters k;
  {
    std::ifstream in("/proc/net/snmp");
    std::string header, values;
    while (std::getline(in, header)) {
      if (header.rfind("Udp:", 0) != 0 || !std::getline(in, values)) continue;
      std::istringstream h(header), v(values);
      std::string name, value;
      while (h >> name && v >> value) {
        if (name == "RcvbufErrors") k.udpRcvbufErrors = std::atoll(value.c_str());
        if (name == "SndbufErrors") k.udpSndbufErrors = std::atoll(value.c_str());
      }
      break;
    }
  }
  {
    std::ifstream in("/proc/net/softnet_stat");
    std::string line;
    while (std::getline(in, line)) {
      std::istringstream l(line);
      std::string processed, dropped, squeezed;
      if (l >> processed >> dropped >> squeezed) {
        k.softnetDropped += std::stoll(dropped, nullptr, 16);
        k.softnetSqueezed += std::stoll(squeezed, nullptr, 16);
      }
    }
  }
  {
    std::ifstream in("/proc/stat");
    std::string cpu;
    in >> cpu;
    for (int i = 0; i < 8; ++i) {
      long long v = 0;
      in >> v;
      k.totalTicks += v;
      if (i == 7) k.stealTicks = v;
      if (i != 3 && i != 4 && i != 7) k.busyTicks += v;  // not idle, iowait, steal
    }
  }
  return k;
}

}  // namespace

int main(int argc, char** argv) {
  std::string relay = "callpyd", url, key, cookie;
  int janusPort = 8188, pid = 0, calls = 10, threads = 2, warmup = 3;
  double seconds = 10, setupTimeout = 60;
  bool audioOnly = false;
  std::string label, clientIp = "127.0.0.1", legsFile;
  PeerShared shared;
  CLI::App app{"media_relay: concurrent 1:1 calls through callpyd or Janus, loss/latency/CPU"};
  app.add_option("--relay", relay, "callpyd | janus | direct (no relay: the client's baseline)")->capture_default_str();
  app.add_option("--url", url, "callpyd: ws://127.0.0.1:PORT");
  app.add_option("--key", key, "callpyd: widget key");
  app.add_option("--cookie", cookie, "callpyd: operator session cookie callpy_session=...");
  app.add_option("--janus-port", janusPort, "Janus WebSocket transport port")->capture_default_str();
  app.add_option("--pid", pid, "the relay's pid (CPU over the window)")->required();
  app.add_option("--calls", calls, "concurrent 1:1 calls")->capture_default_str();
  app.add_flag("--audio-only", audioOnly, "no video section");
  app.add_option("--threads", threads, "client media threads")->capture_default_str();
  app.add_option("--seconds", seconds, "measurement window")->capture_default_str();
  app.add_option("--warmup", warmup, "seconds of media before the window")->capture_default_str();
  app.add_option("--setup-timeout", setupTimeout, "seconds for every call to connect")->capture_default_str();
  app.add_option("--video-bytes", shared.videoBytes, "RTP payload per video packet")->capture_default_str();
  app.add_option("--audio-bytes", shared.audioBytes, "RTP payload per audio packet")->capture_default_str();
  app.add_option("--tick-ms", shared.tickMs, "client send tick (ms): what is due goes out in one burst")
      ->capture_default_str();
  app.add_option("--label", label, "printed with the result line");
  app.add_option("--legs", legsFile, "write every peer's SSRCs and local candidates here after setup "
                 "(peers 2i and 2i+1 are call i), for wire_latency.py");
  app.add_option("--client-ip", clientIp, "address the client peers gather on")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &lim);
  }

  std::unique_ptr<Driver> driver;
  if (relay == "callpyd") {
    std::smatch m;
    static const std::regex kUrl(R"(^ws://(\d+\.\d+\.\d+\.\d+):(\d+)/?$)");
    if (!std::regex_match(url, m, kUrl) || key.empty() || cookie.empty()) {
      std::fprintf(stderr, "media_relay: callpyd needs --url ws://IPv4:PORT, --key and --cookie\n");
      return 2;
    }
    driver = makeCallpydDriver({m[1], std::stoi(m[2]), key, cookie});
  } else if (relay == "janus") {
    driver = makeJanusDriver({"127.0.0.1", janusPort});
  } else if (relay == "direct") {
    driver = makeDirectDriver();
  } else {
    std::fprintf(stderr, "media_relay: --relay is callpyd, janus or direct\n");
    return 2;
  }

  Window window;
  std::atomic<bool> sending{false};
  shared.dtls = callpy::rtc::dtls::DtlsContext::create(callpy::rtc::dtls::Certificate::generateEcdsaP256());
  shared.ice.interfaceAddresses = {clientIp};
  shared.ice.iceTimeout = std::chrono::milliseconds(static_cast<int>(setupTimeout * 1000));
  shared.window = &window;
  shared.sending = &sending;
  const bool video = !audioOnly;
  const char* mode = video ? "A+V" : "audio";

  PeerPool pool(static_cast<unsigned>(threads), shared);
  std::printf("== %s %s, %d calls, %d client media threads, load %s\n", relay.c_str(), mode, calls,
              threads, loadAverage().c_str());
  std::fflush(stdout);
  auto setup = driver->setup(pool, calls, video, setupTimeout);
  std::printf("   calls up %d/%d in %.1f s (peers failed %d)\n", setup.callsUp, calls, setup.seconds,
              setup.peersFailed);
  for (const auto& e : setup.errors) std::printf("   ! %s\n", e.c_str());
  std::fflush(stdout);
  if (setup.callsUp == 0) {
    std::printf("RESULT relay=%s mode=%s calls=%d up=0 label=%s\n", relay.c_str(), mode, calls, label.c_str());
    driver->teardown();
    return 1;
  }

  if (!legsFile.empty()) {
    std::ofstream(legsFile) << pool.describeAll();
  }
  sending.store(true);
  driver->idle(warmup);
  pool.resetStats();
  const auto t0 = callpy::bench::monoNs();
  window.end.store(t0 + static_cast<std::int64_t>(seconds * 1e9));
  window.start.store(t0);
  const auto relayThreads0 = callpy::bench::threadTicks(pid);
  const auto selfThreads0 = callpy::bench::threadTicks(::getpid());
  const auto relayWait0 = runqueueWaitNs(pid);
  const auto selfWait0 = runqueueWaitNs(::getpid());
  const auto relay0 = callpy::bench::cpuTicks(pid);
  const auto self0 = callpy::bench::cpuTicks(0);
  const auto kernel0 = kernelCounters();
  driver->idle(seconds);
  const auto kernel1 = kernelCounters();
  const auto relay1 = callpy::bench::cpuTicks(pid);
  const auto self1 = callpy::bench::cpuTicks(0);
  const auto relayThreads1 = callpy::bench::threadTicks(pid);
  const auto relayWait1 = runqueueWaitNs(pid);
  const auto selfWait1 = runqueueWaitNs(::getpid());
  const auto selfThreads1 = callpy::bench::threadTicks(::getpid());
  const auto wall = (callpy::bench::monoNs() - t0) / 1e9;
  const std::string load = loadAverage();
  driver->idle(0.5);  // packets of the window still in flight
  sending.store(false);

  Histogram latency;
  auto t = pool.totals(&latency);
  const double relayCpu = callpy::bench::ticksToSeconds(relay1 - relay0) / wall;  // cores
  const double selfCpu = callpy::bench::ticksToSeconds(self1 - self0) / wall;
  const double expected = setup.callsUp * 2.0 * (50.0 + (video ? 150.0 : 0.0)) * seconds;
  const double relayed = static_cast<double>(t.received) / seconds;
  const double loss = t.sent ? 100.0 * (1.0 - static_cast<double>(t.received) / static_cast<double>(t.sent)) : 100.0;
  const double perCore = relayCpu > 0 ? relayed / relayCpu : 0;
  // CPU that neither the relay nor this client used over the window (someone's build or
  // browser test): a burst of it, not the 1-minute load average, is what delays packets.
  const double otherCpu = std::max(0.0, callpy::bench::ticksToSeconds(
      (kernel1.busyTicks - kernel0.busyTicks) - (relay1 - relay0) - (self1 - self0)) / wall);
  std::printf("   sent %llu packets in the %.1f s window (%.0f expected, %llu refused by the socket)\n",
              static_cast<unsigned long long>(t.sent), seconds, expected,
              static_cast<unsigned long long>(t.sendFailed));
  const std::string profile = t.srtpProfile >= 0
      ? std::string(callpy::rtc::srtp::profileName(static_cast<callpy::rtc::srtp::SrtpProfile>(t.srtpProfile)))
      : "none";
  std::printf("   SRTP profile %s\n", profile.c_str());
  std::printf("   received %llu of them: relayed %.0f packets/s, loss %.3f%%, SRTP errors %llu, RTCP in %llu\n",
              static_cast<unsigned long long>(t.received), relayed, loss,
              static_cast<unsigned long long>(t.srtpErrors), static_cast<unsigned long long>(t.rtcpIn));
  std::printf("   latency (send -> receive, both in this process) p50 %.0f us, p99 %.0f us, p99.9 %.0f us, max %.0f us\n",
              latency.quantileUs(0.5), latency.quantileUs(0.99), latency.quantileUs(0.999), latency.quantileUs(1.0));
  std::printf("   relay CPU %.1f%% (%.2f cores) -> %.0f relayed packets/s per core, %.2f%% CPU per call\n",
              relayCpu * 100, relayCpu, perCore, relayCpu * 100 / setup.callsUp);
  std::printf("   client CPU %.1f%% (%.2f cores) on the same machine; other processes %.1f%%; load average %s\n",
              selfCpu * 100, selfCpu, otherCpu * 100, load.c_str());
  // Where the CPU went, per thread (busiest first): a saturated thread shows as ~100%.
  auto threadLine = [&](const char* who, int p, const std::map<int, long long>& a, const std::map<int, long long>& b,
                        const std::map<int, long long>& wa, const std::map<int, long long>& wb) {
    std::vector<std::pair<double, std::string>> busy;
    for (const auto& [tid, ticks] : b) {
      auto it = a.find(tid);
      const double pct = 100.0 * callpy::bench::ticksToSeconds(ticks - (it == a.end() ? 0 : it->second)) / wall;
      if (pct < 2) continue;
      std::ifstream in("/proc/" + std::to_string(p) + "/task/" + std::to_string(tid) + "/comm");
      std::string comm;
      std::getline(in, comm);
      auto w0 = wa.find(tid), w1 = wb.find(tid);
      if (w0 != wa.end() && w1 != wb.end()) {
        char wait[64];
        std::snprintf(wait, sizeof wait, " (waited for a CPU %.0f%%)", 100.0 * (w1->second - w0->second) / 1e9 / wall);
        comm += wait;
      }
      busy.emplace_back(pct, comm);
    }
    std::sort(busy.rbegin(), busy.rend());
    std::printf("   %s threads:", who);
    for (std::size_t i = 0; i < busy.size() && i < 8; ++i) std::printf(" %s %.0f%%", busy[i].second.c_str(), busy[i].first);
    std::printf("\n");
  };
  std::printf("   kernel over the window: UDP rcvbuf errors %lld, sndbuf errors %lld; softnet dropped %lld, "
              "squeezed %lld; steal %.1f%%\n",
              kernel1.udpRcvbufErrors - kernel0.udpRcvbufErrors, kernel1.udpSndbufErrors - kernel0.udpSndbufErrors,
              kernel1.softnetDropped - kernel0.softnetDropped, kernel1.softnetSqueezed - kernel0.softnetSqueezed,
              100.0 * static_cast<double>(kernel1.stealTicks - kernel0.stealTicks) /
                  static_cast<double>(std::max(1LL, kernel1.totalTicks - kernel0.totalTicks)));
  const auto late = pool.late();
  {
    // Late packets (>= 50 ms): in which 100 ms slots of the window, and at which peers.
    std::uint64_t total = 0;
    std::string slots;
    for (std::size_t i = 0; i < late.lateBySlot.size(); ++i) {
      total += late.lateBySlot[i];
      if (late.lateBySlot[i] > 0 && slots.size() < 400)
        slots += " " + std::to_string(i) + ":" + std::to_string(late.lateBySlot[i]) + "/" +
                 std::to_string(late.allBySlot[i]);
    }
    std::uint64_t peersAudio = 0, peersVideo = 0;
    for (const auto& p : late.peers) {
      peersAudio += p.audio;
      peersVideo += p.video;
    }
    std::printf("   late >= 50 ms: %llu packets (audio %llu, video %llu) at %zu peers; max %.1f ms sent at +%.2f s"
                " (window start: CLOCK_MONOTONIC %.3f s)\n",
                static_cast<unsigned long long>(total), static_cast<unsigned long long>(peersAudio),
                static_cast<unsigned long long>(peersVideo), late.peers.size(), late.maxNs / 1e6,
                (late.maxSentNs - t0) / 1e9, t0 / 1e9);
    if (total > 0) std::printf("   late by 100 ms slot (slot:late/all):%s\n", slots.c_str());
    std::string peers;
    for (std::size_t i = 0; i < late.peers.size() && i < 24; ++i)
      peers += " " + std::to_string(late.peers[i].index) + ":" + std::to_string(late.peers[i].audio) + "a/" +
               std::to_string(late.peers[i].video) + "v";
    if (!late.peers.empty()) std::printf("   late by peer (index:audio/video):%s\n", peers.c_str());
    if (!late.samples.empty()) {
      std::printf("   late samples (peer kind sent+ms recv+ms):");
      for (std::size_t i = 0; i < late.samples.size() && i < 40; ++i) {
        const auto& x = late.samples[i];
        std::printf(" %d%s %.1f/%.1f", x.peer, x.kind == 1 ? "a" : (x.flags & 1) ? "K" : "v",
                    (x.sentNs - t0) / 1e6, (x.receivedNs - t0) / 1e6);
      }
      std::printf("\n");
    }
  }
  threadLine("relay", pid, relayThreads0, relayThreads1, relayWait0, relayWait1);
  threadLine("client", ::getpid(), selfThreads0, selfThreads1, selfWait0, selfWait1);
  std::printf("RESULT relay=%s mode=%s calls=%d up=%d relayed_pps=%.0f loss_pct=%.3f p50_us=%.0f p99_us=%.0f "
              "relay_cpu_pct=%.1f pps_per_core=%.0f cpu_per_call_pct=%.3f client_cpu_pct=%.1f load=%s srtp=%s other_cpu_pct=%.1f max_ms=%.1f label=%s\n",
              relay.c_str(), mode, calls, setup.callsUp, relayed, loss, latency.quantileUs(0.5),
              latency.quantileUs(0.99), relayCpu * 100, perCore, relayCpu * 100 / setup.callsUp, selfCpu * 100,
              load.c_str(), profile.c_str(), otherCpu * 100, late.maxNs / 1e6, label.c_str());
  std::fflush(stdout);
  driver->teardown();
  pool.closeAll();
  return 0;
}
