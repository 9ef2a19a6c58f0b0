#include "bench.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdio>

#include "json_scan.h"

namespace callpy::bench {

namespace {

constexpr std::string_view kClosedByUs = "closed by chat_load";

// cid = b<phase>.<conn>.<n>.<ns since the generator started>: the send time rides in the frame,
// so neither the ack nor the operator's copy needs a lookup.
struct CidInfo {
  int phase = -1;
  std::int64_t sentNs = 0;
};

CidInfo parseCid(std::string_view cid) {
  CidInfo info;
  if (cid.size() < 2 || cid[0] != 'b') return info;
  std::int64_t fields[4] = {0, 0, 0, 0};
  int f = 0;
  for (std::size_t i = 1; i < cid.size() && f < 4; ++i) {
    char ch = cid[i];
    if (ch == '.') ++f;
    else if (ch >= '0' && ch <= '9') fields[f] = fields[f] * 10 + (ch - '0');
    else return info;
  }
  if (f != 3) return info;
  info.phase = static_cast<int>(fields[0]);
  info.sentNs = fields[3];
  return info;
}

void line(const char* name, const std::string& value, const std::string& definition) {
  std::printf("%-30s %-16s # %s\n", name, value.c_str(), definition.c_str());
  std::fflush(stdout);
}

std::string fmt(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

std::string num(double v) { return fmt("%.0f", v); }
std::string ms(double v) { return fmt("%.3f ms", v); }

}  // namespace

Bench::Bench(Options options, Target target) : o_(std::move(options)), loop_(std::move(target)) {
  loop_.onOpen = [this](Conn& c) { onOpen(c); };
  loop_.onText = [this](Conn& c, std::string_view t) { onText(c, t); };
  loop_.onClosed = [this](Conn& c) { onClosed(c); };
}

void Bench::fail(const std::string& why) {
  failed_ = true;
  std::printf("!! %s\n", why.c_str());
  std::fflush(stdout);
}

void Bench::onOpen(Conn& c) {
  if (c.role == Role::kOperator) {
    loop_.sendText(c, R"({"t":"hello","v":1})");
    return;
  }
  char hello[256];
  std::snprintf(hello, sizeof hello,
                R"({"t":"hello","v":1,"token":null,"tab":"tab%u","page":{"url":"https://bench.example/p/%u","title":"Load test"},"lang":"en"})",
                c.index, c.index % 100);
  loop_.sendText(c, hello);
}

void Bench::onText(Conn& c, std::string_view text) {
  Frame f = scanFrame(text);
  if (!f.ok) {
    ++errors_;
    if (errorSamples_.size() < 5) errorSamples_.push_back("unparseable frame: " + std::string(text.substr(0, 200)));
    return;
  }
  if (f.t == "msg") {
    if (c.role != Role::kOperator) return;
    CidInfo cid = parseCid(f.cid);
    if (cid.phase != phaseNo_ || cid.phase < 0) return;
    ++deliveriesPhase_;
    if (recording_) opLatency_.add(monoNs() - start_ - cid.sentNs);
  } else if (f.t == "ack") {
    if (c.outstanding > 0) --c.outstanding;
    c.dialog = toInt(f.dialog);
    CidInfo cid = parseCid(f.cid);
    if (cid.phase != phaseNo_ || cid.phase < 0) return;
    ++acksPhase_;
    if (recording_) ackLatency_.add(monoNs() - start_ - cid.sentNs);
  } else if (f.t == "welcome") {
    if (!c.welcomed) {
      c.welcomed = true;
      ++welcomes_;
      if (c.role == Role::kOperator) ++operatorsLive_;
    }
  } else if (f.t == "err") {
    ++errors_;
    ++errorsPhase_;
    // No ack follows an error for a message: free its window slot.
    if (!f.cid.empty() && c.outstanding > 0) --c.outstanding;
    if (errorSamples_.size() < 5) errorSamples_.push_back(std::string(text.substr(0, 200)));
  }
}

void Bench::onClosed(Conn& c) {
  if (c.welcomed) {
    ++closedAfterWelcome_;
    if (c.role == Role::kOperator) --operatorsLive_;
  } else {
    ++failedBeforeWelcome_;
  }
  if (c.error != kClosedByUs) {
    std::string reason = c.error;
    if (c.welcomed) {
      reason = "after welcome: " + reason;
      ++dropped_;
    }
    ++closeReasons_[reason];
  }
}

bool Bench::waitUntil(const std::function<bool()>& done, double seconds) {
  const std::int64_t deadline = monoNs() + static_cast<std::int64_t>(seconds * 1e9);
  while (!done()) {
    if (monoNs() > deadline) return false;
    loop_.poll(2'000'000);
  }
  return true;
}

std::vector<Conn*> Bench::openMany(Role role, long n, double deadlineSeconds) {
  std::vector<Conn*> started;
  started.reserve(static_cast<std::size_t>(n));
  const std::uint64_t w0 = welcomes_, f0 = failedBeforeWelcome_;
  const std::int64_t deadline = monoNs() + static_cast<std::int64_t>(deadlineSeconds * 1e9);
  std::string openError;
  for (;;) {
    const auto resolved = static_cast<long>((welcomes_ - w0) + (failedBeforeWelcome_ - f0));
    long inflight = static_cast<long>(started.size()) - resolved;
    while (static_cast<long>(started.size()) < n && inflight < o_.connectConcurrency && openError.empty()) {
      Conn* c = loop_.open(role, &openError);
      if (!c) break;
      started.push_back(c);
      ++inflight;
    }
    if (inflight <= 0 && (static_cast<long>(started.size()) >= n || !openError.empty())) break;
    if (monoNs() > deadline) {
      fail("gave up waiting for " + std::to_string(inflight) + " connections to be welcomed");
      break;
    }
    loop_.poll(2'000'000);
  }
  if (!openError.empty()) fail("could not open more connections after " + std::to_string(started.size()) + ": " + openError);
  std::vector<Conn*> welcomed;
  for (Conn* c : started)
    if (c->welcomed && c->fd >= 0) welcomed.push_back(c);
  return welcomed;
}

void Bench::sendMessage(Conn& v) {
  const std::int64_t t = monoNs() - start_;
  char frame[200];
  std::snprintf(frame, sizeof frame,
                R"({"t":"msg","cid":"b%d.%u.%)" PRIu64 R"(.%)" PRId64
                R"(","text":"Load test message %)" PRIu64 R"( - is the blue one in stock?"})",
                phaseNo_, v.index, v.sent, t, v.sent);
  loop_.sendText(v, frame);
  ++v.sent;
  ++v.outstanding;
  ++sentPhase_;
}

