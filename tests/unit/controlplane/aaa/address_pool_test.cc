// Address pools: what they hand out, in what order, and how they account
// for it.
#include "controlplane/aaa/address_pool.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <vector>

#include "controlplane/aaa/address_pools.h"

namespace lns::aaa {
namespace {

using ::testing::HasSubstr;

constexpr Ipv4 ip(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
  return Ipv4{a} << 24 | Ipv4{b} << 16 | Ipv4{c} << 8 | d;
}

// A CIDR block as a first-last range, every address usable (a prefix
// pool keeps its network and broadcast addresses back).
Ipv4Range whole_block(Ipv4 network, uint8_t length) {
  Ipv4Range r = range_of_prefix(network, length);
  r.prefix_length = 0;
  return r;
}

AddressPool make_pool(std::vector<Ipv4Range> ranges, std::vector<Ipv4> excluded = {}) {
  absl::StatusOr<AddressPool> pool = AddressPool::create("test", std::move(ranges), excluded);
  EXPECT_TRUE(pool.ok()) << pool.status();
  return *std::move(pool);
}

// Allocates until the pool refuses; what it handed out, in order.
std::vector<Ipv4> drain(AddressPool& pool) {
  std::vector<Ipv4> out;
  for (absl::StatusOr<Ipv4> a = pool.allocate(); a.ok(); a = pool.allocate()) out.push_back(*a);
  return out;
}

TEST(AddressPool, HandsOutACidrBlockOnceLessItsNetworkAndBroadcastAddresses) {
  AddressPool pool = make_pool({range_of_prefix(ip(100, 64, 0, 0), 29)});
  EXPECT_EQ(pool.size(), 6u);  // what it may hand out
  EXPECT_EQ(pool.available(), 6u);
  std::vector<Ipv4> got = drain(pool);
  std::vector<Ipv4> expected;
  for (Ipv4 a = ip(100, 64, 0, 1); a <= ip(100, 64, 0, 6); ++a) expected.push_back(a);
  EXPECT_EQ(got, expected);
  EXPECT_EQ(pool.used(), 6u);
  EXPECT_EQ(pool.available(), 0u);
  // Nor can a subscriber's request claim them.
  EXPECT_FALSE(pool.claim(ip(100, 64, 0, 0)).ok());
  EXPECT_FALSE(pool.claim(ip(100, 64, 0, 7)).ok());
}

TEST(AddressPool, SlashThirtyOneAndThirtyTwoPoolsKeepEveryAddress) {
  AddressPool p31 = make_pool({range_of_prefix(ip(100, 64, 0, 0), 31)});
  EXPECT_EQ(drain(p31), (std::vector<Ipv4>{ip(100, 64, 0, 0), ip(100, 64, 0, 1)}));
  AddressPool p32 = make_pool({range_of_prefix(ip(100, 64, 0, 9), 32)});
  EXPECT_EQ(drain(p32), (std::vector<Ipv4>{ip(100, 64, 0, 9)}));
}

TEST(AddressPool, ExhaustionIsReportedAndCounted) {
  AddressPool pool = make_pool({{ip(10, 0, 0, 1), ip(10, 0, 0, 2)}});
  drain(pool);  // one refusal
  absl::StatusOr<Ipv4> refused = pool.allocate();
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(refused.status().message(), "pool test is exhausted: all 2 addresses are in use");
  EXPECT_EQ(pool.exhausted(), 2u);
  EXPECT_EQ(pool.high_water(), 2u);
}

TEST(AddressPool, RangesSpanningSeveral24sIncludeTheirDotZeroAndDot255) {
  AddressPool pool = make_pool({{ip(100, 64, 0, 250), ip(100, 64, 2, 3)}});
  EXPECT_EQ(pool.size(), 6u + 256u + 4u);
  std::vector<Ipv4> got = drain(pool);
  ASSERT_EQ(got.size(), 266u);
  EXPECT_EQ(got.front(), ip(100, 64, 0, 250));
  EXPECT_EQ(got[5], ip(100, 64, 0, 255));
  EXPECT_EQ(got[6], ip(100, 64, 1, 0));
  EXPECT_EQ(got.back(), ip(100, 64, 2, 3));
  EXPECT_EQ(std::set<Ipv4>(got.begin(), got.end()).size(), got.size());
}

TEST(AddressPool, SeveralRangesAreUsedInAddressOrder) {
  AddressPool pool = make_pool({{ip(10, 9, 0, 1), ip(10, 9, 0, 2)}, {ip(10, 1, 0, 5), ip(10, 1, 0, 5)}});
  EXPECT_EQ(drain(pool), (std::vector<Ipv4>{ip(10, 1, 0, 5), ip(10, 9, 0, 1), ip(10, 9, 0, 2)}));
  EXPECT_EQ(pool.ranges().front().first, ip(10, 1, 0, 5));
}

TEST(AddressPool, ReleasedAddressesAreReusedOnlyAfterFreshOnesRunOut) {
  AddressPool pool = make_pool({{ip(10, 0, 0, 0), ip(10, 0, 0, 3)}});
  Ipv4 first = *pool.allocate();
  Ipv4 second = *pool.allocate();
  ASSERT_TRUE(pool.release(first).ok());
  EXPECT_EQ(pool.used(), 1u);
  // The two never-used addresses come first, then the oldest released.
  EXPECT_EQ(*pool.allocate(), ip(10, 0, 0, 2));
  EXPECT_EQ(*pool.allocate(), ip(10, 0, 0, 3));
  ASSERT_TRUE(pool.release(second).ok());
  EXPECT_EQ(*pool.allocate(), first);
  EXPECT_EQ(*pool.allocate(), second);
  EXPECT_FALSE(pool.allocate().ok());
  EXPECT_EQ(pool.high_water(), 4u);
}

TEST(AddressPool, ReleaseAndReuseCycleKeepsEveryAddressUnique) {
  AddressPool pool = make_pool({whole_block(ip(10, 0, 0, 0), 24)});
  std::vector<Ipv4> held = drain(pool);
  for (int round = 0; round < 5; ++round) {
    for (size_t i = round % 2; i < held.size(); i += 2) ASSERT_TRUE(pool.release(held[i]).ok());
    std::vector<Ipv4> again = drain(pool);
    EXPECT_EQ(again.size(), held.size() / 2);
    EXPECT_EQ(pool.used(), 256u);
  }
  EXPECT_EQ(pool.high_water(), 256u);
}

TEST(AddressPool, ReleaseRefusesWhatIsNotAllocated) {
  AddressPool pool = make_pool({{ip(10, 0, 0, 1), ip(10, 0, 0, 4)}}, {ip(10, 0, 0, 2)});
  EXPECT_EQ(pool.release(ip(10, 0, 0, 1)).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(pool.release(ip(10, 0, 0, 2)).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(pool.release(ip(10, 0, 0, 9)).code(), absl::StatusCode::kNotFound);
  Ipv4 a = *pool.allocate();
  ASSERT_TRUE(pool.release(a).ok());
  EXPECT_EQ(pool.release(a).code(), absl::StatusCode::kFailedPrecondition);  // twice
  EXPECT_EQ(pool.used(), 0u);
}

TEST(AddressPool, ExcludedAddressesAreNeverHandedOut) {
  AddressPool pool = make_pool({whole_block(ip(100, 64, 0, 0), 29)},
                               {ip(100, 64, 0, 0), ip(100, 64, 0, 3), ip(192, 0, 2, 1)});
  EXPECT_EQ(pool.size(), 6u);  // the address outside the pool is ignored
  std::vector<Ipv4> got = drain(pool);
  EXPECT_EQ(got, (std::vector<Ipv4>{ip(100, 64, 0, 1), ip(100, 64, 0, 2), ip(100, 64, 0, 4),
                                    ip(100, 64, 0, 5), ip(100, 64, 0, 6), ip(100, 64, 0, 7)}));
  EXPECT_TRUE(pool.is_excluded(ip(100, 64, 0, 3)));
  EXPECT_FALSE(pool.is_allocated(ip(100, 64, 0, 3)));
  EXPECT_TRUE(pool.contains(ip(100, 64, 0, 3)));
}

TEST(AddressPool, ClaimTakesAParticularAddress) {
  AddressPool pool = make_pool({whole_block(ip(10, 0, 0, 0), 30)}, {ip(10, 0, 0, 3)});
  ASSERT_TRUE(pool.claim(ip(10, 0, 0, 1)).ok());
  EXPECT_TRUE(pool.is_allocated(ip(10, 0, 0, 1)));
  EXPECT_EQ(pool.claim(ip(10, 0, 0, 1)).code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(pool.claim(ip(10, 0, 0, 3)).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(pool.claim(ip(10, 0, 1, 0)).code(), absl::StatusCode::kNotFound);
  // The cursor skips the claimed address.
  EXPECT_EQ(drain(pool), (std::vector<Ipv4>{ip(10, 0, 0, 0), ip(10, 0, 0, 2)}));
}

TEST(AddressPool, ClaimOfAQueuedAddressIsNotHandedOutTwice) {
  AddressPool pool = make_pool({{ip(10, 0, 0, 1), ip(10, 0, 0, 2)}});
  Ipv4 a = *pool.allocate();
  Ipv4 b = *pool.allocate();
  ASSERT_TRUE(pool.release(a).ok());
  ASSERT_TRUE(pool.claim(a).ok());  // while it waits in the release queue
  EXPECT_FALSE(pool.allocate().ok());
  ASSERT_TRUE(pool.release(a).ok());
  ASSERT_TRUE(pool.release(b).ok());
  EXPECT_EQ(drain(pool), (std::vector<Ipv4>{a, b}));
}

TEST(AddressPool, AMillionAddressPoolHandsOutEveryAddress) {
  // 100.64.0.0/12 is 1,048,576 addresses; cut to exactly 1,000,000.
  AddressPool pool = make_pool({{ip(100, 64, 0, 0), ip(100, 64, 0, 0) + 999'999}});
  ASSERT_EQ(pool.size(), 1'000'000u);
  Ipv4 expected = ip(100, 64, 0, 0);
  for (int i = 0; i < 1'000'000; ++i) {
    absl::StatusOr<Ipv4> a = pool.allocate();
    ASSERT_TRUE(a.ok()) << i;
    ASSERT_EQ(*a, expected++) << i;
  }
  EXPECT_EQ(pool.allocate().status().code(), absl::StatusCode::kResourceExhausted);
  // Releasing every other one and reallocating finds exactly those.
  for (Ipv4 a = ip(100, 64, 0, 0); a < ip(100, 64, 0, 0) + 1'000'000; a += 2) {
    ASSERT_TRUE(pool.release(a).ok());
  }
  EXPECT_EQ(pool.used(), 500'000u);
  EXPECT_EQ(*pool.allocate(), ip(100, 64, 0, 0));
  EXPECT_EQ(*pool.allocate(), ip(100, 64, 0, 2));
  EXPECT_EQ(drain(pool).size(), 499'998u);
}

TEST(AddressPool, CreateRefusesBadRanges) {
  EXPECT_THAT(AddressPool::create("", {{1, 2}}).status().message(), HasSubstr("needs a name"));
  EXPECT_THAT(AddressPool::create("p", {}).status().message(), HasSubstr("no address ranges"));
  EXPECT_EQ(AddressPool::create("p", {{ip(10, 0, 0, 9), ip(10, 0, 0, 1)}}).status().message(),
            "pool p: range 10.0.0.9-10.0.0.1 ends before it starts");
  EXPECT_EQ(AddressPool::create("p", {{ip(10, 0, 0, 0), ip(10, 0, 0, 9)},
                                      {ip(10, 0, 0, 9), ip(10, 0, 0, 20)}})
                .status()
                .message(),
            "pool p: ranges 10.0.0.0-10.0.0.9 and 10.0.0.9-10.0.0.20 overlap");
  EXPECT_THAT(AddressPool::create("p", {range_of_prefix(ip(10, 0, 0, 0), 7)}).status().message(),
              HasSubstr("33554432 addresses; at most 16777216"));
}

TEST(AddressPool, InheritsHistoryAcrossAReload) {
  AddressPool old_pool = make_pool({{ip(10, 0, 0, 1), ip(10, 0, 0, 3)}});
  drain(old_pool);
  EXPECT_EQ(old_pool.exhausted(), 1u);
  AddressPool new_pool = make_pool({{ip(10, 0, 0, 1), ip(10, 0, 0, 9)}});
  ASSERT_TRUE(new_pool.claim(ip(10, 0, 0, 1)).ok());
  new_pool.inherit_counters(old_pool);
  EXPECT_EQ(new_pool.high_water(), 3u);
  EXPECT_EQ(new_pool.exhausted(), 1u);
  EXPECT_EQ(new_pool.used(), 1u);
}

TEST(AddressPools, FindByNameAndByAddress) {
  absl::StatusOr<AddressPools> pools = AddressPools::create(
      {{"a", {range_of_prefix(ip(100, 64, 0, 0), 24)}},
       {"b", {{ip(100, 65, 0, 1), ip(100, 65, 0, 9)}, range_of_prefix(ip(100, 63, 0, 0), 24)}}});
  ASSERT_TRUE(pools.ok()) << pools.status();
  EXPECT_EQ(pools->find("b")->name(), "b");
  EXPECT_EQ(pools->find("c"), nullptr);
  EXPECT_EQ(pools->containing(ip(100, 64, 0, 255))->name(), "a");
  EXPECT_EQ(pools->containing(ip(100, 63, 0, 0))->name(), "b");
  EXPECT_EQ(pools->containing(ip(100, 65, 0, 9))->name(), "b");
  EXPECT_EQ(pools->containing(ip(100, 65, 0, 10)), nullptr);
  EXPECT_EQ(pools->containing(ip(1, 0, 0, 0)), nullptr);
  ASSERT_EQ(pools->all().size(), 2u);
  EXPECT_EQ(pools->all()[0].name(), "a");
}

TEST(AddressPools, RefusesDuplicateNamesAndOverlaps) {
  EXPECT_EQ(AddressPools::create({{"a", {{1, 2}}}, {"a", {{3, 4}}}}).status().message(),
            "pool a is listed twice");
  EXPECT_EQ(AddressPools::create({{"a", {range_of_prefix(ip(10, 0, 0, 0), 24)}},
                                  {"b", {{ip(10, 0, 0, 200), ip(10, 0, 1, 5)}}}})
                .status()
                .message(),
            "pools a and b overlap: 10.0.0.0-10.0.0.255 and 10.0.0.200-10.0.1.5");
}

}  // namespace
}  // namespace lns::aaa
