// RFC 7675 consent freshness, controlling side (the benchmark client's role): when the peer
// disappears without a word the leg reports Failed("ICE consent lost"). libnice 0.1.21 takes
// 10 s for it (measured); the controlled (daemon) side runs in rtc_ice_ice_leg_test, this
// second 10 s case lives in its own binary labelled slow.
#include <gtest/gtest.h>

#include "ice_test_support.h"

namespace callpy::rtc::ice {
namespace {

TEST(IceConsent, ControllingLegFailsWhenThePeerVanishes) {
  ASSERT_NO_FATAL_FAILURE(test::expectConsentLossAfterPeerVanishes(true));
}

}  // namespace
}  // namespace callpy::rtc::ice
