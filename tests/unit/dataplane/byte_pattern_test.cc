// BytePattern64: every byte the pattern names must match in the bits of its
// mask, the others are free, and a difference in any of the four 16-byte
// lanes is seen.
#include "dataplane/byte_pattern.h"

#include <gtest/gtest.h>

#include <array>

namespace lns::dp {
namespace {

using Frame = std::array<uint8_t, BytePattern64::kBytes>;

Frame counting() {
  Frame f{};
  for (uint32_t i = 0; i < f.size(); ++i) f[i] = static_cast<uint8_t>(i * 7 + 1);
  return f;
}

TEST(BytePattern64, AnEmptyPatternMatchesAnything) {
  BytePattern64 p;
  Frame f = counting();
  EXPECT_TRUE(p.matches(f.data()));
  f.fill(0xff);
  EXPECT_TRUE(p.matches(f.data()));
}

TEST(BytePattern64, EveryNamedByteMustMatchAndOthersAreFree) {
  const Frame f = counting();
  BytePattern64 p;
  for (uint32_t i = 0; i < f.size(); i += 3) p.expect(i, f[i]);
  EXPECT_TRUE(p.matches(f.data()));
  for (uint32_t i = 0; i < f.size(); ++i) {
    Frame g = f;
    g[i] ^= 0x01;
    EXPECT_EQ(p.matches(g.data()), i % 3 != 0) << "byte " << i;
  }
}

TEST(BytePattern64, OnlyTheMaskedBitsCount) {
  Frame f{};
  BytePattern64 p;
  p.expect16(20, 0, 0x3fff);  // an IPv4 fragment field: DF may be set
  f[20] = 0x40;
  EXPECT_TRUE(p.matches(f.data()));
  f[20] = 0x20;  // MF
  EXPECT_FALSE(p.matches(f.data()));
  f[20] = 0;
  f[21] = 1;  // an offset
  EXPECT_FALSE(p.matches(f.data()));
}

TEST(BytePattern64, WideFieldsAreBigEndian) {
  Frame f{};
  f[30] = 192, f[31] = 0, f[32] = 2, f[33] = 1;
  f[36] = 0x06, f[37] = 0xa5;
  BytePattern64 p;
  p.expect32(30, 0xc0000201);
  p.expect16(36, 1701);
  EXPECT_TRUE(p.matches(f.data()));
  f[33] = 2;
  EXPECT_FALSE(p.matches(f.data()));
}

TEST(BytePattern64, FieldsPastTheEndAreIgnored) {
  BytePattern64 p;
  p.expect16(63, 0xabcd);  // only 0xab at byte 63 is checked
  Frame f{};
  f[63] = 0xab;
  EXPECT_TRUE(p.matches(f.data()));
  f[63] = 0xac;
  EXPECT_FALSE(p.matches(f.data()));
}

}  // namespace
}  // namespace lns::dp
