#include "realtime/ws_frame.h"

#include <algorithm>
#include <cstring>

namespace callpy::realtime {

namespace {

constexpr std::uint8_t kUtf8Reject = 8;

bool isContinuationByte(unsigned char c) { return (c & 0xC0) == 0x80; }
bool isControl(std::uint8_t opcode) { return (opcode & 0x8) != 0; }

std::size_t headerSizeFor(std::size_t payload) {
  return payload <= 125 ? 2 : payload <= 0xFFFF ? 4 : 10;
}

void writeHeader(std::string& out, Opcode opcode, std::size_t payload, bool fin) {
  out.push_back(static_cast<char>((fin ? 0x80 : 0x00) | static_cast<std::uint8_t>(opcode)));
  if (payload <= 125) {
    out.push_back(static_cast<char>(payload));
  } else if (payload <= 0xFFFF) {
    out.push_back(static_cast<char>(126));
    out.push_back(static_cast<char>(payload >> 8));
    out.push_back(static_cast<char>(payload & 0xFF));
  } else {
    out.push_back(static_cast<char>(127));
    for (int shift = 56; shift >= 0; shift -= 8)
      out.push_back(static_cast<char>((static_cast<std::uint64_t>(payload) >> shift) & 0xFF));
  }
}

void unmask(char* p, std::size_t n, const std::uint8_t mask[4], std::uint8_t& offset) {
  std::size_t i = 0;
  // Align to the mask so the bulk can go 8 bytes at a time.
  for (; i < n && offset != 0; ++i, offset = (offset + 1) & 3) p[i] ^= mask[offset];
  if (n - i >= 8) {
    std::uint64_t m8;
    std::uint8_t rep[8] = {mask[0], mask[1], mask[2], mask[3], mask[0], mask[1], mask[2], mask[3]};
    std::memcpy(&m8, rep, 8);
    for (; n - i >= 8; i += 8) {
      std::uint64_t w;
      std::memcpy(&w, p + i, 8);
      w ^= m8;
      std::memcpy(p + i, &w, 8);
    }
  }
  for (; i < n; ++i, offset = (offset + 1) & 3) p[i] ^= mask[offset];
}

}  // namespace

bool isValidCloseCode(std::uint16_t code) {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) ||
         (code >= 3000 && code <= 4999);
}

bool Utf8Validator::feed(const unsigned char* p, std::size_t n) {
  std::uint8_t s = state_;
  std::size_t i = 0;
  while (i < n && s != kUtf8Reject) {
    if (s == 0) {
      while (n - i >= 8) {
        std::uint64_t w;
        std::memcpy(&w, p + i, 8);
        if (w & 0x8080808080808080ULL) break;
        i += 8;
      }
      while (i < n && p[i] < 0x80) ++i;
      if (i == n) break;
      unsigned char c = p[i++];
      if (c < 0xC2) s = kUtf8Reject;        // stray continuation or overlong 2-byte lead
      else if (c < 0xE0) s = 1;
      else if (c == 0xE0) s = 4;            // A0..BF next: no overlong 3-byte forms
      else if (c == 0xED) s = 5;            // 80..9F next: no UTF-16 surrogates
      else if (c < 0xF0) s = 2;
      else if (c == 0xF0) s = 6;            // 90..BF next: no overlong 4-byte forms
      else if (c < 0xF4) s = 3;
      else if (c == 0xF4) s = 7;            // 80..8F next: nothing above U+10FFFF
      else s = kUtf8Reject;
      continue;
    }
    unsigned char c = p[i++];
    switch (s) {
      case 1: s = isContinuationByte(c) ? 0 : kUtf8Reject; break;
      case 2: s = isContinuationByte(c) ? 1 : kUtf8Reject; break;
      case 3: s = isContinuationByte(c) ? 2 : kUtf8Reject; break;
      case 4: s = (c >= 0xA0 && c <= 0xBF) ? 1 : kUtf8Reject; break;
      case 5: s = (c >= 0x80 && c <= 0x9F) ? 1 : kUtf8Reject; break;
      case 6: s = (c >= 0x90 && c <= 0xBF) ? 2 : kUtf8Reject; break;
      case 7: s = (c >= 0x80 && c <= 0x8F) ? 2 : kUtf8Reject; break;
      default: s = kUtf8Reject; break;
    }
  }
  state_ = s;
  return s != kUtf8Reject;
}

