// The baseline without a relay: each call's two peers talk to each other directly over
// 127.0.0.1 (ICE, DTLS, SRTP between them; the offerer is the DTLS server). What the table then
// shows is the load client's own send -> kernel -> receive path, the part of every relay row's
// latency that is not the relay.
#include <chrono>
#include <thread>

#include "driver.h"

namespace callpy::bench::media {
namespace {

class DirectDriver : public Driver {
 public:
  SetupResult setup(PeerPool& pool, int calls, bool video, double timeoutSeconds) override {
    SetupResult r;
    const auto t0 = std::chrono::steady_clock::now();
    const auto deadline = t0 + std::chrono::duration<double>(timeoutSeconds);
    std::vector<Peer*> peers;
    auto note = [&r](const std::string& what) {
      if (r.errors.size() < 5) r.errors.push_back(what);
    };
    for (int i = 0; i < calls; ++i) {
      std::string reason;
      Peer* offerer = pool.create(2 * i, video, true, &reason);
      Peer* answerer = offerer ? pool.create(2 * i + 1, video, false, &reason) : nullptr;
      if (!offerer || !answerer) {
        note("peer: " + reason);
        continue;
      }
      peers.push_back(offerer);
      peers.push_back(answerer);
    }
    for (std::size_t i = 0; i + 1 < peers.size(); i += 2) {
      Peer& a = *peers[i];
      Peer& b = *peers[i + 1];
      while (!(a.gathered.load() && b.gathered.load()) &&
             std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      std::string offer, answer, reason;
      pool.sync(a, [&](Peer& p) { offer = p.offer(); });
      pool.sync(b, [&](Peer& p) { answer = p.answerOffer(offer, &reason); });
      if (answer.empty()) {
        note("answer: " + reason);
        continue;
      }
      bool applied = false;
      pool.sync(a, [&](Peer& p) { applied = p.applyAnswer(answer, &reason); });
      if (!applied) note("apply answer: " + reason);
    }
    const double left = std::chrono::duration<double>(deadline - std::chrono::steady_clock::now()).count();
    waitForMedia(peers, std::max(0.0, left),
                 [] { std::this_thread::sleep_for(std::chrono::milliseconds(5)); }, r);
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return r;
  }
  void idle(double seconds) override {
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  }
  void teardown() override {}
};

}  // namespace

std::unique_ptr<Driver> makeDirectDriver() { return std::make_unique<DirectDriver>(); }

}  // namespace callpy::bench::media