void Bench::beginPhase(Mode mode) {
  mode_ = mode;
  ++phaseNo_;
  sentPhase_ = acksPhase_ = deliveriesPhase_ = errorsPhase_ = 0;
  ackLatency_.clear();
  opLatency_.clear();
  recording_ = false;
}

bool Bench::ensureOperator() {
  if (operator_ && operator_->fd >= 0) return true;
  auto ops = openMany(Role::kOperator, 1, 15);
  if (ops.empty()) {
    fail("the operator socket was not welcomed (is --cookie right?)");
    return false;
  }
  operator_ = ops.front();
  return true;
}

bool Bench::ensureSenders() {
  std::erase_if(senders_, [](Conn* c) { return c->fd < 0; });
  if (static_cast<int>(senders_.size()) >= o_.visitors) return true;
  auto more = openMany(Role::kVisitor, o_.visitors - static_cast<long>(senders_.size()), 30);
  beginPhase(Mode::kNone);
  // Each visitor's first message opens its dialog; the measured phases then only append.
  for (Conn* v : more) sendMessage(*v);
  const bool ok = waitUntil([&] { return acksPhase_ + errorsPhase_ >= more.size(); }, 30);
  for (Conn* v : more)
    if (v->fd >= 0 && v->dialog > 0) senders_.push_back(v);
  if (!ok || senders_.empty()) {
    fail("visitors could not open their dialogs (" + std::to_string(acksPhase_) + " of " +
         std::to_string(more.size()) + " acknowledged)");
    return false;
  }
  return true;
}

void Bench::cpuMark() {
  daemonTicks0_ = cpuTicks(o_.daemonPid);
  selfTicks0_ = cpuTicks(0);
  threadTicks0_ = threadTicks(o_.daemonPid);
}

