// Which worker owns a frame under session distribution: the key comes from
// the L2TP IDs (upstream) or the subscriber address (downstream), frames the
// receiving worker must keep have none, and the hash spreads the IDs a
// tunnel really uses evenly over the workers.
#include "dataplane/session_owner.h"

#include <gtest/gtest.h>

#include "tests/support/packet_builder.h"

namespace lns::dp {
namespace {

using test::Bytes;

const test::Mac kA{0x02, 0, 0, 0, 0, 1};
const test::Mac kB{0x02, 0, 0, 0, 0, 2};

Bytes upstream(uint16_t tunnel, uint16_t session, test::L2tpOpts lo = {}, std::optional<uint16_t> vlan = {},
               test::Ipv4Opts io = {}, uint16_t dport = 1701) {
  auto inner = test::ipv4(0x64400001, 0x08080808, 17, test::udp(1, 2, test::payload_bytes(10)));
  auto l2tp = test::l2tp(tunnel, session, test::ppp(0x0021, inner), lo);
  return test::concat(test::ethernet(kA, kB, 0x0800, vlan),
                      test::ipv4(0xc0000202, 0xc0000201, 17, test::udp(1701, dport, l2tp), io));
}

bool up_key(const Bytes& b, uint16_t vlan, uint32_t* key) {
  return upstream_session_key(b.data(), static_cast<uint32_t>(b.size()), vlan, key);
}

TEST(UpstreamSessionKey, IsTunnelAndSessionIdForEveryDataHeaderVariant) {
  for (test::L2tpOpts lo : {test::L2tpOpts{}, test::L2tpOpts{.length = true},
                            test::L2tpOpts{.length = true, .sequence = true, .offset = 4}}) {
    uint32_t key = 0;
    ASSERT_TRUE(up_key(upstream(7, 300, lo), kUntagged, &key));
    EXPECT_EQ(key, 7u << 16 | 300u);
  }
  uint32_t key = 0;
  ASSERT_TRUE(up_key(upstream(9, 1, {}, 100), 100, &key));
  EXPECT_EQ(key, 9u << 16 | 1u);
}

TEST(UpstreamSessionKey, NoKeyForWhatTheReceivingWorkerMustHandle) {
  uint32_t key;
  EXPECT_FALSE(up_key(upstream(7, 0, {.length = true, .sequence = true, .control = true}), kUntagged, &key))
      << "control goes to the control plane from where it arrived";
  EXPECT_FALSE(up_key(upstream(7, 300, {}, {}, {.frag = 0x2000}), kUntagged, &key)) << "first fragment";
  EXPECT_FALSE(up_key(upstream(7, 300, {}, {}, {.frag = 0x0010}), kUntagged, &key)) << "later fragment";
  EXPECT_FALSE(up_key(upstream(7, 300, {.version = 3}), kUntagged, &key));
  EXPECT_FALSE(up_key(upstream(7, 300, {}, {}, {}, 1702), kUntagged, &key));
  EXPECT_FALSE(up_key(upstream(7, 300), 100, &key)) << "untagged on a VLAN port";
  EXPECT_FALSE(up_key(upstream(7, 300, {}, 100), kUntagged, &key)) << "tagged on an untagged port";
  const Bytes arp = test::concat(test::ethernet(kA, kB, 0x0806), test::payload_bytes(28));
  EXPECT_FALSE(up_key(arp, kUntagged, &key));
  // Every truncation of a good frame short of the IDs has no key.
  const Bytes good = upstream(7, 300, {.length = true});
  for (size_t len = 0; len < 14 + 20 + 8 + 8; ++len)
    EXPECT_FALSE(upstream_session_key(good.data(), static_cast<uint32_t>(len), kUntagged, &key)) << len;
  EXPECT_TRUE(upstream_session_key(good.data(), 14 + 20 + 8 + 8, kUntagged, &key));
}

TEST(DownstreamSessionKey, IsTheSubscriberAddress) {
  uint32_t key = 0;
  const Bytes v4 = test::concat(test::ethernet(kA, kB, 0x0800),
                                test::ipv4(0x08080808, 0x64400007, 17, test::udp(1, 2, {})));
  ASSERT_TRUE(downstream_session_key(v4.data(), static_cast<uint32_t>(v4.size()), kUntagged, &key));
  EXPECT_EQ(key, 0x64400007u);
  // IPv6: the destination's /64, whatever the interface ID.
  std::array<uint8_t, 16> dst{0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1};
  const std::array<uint8_t, 16> src{0x20, 0x01, 0x0d, 0xb8, 0xff};
  const Bytes v6a = test::concat(test::ethernet(kA, kB, 0x86dd, 5), test::ipv6(src, dst, 17, {}));
  dst[15] = 0x99;
  const Bytes v6b = test::concat(test::ethernet(kA, kB, 0x86dd, 5), test::ipv6(src, dst, 17, {}));
  uint32_t ka = 0, kb = 1;
  ASSERT_TRUE(downstream_session_key(v6a.data(), static_cast<uint32_t>(v6a.size()), 5, &ka));
  ASSERT_TRUE(downstream_session_key(v6b.data(), static_cast<uint32_t>(v6b.size()), 5, &kb));
  EXPECT_EQ(ka, kb);
  EXPECT_EQ(ka, 0x20010db8u ^ 0x00010002u);
  const Bytes arp = test::concat(test::ethernet(kA, kB, 0x0806), test::payload_bytes(28));
  EXPECT_FALSE(downstream_session_key(arp.data(), static_cast<uint32_t>(arp.size()), kUntagged, &key));
  EXPECT_FALSE(downstream_session_key(v4.data(), 14 + 19, kUntagged, &key));
}

TEST(OwnerOf, SpreadsConsecutiveIdsAndAddressesEvenly) {
  for (uint16_t workers : {1, 2, 3, 4, 7}) {
    std::vector<unsigned> ids(workers), addresses(workers);
    for (uint32_t i = 1; i <= 4096; ++i) {
      const uint16_t a = owner_of(7u << 16 | i, workers);
      const uint16_t b = owner_of(0x64400000u + i, workers);
      ASSERT_LT(a, workers);
      ASSERT_LT(b, workers);
      ++ids[a];
      ++addresses[b];
    }
    for (uint16_t w = 0; w < workers; ++w) {
      EXPECT_NEAR(ids[w], 4096.0 / workers, 4096.0 / workers * 0.1) << workers << " workers";
      EXPECT_NEAR(addresses[w], 4096.0 / workers, 4096.0 / workers * 0.1) << workers << " workers";
    }
  }
}

}  // namespace
}  // namespace lns::dp
