// Janus 1.1.2 signalling over its WebSocket transport ("janus-protocol"), VideoCall plugin, per
// call: two sessions each attach janus.plugin.videocall and register a username; the caller sends
// "call" with its peer's offer; Janus hands the callee an OFFER of its own ("incomingcall"), the
// callee's peer answers it (a=setup:active) with "accept"; the caller gets the answer
// ("accepted"). All sessions share one WebSocket (Janus allows that) and session_timeout is off
// in the config run.sh writes, so no keepalives are needed.
#include <Poco/Buffer.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/WebSocket.h>

#include <cstdio>
#include <map>
#include <mutex>
#include <sstream>

#include "driver.h"

namespace callpy::bench::media {

namespace {

using Poco::JSON::Object;

struct Side {
  Peer* peer = nullptr;
  Poco::Int64 session = 0, handle = 0;
  bool registered = false;
};

struct JanusCall {
  Side caller, callee;
};

// Janus 1.1.2 repeats a=mid in every section of its SDP; our parser (rightly, for browsers)
// refuses that, so the client drops the repeats before parsing.
std::string dropRepeatedMid(const std::string& sdp) {
  std::string out;
  std::string mid;
  std::size_t at = 0;
  while (at < sdp.size()) {
    auto end = sdp.find('\n', at);
    if (end == std::string::npos) end = sdp.size() - 1;
    std::string line = sdp.substr(at, end - at + 1);
    at = end + 1;
    if (line.rfind("m=", 0) == 0) mid.clear();
    if (line.rfind("a=mid:", 0) == 0) {
      if (!mid.empty()) continue;
      mid = line;
    }
    out += line;
  }
  return out;
}

class JanusDriver final : public Driver {
 public:
  explicit JanusDriver(JanusTarget t) : target_(std::move(t)) {}

  SetupResult setup(PeerPool& pool, int calls, bool video, double timeoutSeconds) override {
    pool_ = &pool;
    const auto t0 = nowNs();
    const auto deadline = t0 + static_cast<std::int64_t>(timeoutSeconds * 1e9);
    SetupResult r;
    try {
      connect();
    } catch (const std::exception& e) {
      r.errors.push_back(std::string("Janus WebSocket: ") + e.what());
      return r;
    }
    calls_.resize(static_cast<std::size_t>(calls));
    std::vector<Peer*> peers;
    for (int i = 0; i < calls; ++i) {
      auto& c = calls_[static_cast<std::size_t>(i)];
      std::string why;
      c.caller.peer = pool.create(2 * i, video, true, &why);
      c.callee.peer = c.caller.peer ? pool.create(2 * i + 1, video, false, &why) : nullptr;
      if (!c.callee.peer) {
        r.errors.push_back("peer: " + why);
        calls_.resize(static_cast<std::size_t>(i));
        break;
      }
      peers.push_back(c.caller.peer);
      peers.push_back(c.callee.peer);
    }
    // Sessions, handles and usernames, one round trip at a time for every side.
    auto each = [&](auto fn) {
      for (std::size_t i = 0; i < calls_.size(); ++i) {
        fn(calls_[i].caller, i, true);
        fn(calls_[i].callee, i, false);
      }
    };
    each([&](Side& s, std::size_t, bool) {
      request(R"({"janus":"create")", [&s](Object::Ptr o) { s.session = o->getObject("data")->getValue<Poco::Int64>("id"); });
    });
    if (!drain(deadline)) return fail(r, "create timed out");
    each([&](Side& s, std::size_t i, bool caller) {
      request(R"({"janus":"attach","plugin":"janus.plugin.videocall","session_id":)" + std::to_string(s.session),
              [this, &s, i, caller](Object::Ptr o) {
                s.handle = o->getObject("data")->getValue<Poco::Int64>("id");
                byHandle_[s.handle] = {i, caller};
              });
    });
    if (!drain(deadline)) return fail(r, "attach timed out");
    each([&](Side& s, std::size_t i, bool caller) {
      message(s, R"({"request":"register","username":")" + name(i, caller) + "\"}", "");
    });
    while (registered_ < 2 * static_cast<int>(calls_.size()) && nowNs() < deadline) pollOnce(20);
    if (registered_ < 2 * static_cast<int>(calls_.size())) return fail(r, "register timed out");
    for (std::size_t i = 0; i < calls_.size(); ++i) {
      auto& s = calls_[i].caller;
      std::string offer;
      pool.sync(*s.peer, [&](Peer& p) { offer = p.offer(); });
      message(s, R"({"request":"call","username":")" + name(i, false) + "\"}", offer, "offer");
    }
    waitForMedia(peers, (deadline - nowNs()) / 1e9, [this] { pollOnce(5); }, r);
    r.errors.insert(r.errors.begin(), errors_.begin(), errors_.end());
    r.seconds = (nowNs() - t0) / 1e9;
    return r;
  }