void Bench::cpuLine(const char* prefix, double wall) {
  const double daemonCores = ticksToSeconds(cpuTicks(o_.daemonPid) - daemonTicks0_) / wall;
  const double selfCores = ticksToSeconds(cpuTicks(0) - selfTicks0_) / wall;
  line((std::string(prefix) + ".daemon_cpu").c_str(), fmt("%.2f cores", daemonCores),
       "callpyd utime+stime over the phase's wall time (/proc/PID/stat)");
  // Which threads: the daemon's threads are unnamed, so by start order (rank by thread id, the
  // numbering gdb's `info threads` shows: 1 is the main thread).
  std::vector<std::pair<long long, int>> busy;
  int rank = 0;
  for (const auto& [tid, ticks] : threadTicks(o_.daemonPid)) {
    auto before = threadTicks0_.find(tid);
    busy.emplace_back(ticks - (before == threadTicks0_.end() ? 0 : before->second), ++rank);
  }
  std::sort(busy.rbegin(), busy.rend());
  std::string top;
  for (std::size_t i = 0; i < busy.size() && i < 5 && busy[i].first > 0; ++i)
    top += std::string(top.empty() ? "" : " ") + "#" + std::to_string(busy[i].second) + ":" +
           fmt("%.2f", ticksToSeconds(busy[i].first) / wall);
  line((std::string(prefix) + ".daemon_threads").c_str(), top.empty() ? "-" : top,
       "busiest callpyd threads, #start-order:cores");
  line((std::string(prefix) + ".generator_cpu").c_str(), fmt("%.2f cores", selfCores),
       "this generator's own CPU over the same time (it shares the machine)");
}

void Bench::pump(const std::vector<Conn*>& senders, std::uint32_t window, long maxUndelivered) {
  for (Conn* v : senders) {
    while (v->fd >= 0 && v->outstanding < window) {
      if (maxUndelivered >= 0) {
        const long ops = std::max(1L, operatorsLive_);
        const long undelivered = static_cast<long>(sentPhase_) - static_cast<long>(deliveriesPhase_) / ops;
        if (undelivered >= maxUndelivered) return;
      }
      sendMessage(*v);
    }
  }
}

void Bench::idlePhase() {
  std::printf("\n== idle: visitor WebSockets held open after hello/welcome\n");
  rlimit own{};
  ::getrlimit(RLIMIT_NOFILE, &own);
  const long ownRoom = static_cast<long>(own.rlim_cur) - openFds(::getpid()) - 64;
  const long daemonLimit = maxOpenFiles(o_.daemonPid);
  const long fdBefore = openFds(o_.daemonPid);
  const long daemonRoom = daemonLimit - fdBefore - 64;
  const long portRoom = std::max(1, o_.sources) * 28000L;
  long n = std::min({o_.idle, ownRoom, daemonRoom, portRoom});
  std::string why = "requested " + std::to_string(o_.idle);
  if (n < o_.idle) {
    why += "; limited by ";
    if (n == ownRoom) why += "this generator's RLIMIT_NOFILE (" + std::to_string(own.rlim_cur) + ")";
    else if (n == daemonRoom) why += "callpyd's RLIMIT_NOFILE (" + std::to_string(daemonLimit) + ", " + std::to_string(fdBefore) + " already open)";
    else why += "ephemeral ports of " + std::to_string(o_.sources) + " source addresses";
    why += " minus 64 spare";
  }
  n = std::max(0L, n);
  line("idle.target", num(static_cast<double>(n)), why);

  const long rssBefore = rssKib(o_.daemonPid);
  const long slabBefore = slabKib();
  const std::int64_t t0 = monoNs();
  auto held = openMany(Role::kVisitor, n, std::max(60.0, static_cast<double>(n) / 500.0));
  const double openSeconds = static_cast<double>(monoNs() - t0) / 1e9;
  // Hold them a while, answering pings, and see that none is dropped.
  const double hold = std::min(o_.seconds, 3.0);
  waitUntil([] { return false; }, hold);
  long stillOpen = 0;
  for (Conn* c : held) stillOpen += c->fd >= 0 ? 1 : 0;
  const long rssAfter = rssKib(o_.daemonPid);
  const long fdAfter = openFds(o_.daemonPid);
  const long slabAfter = slabKib();

  line("idle.held", num(static_cast<double>(stillOpen)),
       "visitor sockets welcomed and still open after " + fmt("%.0f", hold) + " s of holding (of " +
           std::to_string(n) + " tried)");
  line("idle.connect_rate", fmt("%.0f /s", static_cast<double>(held.size()) / openSeconds),
       "TCP connect + upgrade + hello -> welcome, " + std::to_string(o_.connectConcurrency) + " in flight");
  line("idle.daemon_rss_before", fmt("%.1f MiB", rssBefore / 1024.0), "callpyd VmRSS before opening them");
  line("idle.daemon_rss_after", fmt("%.1f MiB", rssAfter / 1024.0), "callpyd VmRSS while holding them");
  if (stillOpen > 0)
    line("idle.rss_per_connection", fmt("%.0f B", (rssAfter - rssBefore) * 1024.0 / static_cast<double>(stillOpen)),
         "(after - before) / held; user-space memory only (kernel socket buffers are not in RSS); target <= 4096 B");
  if (stillOpen > 0 && slabBefore >= 0)
    line("idle.kernel_slab_per_socket", fmt("%.0f B", static_cast<double>(slabAfter - slabBefore) * 1024.0 / (2.0 * static_cast<double>(stillOpen))),
         "growth of the kernel's slab (/proc/meminfo) / (2 x held): both ends live here; system-wide, noisy, not in RSS");
  line("idle.daemon_fds", num(static_cast<double>(fdAfter)), "open descriptors in callpyd while holding them");

  for (Conn* c : held)
    if (c->fd >= 0) loop_.close(*c, kClosedByUs);
  // The next phases' operators get a snapshot of connected visitors: let the daemon see them go.
  if (!waitUntil([&] { return openFds(o_.daemonPid) <= fdBefore + 16; }, 60))
    fail("callpyd still has " + std::to_string(openFds(o_.daemonPid)) + " descriptors open 60 s after the idle sockets closed");
}

