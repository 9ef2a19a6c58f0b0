#pragma once
// Keyframe requests cost the sender a keyframe each; several receivers (and the browser's own
// retries) asking at once must reach a source at most once per interval. A refused request is
// remembered so poll() can send it when the interval is over instead of losing it.
#include <cstdint>

namespace callpy::rtc::rtp {

class PliLimiter {
 public:
  static constexpr std::uint64_t kDefaultIntervalUs = 500'000;

  explicit PliLimiter(std::uint64_t intervalUs = kDefaultIntervalUs) : intervalUs_(intervalUs) {}

  // A receiver wants a keyframe now: true = send the request to the source now.
  bool request(std::uint64_t nowUs) {
    if (!sentOnce_ || nowUs - lastUs_ >= intervalUs_) {
      sentOnce_ = true;
      lastUs_ = nowUs;
      pending_ = false;
      return true;
    }
    pending_ = true;
    return false;
  }
  // From a timer: true = a refused request is due now (and counts as sent).
  bool poll(std::uint64_t nowUs) { return pending_ && request(nowUs); }
  bool pending() const { return pending_; }
  // When the next request may go out (for arming a timer); meaningful after a send.
  std::uint64_t nextAllowedUs() const { return lastUs_ + intervalUs_; }
  // A new source: its first keyframe request must not wait for the old source's interval.
  void reset() {
    sentOnce_ = false;
    pending_ = false;
  }

 private:
  std::uint64_t intervalUs_;
  std::uint64_t lastUs_ = 0;
  bool sentOnce_ = false;
  bool pending_ = false;
};

}  // namespace callpy::rtc::rtp
