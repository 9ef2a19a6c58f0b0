#include "rtc/rtp/retransmit_buffer.h"

#include <gtest/gtest.h>

#include <vector>

namespace callpy::rtc::rtp {
namespace {

std::vector<std::uint8_t> packet(std::uint16_t seq, std::uint8_t fill, std::size_t len = 20) {
  std::vector<std::uint8_t> b(len, fill);
  b[0] = 0x80;
  b[1] = 96;
  b[2] = std::uint8_t(seq >> 8);
  b[3] = std::uint8_t(seq);
  return b;
}

TEST(RetransmitBuffer, StoresAndFindsBySeq) {
  RetransmitBuffer buf(8, 100);
  const auto a = packet(10, 0xAA);
  ASSERT_TRUE(buf.store(a.data(), a.size()));
  const auto found = buf.find(10);
  ASSERT_EQ(found.size(), a.size());
  EXPECT_TRUE(std::equal(found.begin(), found.end(), a.begin()));
  EXPECT_TRUE(buf.find(11).empty());
  EXPECT_TRUE(buf.find(18).empty());  // same slot, never stored
}

TEST(RetransmitBuffer, OverwrittenSlotIsStale) {
  RetransmitBuffer buf(8, 100);
  for (std::uint16_t s = 0; s < 12; ++s) {
    const auto p = packet(s, std::uint8_t(s));
    ASSERT_TRUE(buf.store(p.data(), p.size()));
  }
  for (std::uint16_t s = 0; s < 4; ++s) EXPECT_TRUE(buf.find(s).empty()) << s;
  for (std::uint16_t s = 4; s < 12; ++s) {
    const auto f = buf.find(s);
    ASSERT_FALSE(f.empty()) << s;
    EXPECT_EQ(f[5], s);
  }
}

TEST(RetransmitBuffer, WrapsAtSixteenBits) {
  RetransmitBuffer buf;  // 512 slots
  EXPECT_EQ(buf.slots(), 512u);
  for (std::uint32_t i = 0; i < 600; ++i) {
    const auto seq = static_cast<std::uint16_t>(65300 + i);
    const auto p = packet(seq, std::uint8_t(i), 20 + i % 50);
    ASSERT_TRUE(buf.store(p.data(), p.size()));
  }
  // Last stored: 65300 + 599 = 65899 -> 363 after the wrap; 512 newest are 65388..363.
  EXPECT_TRUE(buf.find(65387).empty());
  EXPECT_FALSE(buf.find(65388).empty());
  EXPECT_FALSE(buf.find(65535).empty());
  EXPECT_FALSE(buf.find(0).empty());
  ASSERT_FALSE(buf.find(363).empty());
  EXPECT_EQ(buf.find(363).size(), 20u + 599 % 50);
  EXPECT_TRUE(buf.find(364).empty());
  buf.clear();
  EXPECT_TRUE(buf.find(363).empty());
}

TEST(RetransmitBuffer, RejectsWhatDoesNotFit) {
  RetransmitBuffer buf(4, 64);
  const auto big = packet(1, 0, 65);
  EXPECT_FALSE(buf.store(big.data(), big.size()));
  const auto exact = packet(1, 0, 64);
  EXPECT_TRUE(buf.store(exact.data(), exact.size()));
  const std::uint8_t tiny[11] = {0x80};
  EXPECT_FALSE(buf.store(tiny, sizeof tiny));
  EXPECT_FALSE(buf.store(nullptr, 20));
}

}  // namespace
}  // namespace callpy::rtc::rtp