void Bench::latencyPhase() {
  std::printf("\n== latency: %d visitors with open dialogs send %.0f msg/s in total, one operator receives\n",
              o_.visitors, o_.rate);
  if (!ensureOperator() || !ensureSenders()) return;
  beginPhase(Mode::kLatency);
  recording_ = true;
  const auto total = static_cast<std::uint64_t>(std::llround(o_.rate * o_.seconds));
  const double period = 1e9 / o_.rate;
  cpuMark();
  const std::int64_t t0 = monoNs();
  const std::size_t k = senders_.size();
  std::uint64_t late = 0;  // sent more than 1 ms after its slot (the generator fell behind)
  std::int64_t maxLag = 0;
  while (sentPhase_ < total) {
    const std::int64_t now = monoNs();
    const auto due = std::min<std::uint64_t>(total, static_cast<std::uint64_t>(static_cast<double>(now - t0) / period) + 1);
    while (sentPhase_ < due) {
      const std::int64_t lag = now - t0 - static_cast<std::int64_t>(static_cast<double>(sentPhase_) * period);
      maxLag = std::max(maxLag, lag);
      if (lag > 1'000'000) ++late;
      sendMessage(*senders_[sentPhase_ % k]);
    }
    const auto next = t0 + static_cast<std::int64_t>(static_cast<double>(sentPhase_) * period);
    loop_.poll(std::max<std::int64_t>(0, next - monoNs()));
  }
  const double wall = static_cast<double>(monoNs() - t0) / 1e9;
  cpuLine("latency", wall);
  const bool drained = waitUntil([&] { return acksPhase_ + errorsPhase_ >= total && deliveriesPhase_ >= total; }, 15);
  recording_ = false;
  line("latency.sent", num(static_cast<double>(total)),
       "messages sent, paced at " + fmt("%.0f", o_.rate) + "/s over " + fmt("%.1f", wall) + " s (" +
           std::to_string(late) + " sent > 1 ms after their slot, worst " + fmt("%.1f ms", static_cast<double>(maxLag) / 1e6) + ")");
  line("latency.acked", num(static_cast<double>(acksPhase_)), "acks received (the server acks only after the commit)");
  line("latency.delivered", num(static_cast<double>(deliveriesPhase_)), "msg frames the operator received");
  if (!drained || errorsPhase_ > 0)
    fail("latency phase lost messages: " + std::to_string(total - std::min<std::uint64_t>(total, acksPhase_)) +
         " unacked, " + std::to_string(errorsPhase_) + " errors, " +
         std::to_string(total - std::min<std::uint64_t>(total, deliveriesPhase_)) + " not delivered");
  const char* opDef = "visitor send -> operator receives the msg frame";
  line("latency.deliver_p50", ms(opLatency_.quantileMs(0.5)), opDef);
  line("latency.deliver_p99", ms(opLatency_.quantileMs(0.99)), std::string(opDef) + "; target <= 10 ms");
  line("latency.deliver_p999", ms(opLatency_.quantileMs(0.999)), opDef);
  line("latency.deliver_max", ms(opLatency_.quantileMs(1.0)), opDef);
  const char* ackDef = "visitor send -> its ack (message durable on disk)";
  line("latency.ack_p50", ms(ackLatency_.quantileMs(0.5)), ackDef);
  line("latency.ack_p99", ms(ackLatency_.quantileMs(0.99)), ackDef);
  line("latency.ack_p999", ms(ackLatency_.quantileMs(0.999)), ackDef);
  line("latency.ack_max", ms(ackLatency_.quantileMs(1.0)), ackDef);
}

