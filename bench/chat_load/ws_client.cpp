#include "ws_client.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <stdexcept>

namespace callpy::bench {

namespace {

constexpr std::string_view kGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
constexpr std::size_t kMaxFrame = 16 * 1024 * 1024;  // anything larger is a server bug here

std::string base64(const unsigned char* data, int size) {
  std::string out(4 * ((size + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, size);
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::uint64_t splitmix(std::uint64_t& s) {
  std::uint64_t z = (s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

bool iequalsPrefix(std::string_view line, std::string_view name) {
  if (line.size() < name.size()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    char a = line[i], b = name[i];
    if (a >= 'A' && a <= 'Z') a = static_cast<char>(a - 'A' + 'a');
    if (b >= 'A' && b <= 'Z') b = static_cast<char>(b - 'A' + 'a');
    if (a != b) return false;
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string expectedAccept(std::string_view key) {
  std::string joined(key);
  joined += kGuid;
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(joined.data()), joined.size(), digest);
  return base64(digest, SHA_DIGEST_LENGTH);
}

Loop::Loop(Target target)
    : target_(std::move(target)),
      rng_(static_cast<std::uint64_t>(::time(nullptr)) ^ static_cast<std::uint64_t>(::getpid())),
      events_(1024),
      readBuf_(256 * 1024, '\0') {
  epoll_ = ::epoll_create1(EPOLL_CLOEXEC);
  if (epoll_ < 0) throw std::runtime_error(std::string("epoll_create1: ") + std::strerror(errno));
}

Loop::~Loop() {
  for (auto& c : conns_)
    if (c->fd >= 0) ::close(c->fd);
  if (epoll_ >= 0) ::close(epoll_);
}

Conn* Loop::open(Role role, std::string* error) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    if (error) *error = std::string("socket: ") + std::strerror(errno);
    return nullptr;
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (target_.sources > 0) {
    // Each source address has its own ephemeral port range (and its own per-address count on
    // the server); the port is picked at connect() so the 4-tuple, not the 2-tuple, must be unique.
    ::setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
    sockaddr_in src{};
    src.sin_family = AF_INET;
    std::uint32_t host = (127u << 24) | (2u + nextSource_++ % static_cast<std::uint32_t>(target_.sources));
    src.sin_addr.s_addr = htonl(host);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&src), sizeof src) != 0) {
      if (error) *error = std::string("bind: ") + std::strerror(errno);
      ::close(fd);
      return nullptr;
    }
  }
  sockaddr_in dst{};
  dst.sin_family = AF_INET;
  dst.sin_port = htons(static_cast<std::uint16_t>(target_.port));
  ::inet_pton(AF_INET, target_.host.c_str(), &dst.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&dst), sizeof dst) != 0 && errno != EINPROGRESS) {
    if (error) *error = std::string("connect: ") + std::strerror(errno);
    ::close(fd);
    return nullptr;
  }
  auto conn = std::make_unique<Conn>();
  conn->fd = fd;
  conn->role = role;
  conn->index = static_cast<std::uint32_t>(conns_.size());
  conn->wantWrite = true;
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP;
  ev.data.u64 = conn->index;
  ::epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &ev);
  conns_.push_back(std::move(conn));
  ++live_;
  return conns_.back().get();
}

void Loop::arm(Conn& c, bool wantWrite) {
  if (c.wantWrite == wantWrite || c.fd < 0) return;
  c.wantWrite = wantWrite;
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLRDHUP | (wantWrite ? EPOLLOUT : 0u);
  ev.data.u64 = c.index;
  ::epoll_ctl(epoll_, EPOLL_CTL_MOD, c.fd, &ev);
}

void Loop::markDirty(Conn& c) {
  if (c.dirty) return;
  c.dirty = true;
  dirty_.push_back(&c);
}

void Loop::queueFrame(Conn& c, std::uint8_t opcode, std::string_view payload) {
  unsigned char head[14];
  std::size_t n = 0;
  head[n++] = static_cast<unsigned char>(0x80 | opcode);
  const std::uint64_t len = payload.size();
  if (len < 126) {
    head[n++] = static_cast<unsigned char>(0x80 | len);
  } else if (len <= 0xFFFF) {
    head[n++] = 0x80 | 126;
    head[n++] = static_cast<unsigned char>(len >> 8);
    head[n++] = static_cast<unsigned char>(len);
  } else {
    head[n++] = 0x80 | 127;
    for (int i = 7; i >= 0; --i) head[n++] = static_cast<unsigned char>(len >> (8 * i));
  }
  const std::uint32_t mask = static_cast<std::uint32_t>(splitmix(rng_));
  unsigned char m[4];
  std::memcpy(m, &mask, 4);
  std::memcpy(head + n, m, 4);
  n += 4;
  const std::size_t at = c.out.size();
  c.out.append(reinterpret_cast<const char*>(head), n);
  c.out.append(payload);
  char* p = c.out.data() + at + n;
  for (std::size_t i = 0; i < len; ++i) p[i] = static_cast<char>(p[i] ^ m[i & 3]);
  markDirty(c);
}

void Loop::sendText(Conn& c, std::string_view text) {
  if (c.state != Conn::State::kOpen) return;
  queueFrame(c, 0x1, text);
}

bool Loop::flushOne(Conn& c) {
  while (!c.out.empty()) {
    ssize_t n = ::send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
    if (n > 0) {
      c.out.erase(0, static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      arm(c, true);
      return true;
    }
    if (n < 0 && errno == EINTR) continue;
    fail(c, std::string("send: ") + std::strerror(errno));
    return false;
  }
  if (c.out.capacity() > 64 * 1024) std::string().swap(c.out);
  if (c.state != Conn::State::kConnecting) arm(c, false);
  return true;
}

void Loop::flush() {
  // Swap first: a failure inside flushOne may call back into code that queues more.
  std::vector<Conn*> list;
  list.swap(dirty_);
  for (Conn* c : list) {
    c->dirty = false;
    if (c->fd >= 0 && c->state != Conn::State::kConnecting) flushOne(*c);
  }
}

void Loop::fail(Conn& c, std::string why) {
  if (c.fd < 0) return;
  if (c.error.empty()) c.error = std::move(why);
  ::epoll_ctl(epoll_, EPOLL_CTL_DEL, c.fd, nullptr);
  ::close(c.fd);
  c.fd = -1;
  c.state = Conn::State::kClosed;
  std::string().swap(c.in);
  std::string().swap(c.out);
  --live_;
  if (onClosed) onClosed(c);
}

void Loop::close(Conn& c, std::string_view why) { fail(c, std::string(why)); }

int Loop::poll(std::int64_t timeoutNs) {
  flush();
  timespec ts{static_cast<time_t>(timeoutNs / 1'000'000'000),
              static_cast<long>(timeoutNs % 1'000'000'000)};
  int n = ::epoll_pwait2(epoll_, events_.data(), static_cast<int>(events_.size()),
                         timeoutNs < 0 ? nullptr : &ts, nullptr);
  if (n < 0) return 0;
  for (int i = 0; i < n; ++i) {
    auto idx = static_cast<std::size_t>(events_[static_cast<std::size_t>(i)].data.u64);
    if (idx < conns_.size()) handle(*conns_[idx], events_[static_cast<std::size_t>(i)].events);
  }
  flush();
  return n;
}

void Loop::handle(Conn& c, std::uint32_t events) {
  if (c.fd < 0) return;
  if (events & EPOLLOUT) onWritable(c);
  if (c.fd >= 0 && (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))) onReadable(c);
}

void Loop::onWritable(Conn& c) {
  if (c.state == Conn::State::kConnecting) {
    int err = 0;
    socklen_t len = sizeof err;
    ::getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) return fail(c, std::string("connect: ") + std::strerror(err));
    unsigned char raw[16];
    for (int i = 0; i < 16; i += 8) {
      std::uint64_t r = splitmix(rng_);
      std::memcpy(raw + i, &r, 8);
    }
    c.key = base64(raw, 16);
    std::string req = "GET ";
    req += c.role == Role::kVisitor ? target_.visitorPath : target_.operatorPath;
    req += " HTTP/1.1\r\nHost: " + target_.host + ":" + std::to_string(target_.port) +
           "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
           "Sec-WebSocket-Key: " + c.key + "\r\nUser-Agent: chat_load\r\n";
    if (c.role == Role::kOperator && !target_.cookie.empty()) req += "Cookie: " + target_.cookie + "\r\n";
    req += "\r\n";
    c.out += req;
    c.state = Conn::State::kUpgrading;
  }
  flushOne(c);
}

void Loop::onReadable(Conn& c) {
  for (;;) {
    ssize_t n = ::recv(c.fd, readBuf_.data(), readBuf_.size(), 0);
    if (n == 0) return fail(c, c.state == Conn::State::kOpen ? "EOF" : "EOF during the upgrade");
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) return;
      if (errno == EINTR) continue;
      return fail(c, std::string("recv: ") + std::strerror(errno));
    }
    const auto size = static_cast<std::size_t>(n);
    if (c.state == Conn::State::kUpgrading) {
      c.in.append(readBuf_.data(), size);
      if (!parseUpgrade(c)) continue;
      if (c.fd < 0) return;
      // parseUpgrade left any frame bytes that followed the header in c.in.
      std::string rest;
      rest.swap(c.in);
      std::size_t used = parseFrames(c, rest.data(), rest.size());
      if (c.fd < 0) return;
      c.in.assign(rest, used, std::string::npos);
    } else if (c.state == Conn::State::kOpen) {
      if (c.in.empty()) {
        // The common case: whole frames straight from the read buffer, no copy.
        std::size_t used = parseFrames(c, readBuf_.data(), size);
        if (c.fd < 0) return;
        if (used < size) c.in.assign(readBuf_.data() + used, size - used);
      } else {
        c.in.append(readBuf_.data(), size);
        std::string buf;
        buf.swap(c.in);
        std::size_t used = parseFrames(c, buf.data(), buf.size());
        if (c.fd < 0) return;
        c.in.assign(buf, used, std::string::npos);
      }
    } else {
      return;
    }
    if (size < readBuf_.size()) return;  // drained; saves the EAGAIN round trip
  }
}

bool Loop::parseUpgrade(Conn& c) {
  auto end = c.in.find("\r\n\r\n");
  if (end == std::string::npos) {
    if (c.in.size() > 16384) fail(c, "upgrade answer too long");
    return false;
  }
  std::string_view head(c.in.data(), end);
  auto lineEnd = head.find("\r\n");
  std::string_view status = head.substr(0, lineEnd);
  if (status.size() >= 12 && status.substr(0, 5) == "HTTP/")
    c.httpStatus = std::atoi(std::string(status.substr(9, 3)).c_str());
  if (c.httpStatus != 101) {
    fail(c, "upgrade refused: " + std::string(status));
    return true;
  }
  bool upgrade = false, connection = false, accept = false;
  std::size_t pos = lineEnd == std::string_view::npos ? head.size() : lineEnd + 2;
  while (pos < head.size()) {
    auto next = head.find("\r\n", pos);
    std::string_view line = head.substr(pos, next == std::string_view::npos ? std::string_view::npos : next - pos);
    pos = next == std::string_view::npos ? head.size() : next + 2;
    auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view name = line.substr(0, colon), value = trim(line.substr(colon + 1));
    if (iequalsPrefix(name, "upgrade") && name.size() == 7) upgrade = iequalsPrefix(value, "websocket");
    else if (iequalsPrefix(name, "connection") && name.size() == 10)
      connection = value.find("pgrade") != std::string_view::npos;
    else if (iequalsPrefix(name, "sec-websocket-accept") && name.size() == 20)
      accept = value == expectedAccept(c.key);
  }
  if (!upgrade || !connection || !accept) {
    ++protocolErrors;
    fail(c, std::string("bad upgrade answer:") + (upgrade ? "" : " no Upgrade: websocket") +
                (connection ? "" : " no Connection: Upgrade") + (accept ? "" : " wrong Sec-WebSocket-Accept"));
    return true;
  }
  c.in.erase(0, end + 4);
  c.state = Conn::State::kOpen;
  arm(c, !c.out.empty());
  if (onOpen) onOpen(c);
  return true;
}

std::size_t Loop::parseFrames(Conn& c, const char* data, std::size_t size) {
  std::size_t pos = 0;
  while (c.fd >= 0 && size - pos >= 2) {
    const auto* p = reinterpret_cast<const unsigned char*>(data + pos);
    const bool fin = p[0] & 0x80;
    const std::uint8_t opcode = p[0] & 0x0F;
    const bool masked = p[1] & 0x80;
    std::uint64_t len = p[1] & 0x7F;
    std::size_t head = 2;
    if (len == 126) {
      if (size - pos < 4) break;
      len = (std::uint64_t{p[2]} << 8) | p[3];
      head = 4;
    } else if (len == 127) {
      if (size - pos < 10) break;
      len = 0;
      for (int i = 0; i < 8; ++i) len = (len << 8) | p[2 + i];
      head = 10;
    }
    if ((p[0] & 0x70) != 0 || masked || len > kMaxFrame) {
      // RFC 6455 5.1: a server must not mask; no extensions were negotiated.
      ++protocolErrors;
      fail(c, masked ? "masked frame from the server" : "bad frame header");
      return pos;
    }
    if (size - pos - head < len) break;
    std::string_view payload(data + pos + head, static_cast<std::size_t>(len));
    pos += head + static_cast<std::size_t>(len);
    switch (opcode) {
      case 0x1:
        if (!fin) {
          ++protocolErrors;
          fail(c, "fragmented text frame (not expected from this server)");
          return pos;
        }
        if (onText) onText(c, payload);
        break;
      case 0x8:
        if (payload.size() >= 2)
          c.closeCode = static_cast<std::uint16_t>((static_cast<unsigned char>(payload[0]) << 8) |
                                                   static_cast<unsigned char>(payload[1]));
        else
          c.closeCode = 1005;
        fail(c, "closed by the server (" + std::to_string(c.closeCode) + ")");
        return pos;
      case 0x9:
        ++pingsAnswered;
        queueFrame(c, 0xA, payload);
        break;
      case 0xA:
        break;
      default:
        ++protocolErrors;
        fail(c, "unexpected opcode " + std::to_string(opcode));
        return pos;
    }
  }
  return pos;
}

}  // namespace callpy::bench
