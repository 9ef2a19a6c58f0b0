// rtc: the media path's network settings (DESIGN §9): which local addresses carry calls, the
// public address behind a 1:1 NAT, the UDP port range and the number of media threads; and how
// call recordings are composed (rtc.recording).
#include <arpa/inet.h>

#include <charconv>

#include "config/loader_internal.h"

namespace callpy::config {

namespace {

bool isNumericAddress(const std::string& s) {
  unsigned char buf[sizeof(struct in6_addr)];
  return inet_pton(AF_INET, s.c_str(), buf) == 1 || inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

void readPortRange(YamlReader& r, const Field& f, RtcConfig& rtc) {
  auto text = r.string(f);
  if (!text) return;
  auto dash = text->find('-');
  int low = 0, high = 0;
  auto parse = [](std::string_view s, int& out) {
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && p == s.data() + s.size();
  };
  if (dash == std::string::npos || !parse(std::string_view(*text).substr(0, dash), low) ||
      !parse(std::string_view(*text).substr(dash + 1), high) || low < 1024 || high > 65535 ||
      low > high) {
    r.error(f, "port_range must be LOW-HIGH with 1024 <= LOW <= HIGH <= 65535, e.g. 40000-40999");
    return;
  }
  rtc.portMin = low;
  rtc.portMax = high;
}

void readTurn(LoadContext& ctx, const Field& f, RtcConfig& rtc) {
  YamlReader& r = ctx.reader;
  auto fields = r.map(f, {"urls", "secret_file", "ttl_seconds"});
  if (!fields) return;
  const Field* urls = r.require(*fields, "urls", f.mark, f.path);
  const Field* secret = r.require(*fields, "secret_file", f.mark, f.path);
  if (urls) {
    if (auto items = r.sequence(*urls)) {
      for (const auto& item : *items) {
        auto url = r.string(item);
        if (!url) continue;
        const bool scheme = url->rfind("turn:", 0) == 0 || url->rfind("turns:", 0) == 0;
        const bool clean = url->find_first_of(" \"\\<>\r\n") == std::string::npos;
        if (!scheme || !clean || url->size() > 512) {
          r.error(item, "TURN urls look like turn:turn.example.com:3478?transport=udp or turns:turn.example.com:5349");
          continue;
        }
        rtc.turnUrls.push_back(*url);
      }
      if (rtc.turnUrls.empty() && items->empty()) r.error(*urls, "give at least one TURN url");
    }
  }
  if (secret) {
    if (auto path = readPath(ctx, *secret)) {
      if (auto value = readSecretFile(r, *secret, *path)) rtc.turnSecret = *value;
    }
  }
  if (const Field* ttl = YamlReader::get(*fields, "ttl_seconds")) {
    rtc.turnTtlSeconds = static_cast<int>(r.integer(*ttl, 60, 7 * 86400).value_or(rtc.turnTtlSeconds));
  }
}

// WxH, e.g. 1280x720: both even (I420), from 320x180 up to 1920x1080.
void readVideoSize(YamlReader& r, const Field& f, RtcConfig::Recording& recording) {
  auto text = r.string(f);
  if (!text) return;
  const auto x = text->find('x');
  int w = 0, h = 0;
  auto parse = [](std::string_view s, int& out) {
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return !s.empty() && ec == std::errc() && p == s.data() + s.size();
  };
  if (x == std::string::npos || !parse(std::string_view(*text).substr(0, x), w) ||
      !parse(std::string_view(*text).substr(x + 1), h) || w < 320 || w > 1920 || h < 180 ||
      h > 1080 || w % 2 != 0 || h % 2 != 0) {
    r.error(f, "video_size must be WIDTHxHEIGHT with even numbers from 320x180 to 1920x1080, "
               "e.g. 1280x720");
    return;
  }
  recording.videoWidth = w;
  recording.videoHeight = h;
}

void readRecording(YamlReader& r, const Field& f, RtcConfig::Recording& recording) {
  auto fields = r.map(f, {"video_size", "encoder_threads"});
  if (!fields) return;
  if (const Field* size = YamlReader::get(*fields, "video_size")) {
    readVideoSize(r, *size, recording);
  }
  if (const Field* threads = YamlReader::get(*fields, "encoder_threads")) {
    recording.encoderThreads =
        static_cast<int>(r.integer(*threads, 1, 4).value_or(recording.encoderThreads));
  }
}

}  // namespace

void readRtc(LoadContext& ctx, const Field& f, Config& c) {
  YamlReader& r = ctx.reader;
  auto fields = r.map(f, {"interfaces", "public_ip", "port_range", "media_threads", "turn",
                           "recording"});
  if (!fields) return;
  if (const Field* list = YamlReader::get(*fields, "interfaces")) {
    if (auto items = r.sequence(*list)) {
      for (const auto& item : *items) {
        auto address = r.string(item);
        if (!address) continue;
        if (!isNumericAddress(*address)) {
          r.error(item, "interfaces must be numeric IPv4 or IPv6 addresses of this host");
          continue;
        }
        c.rtc.interfaces.push_back(*address);
      }
    }
  }
  if (const Field* ip = YamlReader::get(*fields, "public_ip")) {
    if (auto address = r.string(*ip)) {
      if (!isNumericAddress(*address)) r.error(*ip, "public_ip must be a numeric IPv4 or IPv6 address");
      else c.rtc.publicIp = *address;
    }
  }
  if (const Field* range = YamlReader::get(*fields, "port_range")) readPortRange(r, *range, c.rtc);
  if (const Field* turn = YamlReader::get(*fields, "turn")) readTurn(ctx, *turn, c.rtc);
  if (const Field* rec = YamlReader::get(*fields, "recording")) {
    readRecording(r, *rec, c.rtc.recording);
  }
  if (const Field* threads = YamlReader::get(*fields, "media_threads")) {
    c.rtc.mediaThreads = static_cast<int>(r.integer(*threads, 1, 256).value_or(0));
  }
}

}  // namespace callpy::config