void Bench::maxPhase() {
  std::printf("\n== max: %d visitors each keep %d unacknowledged messages in flight\n", o_.visitors, o_.window);
  if (!ensureOperator() || !ensureSenders()) return;
  beginPhase(Mode::kMax);
  recording_ = true;
  cpuMark();
  const std::int64_t t0 = monoNs();
  const std::int64_t end = t0 + static_cast<std::int64_t>(o_.seconds * 1e9);
  while (monoNs() < end) {
    pump(senders_, static_cast<std::uint32_t>(o_.window), -1);
    loop_.poll(1'000'000);
  }
  const double wall = static_cast<double>(monoNs() - t0) / 1e9;
  const std::uint64_t acks = acksPhase_, deliveries = deliveriesPhase_;
  cpuLine("max", wall);
  recording_ = false;
  const bool drained = waitUntil([&] {
    return acksPhase_ + errorsPhase_ >= sentPhase_ && deliveriesPhase_ >= sentPhase_; }, 20);
  line("max.acked_per_second", fmt("%.0f /s", static_cast<double>(acks) / wall),
       "acks received per second (each ack = one message committed to disk); target >= 30000");
  line("max.delivered_per_second", fmt("%.0f /s", static_cast<double>(deliveries) / wall),
       "msg frames the one operator socket received per second");
  line("max.ack_p50", ms(ackLatency_.quantileMs(0.5)), "send -> ack at this load");
  line("max.ack_p99", ms(ackLatency_.quantileMs(0.99)), "send -> ack at this load");
  line("max.deliver_p99", ms(opLatency_.quantileMs(0.99)), "send -> operator receives, at this load");
  if (!drained || errorsPhase_ > 0)
    fail("max phase: " + std::to_string(sentPhase_) + " sent, " + std::to_string(acksPhase_) + " acked, " +
         std::to_string(deliveriesPhase_) + " delivered, " + std::to_string(errorsPhase_) + " errors");
}

