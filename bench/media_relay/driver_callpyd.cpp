// callpyd signalling (daemon/realtime/protocol.md "Calls"), per call: a visitor socket opens a
// dialog with a message, an operator socket sends call_start for it, the visitor accepts, then
// each side sends call_offer with its peer's offer (candidates included, a=end-of-candidates)
// and applies the call_answer. The WebSocket client is chat_load's (written from the RFC).
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <map>
#include <mutex>

#include "../chat_load/json_scan.h"
#include "../chat_load/ws_client.h"
#include "driver.h"

namespace callpy::bench::media {

namespace {

std::string jsonString(const std::string& s) {
  std::string out = "\"";
  for (char ch : s) {
    switch (ch) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default: out += ch;
    }
  }
  return out + "\"";
}

struct CallSlot {
  Conn* visitor = nullptr;
  Conn* op = nullptr;
  Peer* vPeer = nullptr;
  Peer* oPeer = nullptr;
  std::int64_t dialog = 0;
  std::string callId;
  bool offered = false;
};

class CallpydDriver final : public Driver {
 public:
  explicit CallpydDriver(CallpydTarget t) : loop_(makeTarget(t)) {
    loop_.onOpen = [this](Conn& c) { onOpen(c); };
    loop_.onText = [this](Conn& c, std::string_view text) { onText(c, text); };
    loop_.onClosed = [this](Conn& c) {
      ++closed_;
      if (!tearingDown_) error("socket closed: " + c.error + " (close code " + std::to_string(c.closeCode) + ")");
    };
  }

  SetupResult setup(PeerPool& pool, int calls, bool video, double timeoutSeconds) override {
    pool_ = &pool;
    video_ = video;
    const auto t0 = nowNs();
    const auto deadline = t0 + static_cast<std::int64_t>(timeoutSeconds * 1e9);
    SetupResult r;
    slots_.resize(static_cast<std::size_t>(calls));
    std::vector<Peer*> peers;
    for (int i = 0; i < calls; ++i) {
      auto& s = slots_[static_cast<std::size_t>(i)];
      std::string why;
      s.oPeer = pool.create(2 * i, video, true, &why);
      s.vPeer = s.oPeer ? pool.create(2 * i + 1, video, true, &why) : nullptr;
      if (!s.vPeer) {
        error("peer: " + why);
        break;
      }
      peers.push_back(s.oPeer);
      peers.push_back(s.vPeer);
      s.visitor = loop_.open(Role::kVisitor, &why);
      s.op = loop_.open(Role::kOperator, &why);
      if (!s.visitor || !s.op) {
        error("socket: " + why);
        break;
      }
      created_ += 2;
      byConn_[s.visitor] = i;
      byConn_[s.op] = i;
      // Keep the upgrades in flight below POCO's accept queue (it drops connections beyond it).
      while (pendingWelcomes() > 16 && nowNs() < deadline) loop_.poll(5'000'000);
    }
    waitForMedia(peers, (deadline - nowNs()) / 1e9, [this] { loop_.poll(5'000'000); }, r);
    r.errors.insert(r.errors.begin(), errors_.begin(), errors_.end());
    {
      std::lock_guard lock(mediaErrorsMutex_);
      r.errors.insert(r.errors.begin(), mediaErrors_.begin(), mediaErrors_.end());
    }
    r.seconds = (nowNs() - t0) / 1e9;
    return r;
  }

  void idle(double seconds) override {
    const auto end = nowNs() + static_cast<std::int64_t>(seconds * 1e9);
    while (nowNs() < end) loop_.poll(20'000'000);
  }

  void teardown() override {
    tearingDown_ = true;
    for (auto& s : slots_) {
      if (s.op && !s.callId.empty()) loop_.sendText(*s.op, R"({"t":"call_hangup","call":")" + s.callId + "\"}");
    }
    idle(0.5);
    for (auto& c : loop_.conns()) {
      if (c->state != Conn::State::kClosed) loop_.close(*c, "done");
    }
  }

 private:
  static Target makeTarget(const CallpydTarget& t) {
    Target target;
    target.host = t.host;
    target.port = t.port;
    target.visitorPath = "/ws/visitor?key=" + t.key;
    target.cookie = t.cookie;
    target.sources = 50;  // spread visitors over 127.0.0.2.. (per-address limits)
    return target;
  }

  int pendingWelcomes() const { return created_ - welcomed_ - closed_; }

  void error(const std::string& e) {
    ++errorCount_;
    if (errors_.size() < 6) errors_.push_back(e);
  }

  void onOpen(Conn& c) {
    ++opened_;
    if (c.role == Role::kOperator) {
      loop_.sendText(c, R"({"t":"hello","v":1})");
      return;
    }
    char hello[256];
    std::snprintf(hello, sizeof hello,
                  R"({"t":"hello","v":1,"token":null,"tab":"t%u","page":{"url":"https://bench.example/call","title":"Media relay bench"},"lang":"en"})",
                  c.index);
    loop_.sendText(c, hello);
  }