bool isValidUtf8(std::string_view s) {
  Utf8Validator v;
  return v.feed(reinterpret_cast<const unsigned char*>(s.data()), s.size()) && v.complete();
}

FrameParser::Status FrameParser::fail(std::uint16_t code, const char* reason) {
  status_ = Status::Failed;
  errorCode_ = code;
  errorReason_ = reason;
  message_.reset();
  control_.reset();
  return status_;
}

void FrameParser::releaseMemory() {
  if (message_ && message_->empty()) message_.reset();
  if (control_ && control_->empty()) control_.reset();
}

std::size_t FrameParser::bufferedBytes() const {
  return (message_ ? message_->capacity() : 0) + (control_ ? control_->capacity() : 0);
}

// Checks the first two header bytes, before any extended length arrives, so garbage fails fast.
// Returns false (status Failed) on a protocol violation.
bool FrameParser::parseHeader() {
  const std::uint8_t b0 = header_[0], b1 = header_[1];
  if (headerSize_ == 2) {
    if (b0 & 0x70) return fail(close_code::kProtocolError, "reserved bits set"), false;
    const std::uint8_t op = b0 & 0x0F;
    const bool fin = (b0 & 0x80) != 0;
    if (op > 0xA || (op > 0x2 && op < 0x8))
      return fail(close_code::kProtocolError, "unknown opcode"), false;
    if (!(b1 & 0x80)) return fail(close_code::kProtocolError, "client frame not masked"), false;
    if (isControl(op)) {
      if (!fin) return fail(close_code::kProtocolError, "fragmented control frame"), false;
      if ((b1 & 0x7F) > 125) return fail(close_code::kProtocolError, "control frame too long"), false;
    } else if (op == 0 && messageOpcode_ == 0) {
      return fail(close_code::kProtocolError, "continuation without a message"), false;
    } else if (op != 0 && messageOpcode_ != 0) {
      return fail(close_code::kProtocolError, "new message inside a fragmented one"), false;
    }
    return true;
  }
  // Complete header: length, mask.
  std::uint64_t length = b1 & 0x7F;
  std::size_t at = 2;
  if (length == 126) {
    length = (std::uint64_t{header_[2]} << 8) | header_[3];
    at = 4;
  } else if (length == 127) {
    length = 0;
    for (int i = 0; i < 8; ++i) length = (length << 8) | header_[2 + i];
    at = 10;
    if (length >> 63) return fail(close_code::kProtocolError, "length with the top bit set"), false;
  }
  std::memcpy(mask_, header_ + at, 4);
  opcode_ = b0 & 0x0F;
  fin_ = (b0 & 0x80) != 0;
  if (!isControl(opcode_)) {
    const std::uint64_t sofar = message_ ? message_->size() : 0;
    if (length > limits_->maxFrame || length > 0xFFFFFFFFULL ||
        sofar + length > limits_->maxMessage)
      return fail(close_code::kMessageTooBig, "message too big"), false;
    if (opcode_ != 0) {
      messageOpcode_ = opcode_;
      utf8_.reset();
    }
  }
  frameLength_ = static_cast<std::uint32_t>(length);
  remaining_ = length;
  maskOffset_ = 0;
  inPayload_ = true;
  return true;
}

bool FrameParser::deliverControl(std::string_view payload, FrameSink& sink) {
  switch (static_cast<Opcode>(opcode_)) {
    case Opcode::Ping: sink.onPing(payload); return true;
    case Opcode::Pong: sink.onPong(payload); return true;
    default: break;
  }
  // Close.
  if (payload.empty()) {
    status_ = Status::Closed;
    sink.onClose(close_code::kNoStatus, {});
    return false;
  }
  if (payload.size() == 1) return fail(close_code::kProtocolError, "close frame of one byte"), false;
  const auto code = static_cast<std::uint16_t>(
      (static_cast<unsigned char>(payload[0]) << 8) | static_cast<unsigned char>(payload[1]));
  if (!isValidCloseCode(code)) return fail(close_code::kProtocolError, "invalid close code"), false;
  const std::string_view reason = payload.substr(2);
  if (!isValidUtf8(reason))
    return fail(close_code::kInvalidPayload, "close reason is not UTF-8"), false;
  status_ = Status::Closed;
  sink.onClose(code, reason);
  return false;
}