  void idle(double seconds) override {
    const auto end = nowNs() + static_cast<std::int64_t>(seconds * 1e9);
    while (nowNs() < end && ws_) pollOnce(20);
  }

  void teardown() override {
    if (!ws_) return;
    for (auto& c : calls_) {
      if (c.caller.handle) message(c.caller, R"({"request":"hangup"})", "");
    }
    idle(0.3);
    for (auto& c : calls_) {
      for (Side* s : {&c.caller, &c.callee}) {
        if (s->session) send(R"({"janus":"destroy","transaction":"bye","session_id":)" + std::to_string(s->session) + "}");
      }
    }
    idle(0.3);
    try {
      ws_->shutdown();
    } catch (...) {
    }
    ws_.reset();
  }

 private:
  static std::string name(std::size_t i, bool caller) {
    return (caller ? "caller" : "callee") + std::to_string(i);
  }

  SetupResult& fail(SetupResult& r, const std::string& why) {
    r.errors.insert(r.errors.begin(), errors_.begin(), errors_.end());
    r.errors.insert(r.errors.begin(), "Janus: " + why);
    return r;
  }

  void connect() {
    session_ = std::make_unique<Poco::Net::HTTPClientSession>(target_.host, static_cast<Poco::UInt16>(target_.port));
    Poco::Net::HTTPRequest req(Poco::Net::HTTPRequest::HTTP_GET, "/", Poco::Net::HTTPMessage::HTTP_1_1);
    req.set("Sec-WebSocket-Protocol", "janus-protocol");
    Poco::Net::HTTPResponse resp;
    ws_ = std::make_unique<Poco::Net::WebSocket>(*session_, req, resp);
    ws_->setMaxPayloadSize(16 * 1024 * 1024);
  }

  void send(const std::string& text) {
    ws_->sendFrame(text.data(), static_cast<int>(text.size()), Poco::Net::WebSocket::FRAME_TEXT);
  }

