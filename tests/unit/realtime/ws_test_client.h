#pragma once
// A deliberately separate, minimal client side of RFC 6455 for tests: it builds masked client
// frames and decodes server frames with its own code, so a bug in the server codec cannot hide
// itself by being used on both ends.
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>

namespace callpy::realtime::testing {

struct RawFrameOptions {
  bool fin = true;
  std::uint8_t rsv = 0;          // bits 4-6 of the first byte
  bool masked = true;
  int lengthForm = 0;            // 0: minimal; 126 or 127: force that length encoding
  std::uint32_t mask = 0x37FA213D;
};

inline std::string clientFrame(std::uint8_t opcode, std::string_view payload,
                               RawFrameOptions o = {}) {
  std::string out;
  out.push_back(static_cast<char>((o.fin ? 0x80 : 0) | ((o.rsv & 7) << 4) | (opcode & 0x0F)));
  const std::uint8_t maskBit = o.masked ? 0x80 : 0;
  const std::size_t n = payload.size();
  if (o.lengthForm == 0 && n < 126) {
    out.push_back(static_cast<char>(maskBit | n));
  } else if (o.lengthForm == 126 || (o.lengthForm == 0 && n <= 0xFFFF)) {
    out.push_back(static_cast<char>(maskBit | 126));
    out.push_back(static_cast<char>((n >> 8) & 0xFF));
    out.push_back(static_cast<char>(n & 0xFF));
  } else {
    out.push_back(static_cast<char>(maskBit | 127));
    for (int i = 7; i >= 0; --i) out.push_back(static_cast<char>((std::uint64_t{n} >> (8 * i)) & 0xFF));
  }
  const unsigned char key[4] = {static_cast<unsigned char>(o.mask >> 24),
                                static_cast<unsigned char>(o.mask >> 16),
                                static_cast<unsigned char>(o.mask >> 8),
                                static_cast<unsigned char>(o.mask)};
  if (o.masked) out.append(reinterpret_cast<const char*>(key), 4);
  for (std::size_t i = 0; i < n; ++i)
    out.push_back(o.masked ? static_cast<char>(payload[i] ^ key[i % 4]) : payload[i]);
  return out;
}

inline std::string clientText(std::string_view s) { return clientFrame(0x1, s); }

inline std::string clientClose(std::uint16_t code, std::string_view reason = {}) {
  std::string p;
  p.push_back(static_cast<char>(code >> 8));
  p.push_back(static_cast<char>(code & 0xFF));
  p.append(reason);
  return clientFrame(0x8, p);
}

struct ServerFrame {
  std::uint8_t opcode = 0;
  bool fin = false;
  bool masked = false;
  std::string payload;
  std::uint16_t closeCode() const {
    return payload.size() >= 2 ? static_cast<std::uint16_t>(
                                     (static_cast<unsigned char>(payload[0]) << 8) |
                                     static_cast<unsigned char>(payload[1]))
                               : 0;
  }
};

// Takes one complete frame off the front of buf; nullopt when more bytes are needed.
inline std::optional<ServerFrame> takeServerFrame(std::string& buf) {
  if (buf.size() < 2) return std::nullopt;
  const auto b0 = static_cast<unsigned char>(buf[0]);
  const auto b1 = static_cast<unsigned char>(buf[1]);
  std::size_t at = 2;
  std::uint64_t len = b1 & 0x7F;
  if (len == 126) {
    if (buf.size() < 4) return std::nullopt;
    len = (static_cast<unsigned char>(buf[2]) << 8) | static_cast<unsigned char>(buf[3]);
    at = 4;
  } else if (len == 127) {
    if (buf.size() < 10) return std::nullopt;
    len = 0;
    for (int i = 0; i < 8; ++i) len = (len << 8) | static_cast<unsigned char>(buf[2 + i]);
    at = 10;
  }
  const bool masked = (b1 & 0x80) != 0;
  if (masked) at += 4;
  if (buf.size() < at + len) return std::nullopt;
  ServerFrame f;
  f.opcode = b0 & 0x0F;
  f.fin = (b0 & 0x80) != 0;
  f.masked = masked;
  f.payload = buf.substr(at, len);
  buf.erase(0, at + len);
  return f;
}

// Blocking socket end used by tests, with deadlines on every read.
class RawPeer {
 public:
  explicit RawPeer(int fd = -1) : fd_(fd) {}
  RawPeer(const RawPeer&) = delete;
  RawPeer& operator=(const RawPeer&) = delete;
  ~RawPeer() {
    if (fd_ >= 0) ::close(fd_);
  }

  static RawPeer connectTcp(unsigned short port) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      ::close(fd);
      throw std::runtime_error("connect failed");
    }
    return RawPeer(fd);
  }
  RawPeer(RawPeer&& o) noexcept : fd_(o.fd_), in_(std::move(o.in_)) { o.fd_ = -1; }

  int fd() const { return fd_; }
  void sendRaw(std::string_view data) {
    std::size_t sent = 0;
    while (sent < data.size()) {
      ssize_t n = ::send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) throw std::runtime_error("send failed");
      sent += static_cast<std::size_t>(n);
    }
  }
  // Sends one byte per send() call, so the server sees every possible split.
  void sendBytewise(std::string_view data) {
    for (char c : data) sendRaw(std::string_view(&c, 1));
  }

  // Reads once (waiting up to timeout); false on EOF/error/timeout.
  bool readSome(std::chrono::milliseconds timeout, bool* eof = nullptr) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return false;
    char buf[65536];
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) {
      if (eof) *eof = true;
      return false;
    }
    in_.append(buf, static_cast<std::size_t>(n));
    return true;
  }

  std::optional<ServerFrame> readFrame(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      if (auto f = takeServerFrame(in_)) return f;
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0 || !readSome(left)) return std::nullopt;
    }
  }

  // True when the server closed the TCP connection within the timeout.
  bool waitEof(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      bool eof = false;
      if (!readSome(left, &eof)) return eof;
    }
  }

  // Reads the HTTP response head (through the blank line); leaves any bytes after it buffered.
  std::string readHttpHead(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      auto end = in_.find("\r\n\r\n");
      if (end != std::string::npos) {
        std::string head = in_.substr(0, end + 4);
        in_.erase(0, end + 4);
        return head;
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0 || !readSome(left)) return in_;
    }
  }

  std::string& buffered() { return in_; }

 private:
  int fd_;
  std::string in_;
};

}  // namespace callpy::realtime::testing
