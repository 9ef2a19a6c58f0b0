#pragma once
// The outcome of one SRTP/SRTCP transform, shared by SrtpSession and its engines.
#include <cstdint>

namespace callpy::rtc::srtp {

enum class SrtpStatus : std::uint8_t {
  Ok,
  Replay,       // already seen or older than the replay window: drop silently
  AuthFailure,  // tag did not verify (tampered, wrong keys): drop
  Other         // malformed, too short, no room for the trailer, library error
};

}  // namespace callpy::rtc::srtp