  // `head` is an unterminated JSON object; the transaction is appended.
  void request(const std::string& head, std::function<void(Object::Ptr)> onSuccess) {
    const auto tx = "t" + std::to_string(++nextTx_);
    pending_[tx] = std::move(onSuccess);
    send(head + R"(,"transaction":")" + tx + "\"}");
  }

  void message(const Side& s, const std::string& body, const std::string& sdp,
               const char* type = "answer") {
    Object msg;
    msg.set("janus", "message");
    msg.set("session_id", s.session);
    msg.set("handle_id", s.handle);
    msg.set("transaction", "m" + std::to_string(++nextTx_));
    Poco::JSON::Parser parser;
    msg.set("body", parser.parse(body).extract<Object::Ptr>());
    if (!sdp.empty()) {
      Object::Ptr jsep = new Object;
      jsep->set("type", type);
      jsep->set("sdp", sdp);
      msg.set("jsep", jsep);
    }
    std::ostringstream out;
    msg.stringify(out);
    send(out.str());
  }

  bool drain(std::int64_t deadline) {
    while (!pending_.empty() && nowNs() < deadline) pollOnce(20);
    return pending_.empty();
  }

  void error(const std::string& e) {
    if (errors_.size() < 6) errors_.push_back(e);
  }

  // Reads frames for at most `ms` milliseconds.
  void pollOnce(int ms) {
    if (!ws_) return;
    const auto end = nowNs() + static_cast<std::int64_t>(ms) * 1'000'000;
    for (;;) {
      const auto left = end - nowNs();
      if (left <= 0) return;
      if (!ws_->poll(Poco::Timespan(left / 1000), Poco::Net::Socket::SELECT_READ)) return;
      Poco::Buffer<char> buf(0);
      int flags = 0;
      int n = 0;
      try {
        n = ws_->receiveFrame(buf, flags);
      } catch (const std::exception& e) {
        error(std::string("receive: ") + e.what());
        ws_.reset();
        return;
      }
      if (n <= 0 || (flags & Poco::Net::WebSocket::FRAME_OP_BITMASK) == Poco::Net::WebSocket::FRAME_OP_CLOSE) {
        error("Janus closed the WebSocket");
        ws_.reset();
        return;
      }
      handle(std::string(buf.begin(), buf.size()));
    }
  }

  void handle(const std::string& text) {
    Object::Ptr o;
    try {
      Poco::JSON::Parser parser;
      o = parser.parse(text).extract<Object::Ptr>();
    } catch (...) {
      error("unparseable frame: " + text.substr(0, 120));
      return;
    }
    const auto janus = o->optValue<std::string>("janus", "");
    const auto tx = o->optValue<std::string>("transaction", "");
    if (janus == "success" || janus == "error") {
      auto it = pending_.find(tx);
      if (it == pending_.end()) return;
      auto fn = std::move(it->second);
      pending_.erase(it);
      if (janus == "success") fn(o);
      else error("error: " + text.substr(0, 200));
      return;
    }
    if (janus == "trickle") {
      auto at = byHandle_.find(o->optValue<Poco::Int64>("sender", 0));
      auto cand = o->getObject("candidate");
      if (at == byHandle_.end() || !cand) return;
      Peer* p = side(at->second).peer;
      const auto line = cand->optValue<bool>("completed", false) ? std::string() : cand->optValue<std::string>("candidate", "");
      pool_->post(*p, [line](Peer& peer) { peer.addRemoteCandidate(line); });
      return;
    }
    if (janus == "hangup") {
      error("hangup: " + o->optValue<std::string>("reason", "?"));
      return;
    }
    if (janus != "event") return;
    auto at = byHandle_.find(o->optValue<Poco::Int64>("sender", 0));
    if (at == byHandle_.end()) return;
    auto pd = o->getObject("plugindata");
    auto data = pd ? pd->getObject("data") : nullptr;
    if (!data) return;
    if (data->has("error")) {
      error(name(at->second.first, at->second.second) + ": " + data->optValue<std::string>("error", ""));
      return;
    }
    auto result = data->getObject("result");
    const auto event = result ? result->optValue<std::string>("event", "") : "";
    auto jsep = o->getObject("jsep");
    auto& s = side(at->second);
    if (event == "registered") {
      s.registered = true;
      ++registered_;
    } else if (event == "incomingcall" && jsep) {
      const auto sdp = dropRepeatedMid(jsep->optValue<std::string>("sdp", ""));
      std::string answer, why;
      pool_->sync(*s.peer, [&](Peer& p) { answer = p.answerOffer(sdp, &why); });
      if (answer.empty()) {
        error("answer to Janus: " + why);
        if (!dumped_) std::fprintf(stderr, "--- Janus offer that failed ---\n%s\n---\n", sdp.c_str());
        dumped_ = true;
        return;
      }
      message(s, R"({"request":"accept"})", answer, "answer");
    } else if (event == "accepted" && jsep) {
      const auto sdp = dropRepeatedMid(jsep->optValue<std::string>("sdp", ""));
      std::string why;
      bool ok = false;
      pool_->sync(*s.peer, [&](Peer& p) { ok = p.applyAnswer(sdp, &why); });
      if (!ok) {
        error("Janus answer: " + why);
        if (!dumped_) std::fprintf(stderr, "--- Janus answer that failed ---\n%s\n---\n", sdp.c_str());
        dumped_ = true;
      }
    } else if (event == "hangup") {
      error("hangup: " + result->optValue<std::string>("reason", "?"));
    }
  }

  Side& side(const std::pair<std::size_t, bool>& at) {
    auto& c = calls_[at.first];
    return at.second ? c.caller : c.callee;
  }

  JanusTarget target_;
  PeerPool* pool_ = nullptr;
  std::unique_ptr<Poco::Net::HTTPClientSession> session_;
  std::unique_ptr<Poco::Net::WebSocket> ws_;
  std::vector<JanusCall> calls_;
  std::map<std::string, std::function<void(Object::Ptr)>> pending_;
  std::map<Poco::Int64, std::pair<std::size_t, bool>> byHandle_;
  std::uint64_t nextTx_ = 0;
  int registered_ = 0;
  bool dumped_ = false;
  std::vector<std::string> errors_;
};

}  // namespace

std::unique_ptr<Driver> makeJanusDriver(JanusTarget target) {
  return std::make_unique<JanusDriver>(std::move(target));
}

}  // namespace callpy::bench::media
