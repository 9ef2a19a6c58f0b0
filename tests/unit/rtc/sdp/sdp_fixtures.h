#pragma once
// Fixture loading and text surgery on offers for the SDP tests.

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "rtc/sdp/parser.h"

namespace callpy::rtc::sdp::testing {

inline const std::vector<std::string> kAllFixtures = {
    "chrome_offer.sdp",     "chrome_audio_only.sdp", "chrome_recvonly_video.sdp",
    "chrome_two_video.sdp", "firefox_offer.sdp",     "aiortc_offer.sdp"};

inline std::string fixture(const std::string& name) {
  std::ifstream in(std::string(CALLPY_SOURCE_DIR) + "/tests/unit/rtc/sdp/fixtures/" + name,
                   std::ios::binary);
  EXPECT_TRUE(in.good()) << name;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline SessionDescription parseOk(const std::string& text) {
  ParseResult r = parse(text);
  EXPECT_TRUE(r.ok()) << "line " << r.error.line << ": " << r.error.message;
  return r.ok() ? *r.description : SessionDescription{};
}

inline std::string replaceAll(std::string s, const std::string& from, const std::string& to) {
  for (std::size_t pos = s.find(from); pos != std::string::npos;
       pos = s.find(from, pos + to.size())) {
    s.replace(pos, from.size(), to);
  }
  return s;
}

// Drops every line for which drop(line) is true (lines are CRLF-terminated in the fixtures).
template <typename Pred>
std::string filterLines(const std::string& s, Pred drop) {
  std::string out;
  std::size_t pos = 0;
  while (pos < s.size()) {
    std::size_t end = s.find('\n', pos);
    end = end == std::string::npos ? s.size() : end + 1;
    const std::string line = s.substr(pos, end - pos);
    if (!drop(line)) out += line;
    pos = end;
  }
  return out;
}

// Removes payload types from every m= line and their rtpmap/fmtp/rtcp-fb lines, as if the
// browser did not support those codecs.
inline std::string dropPayloadTypes(const std::string& s, const std::set<int>& pts) {
  std::string out;
  std::size_t pos = 0;
  while (pos < s.size()) {
    std::size_t end = s.find('\n', pos);
    end = end == std::string::npos ? s.size() : end + 1;
    std::string line = s.substr(pos, end - pos);
    pos = end;
    bool drop = false;
    for (int pt : pts) {
      for (const char* a : {"a=rtpmap:", "a=fmtp:", "a=rtcp-fb:"}) {
        if (line.rfind(std::string(a) + std::to_string(pt) + " ", 0) == 0) drop = true;
      }
    }
    if (drop) continue;
    if (line.rfind("m=", 0) == 0) {
      std::istringstream in(line);
      std::string tok, rebuilt;
      int field = 0;
      while (in >> tok) {
        if (field++ >= 3 && pts.count(std::atoi(tok.c_str())) != 0) continue;
        rebuilt += (rebuilt.empty() ? "" : " ") + tok;
      }
      line = rebuilt + "\r\n";
    }
    out += line;
  }
  return out;
}

}  // namespace callpy::rtc::sdp::testing
