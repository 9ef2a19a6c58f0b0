#include "realtime/ws_frame.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "ws_test_client.h"

namespace callpy::realtime {
namespace {

using testing::clientClose;
using testing::clientFrame;
using testing::clientText;
using testing::RawFrameOptions;

struct Event {
  std::string kind;  // text, binary, ping, pong, close
  std::string payload;
  std::uint16_t code = 0;
};

struct Recorder : FrameSink {
  std::vector<Event> events;
  void onMessage(Opcode op, std::string_view p) override {
    events.push_back({op == Opcode::Text ? "text" : "binary", std::string(p)});
  }
  void onPing(std::string_view p) override { events.push_back({"ping", std::string(p)}); }
  void onPong(std::string_view p) override { events.push_back({"pong", std::string(p)}); }
  void onClose(std::uint16_t code, std::string_view reason) override {
    events.push_back({"close", std::string(reason), code});
  }
};

struct Harness {
  FrameLimits limits;
  FrameParser parser{limits};
  Recorder sink;
  explicit Harness(FrameLimits l = {}) : limits(l), parser(limits) {}
  FrameParser::Status feed(std::string bytes) {
    return parser.feed(bytes.data(), bytes.size(), sink);
  }
  FrameParser::Status feedBytewise(const std::string& bytes) {
    FrameParser::Status s = parser.status();
    for (char c : bytes) {
      s = parser.feed(&c, 1, sink);
      if (s != FrameParser::Status::Ok) break;
    }
    return s;
  }
};

TEST(FrameParser, DecodesMaskedTextFrame) {
  Harness h;
  EXPECT_EQ(h.feed(clientText("hello")), FrameParser::Status::Ok);
  ASSERT_EQ(h.sink.events.size(), 1u);
  EXPECT_EQ(h.sink.events[0].kind, "text");
  EXPECT_EQ(h.sink.events[0].payload, "hello");
}

TEST(FrameParser, OneByteAtATimeGivesTheSameMessages) {
  Harness h;
  std::string big(70000, 'x');
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>('a' + i % 26);
  const std::string wire = clientText("первое") + clientFrame(0x2, std::string("\0\1\2", 3)) +
                           clientText(big) + clientFrame(0x1, "", {});
  FrameLimits l;
  l.maxFrame = 100000;
  l.maxMessage = 100000;
  Harness hb(l);
  EXPECT_EQ(hb.feedBytewise(wire), FrameParser::Status::Ok);
  ASSERT_EQ(hb.sink.events.size(), 4u);
  EXPECT_EQ(hb.sink.events[0].payload, "первое");
  EXPECT_EQ(hb.sink.events[1].kind, "binary");
  EXPECT_EQ(hb.sink.events[1].payload, std::string("\0\1\2", 3));
  EXPECT_EQ(hb.sink.events[2].payload, big);
  EXPECT_EQ(hb.sink.events[3].kind, "text");
  EXPECT_EQ(hb.sink.events[3].payload, "");
  EXPECT_EQ(hb.parser.bufferedBytes(), 0u) << "no buffer is kept once the message is delivered";
}

TEST(FrameParser, RandomSplitsAgree) {
  std::mt19937 rng(7);
  std::string wire;
  std::vector<std::string> expected;
  for (int i = 0; i < 40; ++i) {
    std::string msg(rng() % 3000, 'a');
    for (auto& c : msg) c = static_cast<char>('a' + rng() % 26);
    expected.push_back(msg);
    if (i % 3 == 0 && msg.size() > 10) {  // fragmented, with a ping in between
      RawFrameOptions first;
      first.fin = false;
      wire += clientFrame(0x1, msg.substr(0, 5), first);
      wire += clientFrame(0x9, "p");
      wire += clientFrame(0x0, msg.substr(5));
    } else {
      wire += clientText(msg);
    }
  }
  for (int round = 0; round < 20; ++round) {
    Harness h;
    std::string copy = wire;
    std::size_t pos = 0;
    while (pos < copy.size()) {
      std::size_t n = std::min<std::size_t>(copy.size() - pos, 1 + rng() % 700);
      ASSERT_EQ(h.parser.feed(copy.data() + pos, n, h.sink), FrameParser::Status::Ok);
      pos += n;
    }
    std::vector<std::string> texts;
    for (auto& e : h.sink.events)
      if (e.kind == "text") texts.push_back(e.payload);
    EXPECT_EQ(texts, expected);
  }
}

TEST(FrameParser, FragmentedMessageWithControlFramesBetween) {
  Harness h;
  RawFrameOptions notFin;
  notFin.fin = false;
  const std::string wire = clientFrame(0x1, "Hel", notFin) + clientFrame(0x9, "ping!") +
                           clientFrame(0x0, "lo ", notFin) + clientFrame(0xA, "") +
                           clientFrame(0x0, "world");
  EXPECT_EQ(h.feedBytewise(wire), FrameParser::Status::Ok);
  ASSERT_EQ(h.sink.events.size(), 3u);
  EXPECT_EQ(h.sink.events[0].kind, "ping");
  EXPECT_EQ(h.sink.events[0].payload, "ping!");
  EXPECT_EQ(h.sink.events[1].kind, "pong");
  EXPECT_EQ(h.sink.events[2].payload, "Hello world");
}

void expectFailure(const std::string& wire, std::uint16_t code, FrameLimits limits = {}) {
  Harness whole(limits);
  EXPECT_EQ(whole.feed(wire), FrameParser::Status::Failed);
  EXPECT_EQ(whole.parser.errorCode(), code);
  Harness bytewise(limits);
  EXPECT_EQ(bytewise.feedBytewise(wire), FrameParser::Status::Failed);
  EXPECT_EQ(bytewise.parser.errorCode(), code);
  // Once failed it stays failed and consumes nothing.
  std::string more = clientText("x");
  EXPECT_EQ(whole.parser.feed(more.data(), more.size(), whole.sink), FrameParser::Status::Failed);
}

TEST(FrameParser, RejectsProtocolViolations) {
  RawFrameOptions unmasked;
  unmasked.masked = false;
  expectFailure(clientFrame(0x1, "hi", unmasked), close_code::kProtocolError);
  RawFrameOptions rsv;
  rsv.rsv = 4;  // RSV1: no extension was negotiated
  expectFailure(clientFrame(0x1, "hi", rsv), close_code::kProtocolError);
  for (std::uint8_t op : {3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF})
    expectFailure(clientFrame(op, "x"), close_code::kProtocolError);
  RawFrameOptions notFin;
  notFin.fin = false;
  expectFailure(clientFrame(0x9, "x", notFin), close_code::kProtocolError);  // fragmented ping
  expectFailure(clientFrame(0x9, std::string(126, 'p')), close_code::kProtocolError);
  expectFailure(clientFrame(0x0, "orphan"), close_code::kProtocolError);
  expectFailure(clientFrame(0x1, "a", notFin) + clientText("b"), close_code::kProtocolError);
}

TEST(FrameParser, RejectsLengthWithTopBitSet) {
  std::string wire;
  wire.push_back(static_cast<char>(0x82));
  wire.push_back(static_cast<char>(0x80 | 127));
  wire.push_back(static_cast<char>(0x80));
  wire.append(7, '\0');
  wire.append(4, '\x11');
  expectFailure(wire, close_code::kProtocolError);
}

TEST(FrameParser, EnforcesFrameAndMessageLimits) {
  FrameLimits l;
  l.maxFrame = 100;
  l.maxMessage = 150;
  expectFailure(clientText(std::string(101, 'a')), close_code::kMessageTooBig, l);
  RawFrameOptions notFin;
  notFin.fin = false;
  expectFailure(clientFrame(0x1, std::string(100, 'a'), notFin) +
                    clientFrame(0x0, std::string(51, 'b')),
                close_code::kMessageTooBig, l);
  // Exactly at the limits is fine.
  Harness h(l);
  EXPECT_EQ(h.feed(clientFrame(0x1, std::string(100, 'a'), notFin) +
                   clientFrame(0x0, std::string(50, 'b'))),
            FrameParser::Status::Ok);
  ASSERT_EQ(h.sink.events.size(), 1u);
  EXPECT_EQ(h.sink.events[0].payload.size(), 150u);
  // A huge 64-bit length fails before any payload arrives.
  std::string wire;
  wire.push_back(static_cast<char>(0x81));
  wire.push_back(static_cast<char>(0x80 | 127));
  wire.append("\x00\x00\x00\x01\x00\x00\x00\x00", 8);
  wire.append(4, '\x01');
  expectFailure(wire, close_code::kMessageTooBig, l);
}

TEST(FrameParser, ValidatesUtf8IncludingAcrossFragments) {
  expectFailure(clientText("\xC0\xAF"), close_code::kInvalidPayload);      // overlong '/'
  expectFailure(clientText("\xED\xA0\x80"), close_code::kInvalidPayload);  // surrogate
  expectFailure(clientText("\xF4\x90\x80\x80"), close_code::kInvalidPayload);  // > U+10FFFF
  expectFailure(clientText("ok\xE2\x82"), close_code::kInvalidPayload);    // truncated
  RawFrameOptions notFin;
  notFin.fin = false;
  // "€" = E2 82 AC split over two fragments is valid.
  Harness h;
  EXPECT_EQ(h.feed(clientFrame(0x1, "\xE2\x82", notFin) + clientFrame(0x0, "\xAC")),
            FrameParser::Status::Ok);
  ASSERT_EQ(h.sink.events.size(), 1u);
  EXPECT_EQ(h.sink.events[0].payload, "\xE2\x82\xAC");
  // Invalid in the first fragment fails without waiting for the end of the message.
  Harness early;
  EXPECT_EQ(early.feed(clientFrame(0x1, "\xFF", notFin)), FrameParser::Status::Failed);
  EXPECT_EQ(early.parser.errorCode(), close_code::kInvalidPayload);
  // Binary messages are not UTF-8 checked.
  Harness bin;
  EXPECT_EQ(bin.feed(clientFrame(0x2, "\xFF\xFE")), FrameParser::Status::Ok);
}

TEST(Utf8Validator, AcceptsAndRejects) {
  EXPECT_TRUE(isValidUtf8(""));
  EXPECT_TRUE(isValidUtf8("plain ascii that is longer than eight bytes"));
  EXPECT_TRUE(isValidUtf8("\xF0\x9F\x98\x80 emoji, \xD0\xBF\xD1\x80\xD0\xB8 ru, \xEF\xBF\xBF"));
  EXPECT_TRUE(isValidUtf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF
  EXPECT_FALSE(isValidUtf8("\x80"));
  EXPECT_FALSE(isValidUtf8("\xE0\x80\xAF"));
  EXPECT_FALSE(isValidUtf8("\xF0\x80\x80\xAF"));
  EXPECT_FALSE(isValidUtf8("\xF5\x80\x80\x80"));
  EXPECT_FALSE(isValidUtf8("abc\xC3"));
}

TEST(FrameParser, CloseFrames) {
  {
    Harness h;
    EXPECT_EQ(h.feed(clientClose(1000, "bye") + clientText("ignored")), FrameParser::Status::Closed);
    ASSERT_EQ(h.sink.events.size(), 1u);
    EXPECT_EQ(h.sink.events[0].code, 1000);
    EXPECT_EQ(h.sink.events[0].payload, "bye");
  }
  {
    Harness h;
    EXPECT_EQ(h.feed(clientFrame(0x8, "")), FrameParser::Status::Closed);
    EXPECT_EQ(h.sink.events.at(0).code, close_code::kNoStatus);
  }
  for (std::uint16_t ok : {1000, 1001, 1003, 1007, 1011, 3000, 4999}) {
    Harness h;
    EXPECT_EQ(h.feedBytewise(clientClose(ok)), FrameParser::Status::Closed) << ok;
  }
  for (std::uint16_t bad : {0, 999, 1004, 1005, 1006, 1015, 1016, 2000, 2999, 5000, 65535})
    expectFailure(clientClose(bad), close_code::kProtocolError);
  expectFailure(clientFrame(0x8, "\x03"), close_code::kProtocolError);  // one byte
  expectFailure(clientClose(1000, "\xFF"), close_code::kInvalidPayload);
}

TEST(FrameEncoder, HeadersForEveryLengthForm) {
  for (std::size_t n : {0u, 1u, 125u, 126u, 65535u, 65536u, 200000u}) {
    std::string payload(n, 'z');
    std::string wire = encodeFrame(Opcode::Binary, payload);
    const std::size_t header = n <= 125 ? 2 : n <= 65535 ? 4 : 10;
    EXPECT_EQ(wire.size(), header + n) << n;
    auto f = testing::takeServerFrame(wire);
    ASSERT_TRUE(f.has_value()) << n;
    EXPECT_FALSE(f->masked);
    EXPECT_TRUE(f->fin);
    EXPECT_EQ(f->opcode, 0x2);
    EXPECT_EQ(f->payload, payload);
    EXPECT_TRUE(wire.empty());
  }
}

TEST(FrameEncoder, SharedTextAndControlFrames) {
  SharedBuffer a = encodeText("{\"t\":\"msg\"}");
  SharedBuffer b = a;  // fan-out shares, never copies
  EXPECT_EQ(a.get(), b.get());
  std::string wire = *a + encodePing("p") + encodePong("q") + encodeClose(1001, "bye");
  auto t = testing::takeServerFrame(wire);
  auto ping = testing::takeServerFrame(wire);
  auto pong = testing::takeServerFrame(wire);
  auto close = testing::takeServerFrame(wire);
  ASSERT_TRUE(t && ping && pong && close);
  EXPECT_EQ(t->opcode, 0x1);
  EXPECT_EQ(t->payload, "{\"t\":\"msg\"}");
  EXPECT_EQ(ping->opcode, 0x9);
  EXPECT_EQ(pong->opcode, 0xA);
  EXPECT_EQ(pong->payload, "q");
  EXPECT_EQ(close->opcode, 0x8);
  EXPECT_EQ(close->closeCode(), 1001);
  EXPECT_EQ(close->payload.substr(2), "bye");
}

TEST(FrameEncoder, CloseReasonIsCutOnACharacterBoundary) {
  std::string reason;
  for (int i = 0; i < 100; ++i) reason += "\xD0\xAF";  // 200 bytes of two-byte letters
  std::string wire = encodeClose(1000, reason);
  auto f = testing::takeServerFrame(wire);
  ASSERT_TRUE(f);
  EXPECT_LE(f->payload.size(), 125u);
  EXPECT_TRUE(isValidUtf8(f->payload.substr(2)));
}

}  // namespace
}  // namespace callpy::realtime
