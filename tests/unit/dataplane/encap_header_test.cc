// EncapHeaderPool on its own: sharing, reference counts, reuse and running
// out. Linked into the session table test binary, whose main() brings EAL up.
#include "dataplane/encap_header.h"

#include <cstring>

#include <gtest/gtest.h>

namespace lns::dp {
namespace {

std::array<uint8_t, EncapHeader::kMaxLen> header_bytes(uint8_t lac_last_octet) {
  std::array<uint8_t, EncapHeader::kMaxLen> b{};
  for (size_t i = 0; i < b.size(); ++i) b[i] = static_cast<uint8_t>(i);
  b[14 + 19] = lac_last_octet;  // the outer destination address
  return b;
}

TEST(EncapHeaderPool, IdenticalHeadersShareOneIndexUntilTheLastHolderLetsGo) {
  auto pool = EncapHeaderPool::create(4, 0);
  ASSERT_TRUE(pool.ok()) << pool.status();
  EncapHeaderPool& p = **pool;
  const auto a = header_bytes(2);
  const auto b = header_bytes(3);
  auto a1 = p.acquire(a.data(), 48, 14, 0x1234);
  auto a2 = p.acquire(a.data(), 48, 14, 0x1234);
  auto b1 = p.acquire(b.data(), 48, 14, 0x1235);
  ASSERT_TRUE(a1.ok() && a2.ok() && b1.ok());
  EXPECT_EQ(*a1, *a2);
  EXPECT_NE(*a1, *b1);
  EXPECT_EQ(p.size(), 2u);
  EXPECT_EQ(p.holders(*a1), 2u);
  const EncapHeader& h = p.headers()[*b1];
  EXPECT_EQ(std::memcmp(h.bytes, b.data(), 48), 0);
  EXPECT_EQ(h.len, 48);
  EXPECT_EQ(h.ip_off, 14);
  EXPECT_EQ(h.ip_sum, 0x1235);
  // The same first bytes with another length are another header.
  auto a52 = p.acquire(a.data(), 52, 18, 0x1234);
  ASSERT_TRUE(a52.ok());
  EXPECT_NE(*a52, *a1);

  p.release(*a1);
  EXPECT_EQ(p.holders(*a2), 1u);
  EXPECT_EQ(p.size(), 3u);
  p.release(*a2);
  EXPECT_EQ(p.size(), 2u);
  EXPECT_EQ(p.holders(*a1), 0u);
  p.release(*a2);  // one release too many changes nothing
  EXPECT_EQ(p.size(), 2u);
  EXPECT_EQ(p.holders(*b1), 1u);
}

TEST(EncapHeaderPool, RunningOutIsAnErrorAndAFreedIndexIsReused) {
  auto pool = EncapHeaderPool::create(2, 0);
  ASSERT_TRUE(pool.ok()) << pool.status();
  EncapHeaderPool& p = **pool;
  auto x = p.acquire(header_bytes(1).data(), 48, 14, 1);
  auto y = p.acquire(header_bytes(2).data(), 48, 14, 2);
  ASSERT_TRUE(x.ok() && y.ok());
  auto z = p.acquire(header_bytes(3).data(), 48, 14, 3);
  EXPECT_EQ(z.status().code(), absl::StatusCode::kResourceExhausted);
  // A header already held is shared even when the pool is full.
  auto x2 = p.acquire(header_bytes(1).data(), 48, 14, 1);
  ASSERT_TRUE(x2.ok());
  EXPECT_EQ(*x2, *x);
  p.release(*y);
  z = p.acquire(header_bytes(3).data(), 48, 14, 3);
  ASSERT_TRUE(z.ok());
  EXPECT_EQ(*z, *y);
  EXPECT_EQ(p.headers()[*z].bytes[14 + 19], 3);
  EXPECT_EQ(p.headers()[*z].ip_sum, 3);
}

TEST(EncapHeaderPool, RefusesLengthsOutsideTheFastPathsCopy) {
  auto pool = EncapHeaderPool::create(2, 0);
  ASSERT_TRUE(pool.ok()) << pool.status();
  const auto b = header_bytes(1);
  EXPECT_EQ((*pool)->acquire(b.data(), 31, 14, 0).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ((*pool)->acquire(b.data(), 53, 14, 0).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(EncapHeaderPool::create(0, 0).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace lns::dp