// The frame's payload is complete. Returns false when parsing must stop.
bool FrameParser::finishFrame(std::string_view payload, FrameSink& sink) {
  inPayload_ = false;
  headerSize_ = 0;
  if (isControl(opcode_)) {
    const bool go = deliverControl(payload, sink);
    if (control_) control_.reset();
    return go;
  }
  if (!fin_) return true;
  const auto op = static_cast<Opcode>(messageOpcode_);
  messageOpcode_ = 0;
  if (op == Opcode::Text && !utf8_.complete())
    return fail(close_code::kInvalidPayload, "text is not UTF-8"), false;
  sink.onMessage(op, payload);
  message_.reset();
  return status_ == Status::Ok;
}

bool FrameParser::payload(char* data, std::size_t n, FrameSink& sink, std::size_t& used) {
  const bool wholeFrameHere = remaining_ == frameLength_ && n >= remaining_;
  const std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, n));
  unmask(data, take, mask_, maskOffset_);
  remaining_ -= take;
  used = take;
  const bool control = isControl(opcode_);
  if (!control && messageOpcode_ == static_cast<std::uint8_t>(Opcode::Text) &&
      !utf8_.feed(reinterpret_cast<const unsigned char*>(data), take))
    return fail(close_code::kInvalidPayload, "text is not UTF-8"), false;

  if (control) {
    if (wholeFrameHere) return finishFrame(std::string_view(data, take), sink);
    if (!control_) control_ = std::make_unique<std::string>();
    control_->append(data, take);
    if (remaining_ == 0) {
      std::string done = std::move(*control_);
      return finishFrame(done, sink);
    }
    return true;
  }
  // Zero copy when an unfragmented message arrived in one read.
  if (wholeFrameHere && fin_ && !message_) return finishFrame(std::string_view(data, take), sink);
  if (!message_) message_ = std::make_unique<std::string>();
  message_->append(data, take);
  if (remaining_ != 0) return true;
  if (!fin_) {
    inPayload_ = false;
    headerSize_ = 0;
    return true;
  }
  std::string done = std::move(*message_);
  message_.reset();
  return finishFrame(done, sink);
}

FrameParser::Status FrameParser::feed(char* data, std::size_t size, FrameSink& sink) {
  std::size_t pos = 0;
  while (status_ == Status::Ok && pos < size) {
    if (inPayload_) {
      std::size_t used = 0;
      if (!payload(data + pos, size - pos, sink, used)) break;
      pos += used;
      continue;
    }
    std::size_t need = 2;
    if (headerSize_ >= 2) {
      const std::uint8_t len7 = header_[1] & 0x7F;
      need = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + 4;
    }
    const std::size_t take = std::min(need - headerSize_, size - pos);
    std::memcpy(header_ + headerSize_, data + pos, take);
    headerSize_ = static_cast<std::uint8_t>(headerSize_ + take);
    pos += take;
    if (headerSize_ < need) continue;
    if (!parseHeader()) break;
    if (headerSize_ == 2) continue;  // first two bytes checked; now the rest of the header
    if (remaining_ == 0) {  // empty payload: finish the frame now
      std::size_t used = 0;
      if (!payload(data + pos, 0, sink, used)) break;
    }
  }
  return status_;
}

std::string encodeFrame(Opcode opcode, std::string_view payload, bool fin) {
  std::string out;
  out.reserve(headerSizeFor(payload.size()) + payload.size());
  writeHeader(out, opcode, payload.size(), fin);
  out.append(payload);
  return out;
}

SharedBuffer encodeText(std::string_view payload) {
  return std::make_shared<const std::string>(encodeFrame(Opcode::Text, payload));
}

SharedBuffer encodeBinary(std::string_view payload) {
  return std::make_shared<const std::string>(encodeFrame(Opcode::Binary, payload));
}

std::string encodePing(std::string_view payload) {
  return encodeFrame(Opcode::Ping, payload.substr(0, 125));
}

std::string encodePong(std::string_view payload) {
  return encodeFrame(Opcode::Pong, payload.substr(0, 125));
}

std::string encodeClose(std::uint16_t code, std::string_view reason) {
  if (reason.size() > 123) {
    std::size_t cut = 123;
    while (cut > 0 && isContinuationByte(static_cast<unsigned char>(reason[cut]))) --cut;
    reason = reason.substr(0, cut);
  }
  std::string payload;
  payload.reserve(2 + reason.size());
  payload.push_back(static_cast<char>(code >> 8));
  payload.push_back(static_cast<char>(code & 0xFF));
  payload.append(reason);
  return encodeFrame(Opcode::Close, payload);
}

}  // namespace callpy::realtime