  void onText(Conn& c, std::string_view text) {
    auto f = scanFrame(text);
    if (!f.ok) return;
    auto it = byConn_.find(&c);
    if (it == byConn_.end()) return;
    auto& s = slots_[static_cast<std::size_t>(it->second)];
    const bool visitor = &c == s.visitor;
    if (f.t == "welcome") {
      ++welcomed_;
      if (!visitor) opWelcomed_[&c] = true;
      if (visitor) loop_.sendText(c, R"({"t":"msg","cid":"bench-1","text":"Позвоните мне"})");
    } else if (f.t == "ack" && visitor && s.dialog == 0) {
      s.dialog = toInt(f.dialog);
      startWhenReady(s);
    } else if (f.t == "welcome" || f.t == "msg") {
      return;  // operators see every visitor's message
    } else if (f.t == "call") {
      onCallFrame(s, visitor, text);
    } else if (f.t == "call_answer") {
      auto obj = parse(text);
      if (!obj) return;
      auto sdp = obj->optValue<std::string>("sdp", "");
      Peer* p = visitor ? s.vPeer : s.oPeer;
      pool_->post(*p, [this, sdp](Peer& peer) {
        std::string why;
        if (!peer.applyAnswer(sdp, &why)) errorFromMedia("answer: " + why);
      });
    } else if (f.t == "err") {
      error(std::string(visitor ? "visitor" : "operator") + " err " + std::string(f.code) + ": " +
            std::string(f.message));
    }
    startWhenReady(s);
  }

  void startWhenReady(CallSlot& s) {
    // The operator starts once the dialog exists and its own socket is welcomed.
    if (s.dialog == 0 || started_.count(s.dialog) || !welcomedOp(s)) return;
    started_.insert({s.dialog, true});
    loop_.sendText(*s.op, R"({"t":"call_start","dialog":)" + std::to_string(s.dialog) +
                              R"(,"video":)" + (video_ ? "true" : "false") + "}");
  }

  bool welcomedOp(const CallSlot& s) const { return s.op && s.op->state == Conn::State::kOpen && opWelcomed_.count(s.op); }

  void onCallFrame(CallSlot& s, bool visitor, std::string_view text) {
    auto obj = parse(text);
    if (!obj) return;
    auto call = obj->getObject("call");
    if (!call) return;
    const auto dialog = call->optValue<Poco::Int64>("dialog", 0);
    if (dialog != s.dialog) return;  // operators get every call of the site
    const auto state = call->optValue<std::string>("state", "");
    const auto id = call->optValue<std::string>("id", "");
    if (visitor && state == "ringing" && s.callId.empty()) {
      s.callId = id;
      loop_.sendText(*s.visitor, R"({"t":"call_accept","call":")" + id + "\"}");
    } else if (!visitor && state == "active" && !s.offered) {
      s.callId = id;
      s.offered = true;
      for (auto [conn, peer] : {std::pair{s.op, s.oPeer}, std::pair{s.visitor, s.vPeer}}) {
        std::string offer;
        pool_->sync(*peer, [&](Peer& p) { offer = p.offer(); });
        loop_.sendText(*conn, R"({"t":"call_offer","call":")" + id + R"(","sdp":)" + jsonString(offer) + "}");
        loop_.sendText(*conn, R"({"t":"call_ice","call":")" + id + R"(","candidate":""})");
      }
    } else if (state == "ended") {
      error("call ended: " + call->optValue<std::string>("reason", "?"));
    }
  }

  void errorFromMedia(const std::string& e) {
    std::lock_guard lock(mediaErrorsMutex_);
    if (mediaErrors_.size() < 6) mediaErrors_.push_back(e);
  }

  static Poco::JSON::Object::Ptr parse(std::string_view text) {
    try {
      Poco::JSON::Parser parser;
      return parser.parse(std::string(text)).extract<Poco::JSON::Object::Ptr>();
    } catch (...) {
      return nullptr;
    }
  }

  Loop loop_;
  PeerPool* pool_ = nullptr;
  bool video_ = true;
  bool tearingDown_ = false;
  std::vector<CallSlot> slots_;
  std::map<const Conn*, int> byConn_;
  std::map<std::int64_t, bool> started_;
  std::map<const Conn*, bool> opWelcomed_;
  int created_ = 0, opened_ = 0, welcomed_ = 0, closed_ = 0, errorCount_ = 0;
  std::vector<std::string> errors_;
  std::mutex mediaErrorsMutex_;
  std::vector<std::string> mediaErrors_;
};

}  // namespace

std::unique_ptr<Driver> makeCallpydDriver(CallpydTarget target) {
  return std::make_unique<CallpydDriver>(std::move(target));
}

void waitForMedia(const std::vector<Peer*>& peers, double timeoutSeconds,
                  const std::function<void()>& poll, SetupResult& r) {
  const auto deadline = nowNs() + static_cast<std::int64_t>(timeoutSeconds * 1e9);
  for (;;) {
    int pending = 0;
    for (auto* p : peers) {
      if (!p->up.load() && !p->failed.load()) ++pending;
    }
    if (pending == 0 || nowNs() >= deadline) break;
    poll();
  }
  r.callsUp = 0;
  for (std::size_t i = 0; i + 1 < peers.size(); i += 2) {
    if (peers[i]->up.load() && peers[i + 1]->up.load()) ++r.callsUp;
  }
  for (auto* p : peers) {
    if (p->failed.load()) {
      ++r.peersFailed;
      if (r.errors.size() < 6) r.errors.push_back("peer " + std::to_string(p->index()) + ": " + p->failure());
    } else if (!p->up.load() && r.errors.size() < 6) {
      r.errors.push_back("peer " + std::to_string(p->index()) + ": not connected before the deadline");
    }
  }
}

}  // namespace callpy::bench::media