void Bench::fanoutPhase() {
  std::printf("\n== fanout: %d operator sockets on one site, %d visitors send (%d in flight each)\n",
              o_.fanoutOperators, o_.fanoutVisitors, o_.fanoutWindow);
  if (!ensureSenders()) return;
  if (operator_ && operator_->fd >= 0) loop_.close(*operator_, kClosedByUs);
  operator_ = nullptr;
  const std::int64_t c0 = monoNs();
  fanoutOps_ = openMany(Role::kOperator, o_.fanoutOperators, 60);
  line("fanout.operators", num(static_cast<double>(fanoutOps_.size())),
       "operator sockets welcomed (same user, one site) in " + fmt("%.2f s", static_cast<double>(monoNs() - c0) / 1e9));
  if (fanoutOps_.empty()) return fail("no operator socket for the fan-out phase");
  // Let the visitor snapshots every new operator socket gets arrive before measuring.
  loop_.poll(200'000'000);
  std::vector<Conn*> senders(senders_.begin(), senders_.begin() + std::min<std::size_t>(senders_.size(), static_cast<std::size_t>(o_.fanoutVisitors)));
  beginPhase(Mode::kFanout);
  recording_ = true;
  cpuMark();
  const std::int64_t t0 = monoNs();
  const std::int64_t end = t0 + static_cast<std::int64_t>(o_.seconds * 1e9);
  // Undelivered messages are capped too, so the generator reading 200 sockets is not what falls
  // behind (the server closes a reader with 1 MiB queued).
  const long cap = static_cast<long>(senders.size()) * o_.fanoutWindow;
  while (monoNs() < end) {
    pump(senders, static_cast<std::uint32_t>(o_.fanoutWindow), cap);
    loop_.poll(1'000'000);
  }
  const double wall = static_cast<double>(monoNs() - t0) / 1e9;
  const std::uint64_t deliveries = deliveriesPhase_, acks = acksPhase_;
  const double daemonCores = ticksToSeconds(cpuTicks(o_.daemonPid) - daemonTicks0_) / wall;
  cpuLine("fanout", wall);
  recording_ = false;
  const long live = operatorsLive_;
  const bool drained = waitUntil([&] {
    return acksPhase_ + errorsPhase_ >= sentPhase_ &&
           deliveriesPhase_ >= sentPhase_ * static_cast<std::uint64_t>(std::max(0L, operatorsLive_)); }, 20);
  const double perSecond = static_cast<double>(deliveries) / wall;
  line("fanout.messages_per_second", fmt("%.0f /s", static_cast<double>(acks) / wall), "visitor messages acked per second");
  line("fanout.deliveries_per_second", fmt("%.0f /s", perSecond),
       "msg frames received per second summed over all operator sockets");
  line("fanout.deliveries_per_core", fmt("%.0f /s", daemonCores > 0 ? perSecond / daemonCores : 0),
       "deliveries/s divided by callpyd's CPU cores used in the phase; target >= 100000");
  line("fanout.deliver_p50", ms(opLatency_.quantileMs(0.5)), "send -> each operator socket receives");
  line("fanout.deliver_p99", ms(opLatency_.quantileMs(0.99)), "send -> each operator socket receives");
  line("fanout.operators_lost", num(static_cast<double>(static_cast<long>(fanoutOps_.size()) - live)),
       "operator sockets closed by the server during the phase (slow reader or error)");
  if (!drained || errorsPhase_ > 0)
    fail("fanout phase: " + std::to_string(sentPhase_) + " sent, " + std::to_string(acksPhase_) + " acked, " +
         std::to_string(deliveriesPhase_) + " delivered, " + std::to_string(errorsPhase_) + " errors");
  for (Conn* c : fanoutOps_)
    if (c->fd >= 0) loop_.close(*c, kClosedByUs);
  fanoutOps_.clear();
}

int Bench::run() {
  std::printf("chat_load: %s, callpyd pid %d (%d threads), %ld cores here\n", o_.url.c_str(), o_.daemonPid,
              threadCount(o_.daemonPid), ::sysconf(_SC_NPROCESSORS_ONLN));
  for (const auto& p : o_.phases) {
    if (p == "idle") idlePhase();
    else if (p == "latency") latencyPhase();
    else if (p == "max") maxPhase();
    else if (p == "fanout") fanoutPhase();
  }
  std::printf("\n== summary\n");
  line("connections.welcomed", num(static_cast<double>(welcomes_)), "all sockets that got a welcome");
  line("connections.failed", num(static_cast<double>(failedBeforeWelcome_)), "sockets that closed before their welcome");
  line("connections.dropped", num(static_cast<double>(dropped_)),
       "welcomed sockets closed by the server or the network (not by us)");
  line("protocol.errors", num(static_cast<double>(loop_.protocolErrors)),
       "WebSocket violations seen from the server (framing, masking, handshake)");
  line("protocol.err_frames", num(static_cast<double>(errors_)), "err frames or unparseable JSON from the server");
  line("protocol.pings_answered", num(static_cast<double>(loop_.pingsAnswered)), "server pings answered with pongs");
  line("daemon.rss_end", fmt("%.1f MiB", rssKib(o_.daemonPid) / 1024.0), "callpyd VmRSS at the end");
  for (const auto& [reason, count] : closeReasons_) std::printf("  closed %d x: %s\n", count, reason.c_str());
  for (const auto& e : errorSamples_) std::printf("  error: %s\n", e.c_str());
  return failed_ || loop_.protocolErrors > 0 ? 1 : 0;
}

}  // namespace callpy::bench
