// Churn: the control-plane thread (this test's thread) adds and deletes
// sessions continuously while a real worker on another lcore forwards
// traffic for them. Packets addressed to sessions whose deletion has
// completed (their slot recycled after an RCU grace period) must never be
// delivered, and nothing delivered may carry another session's identity.
#include <deque>
#include <random>

#include <gtest/gtest.h>
#include <rte_mbuf.h>

#include "tests/support/eal_env.h"
#include "tests/support/packet_builder.h"
#include "tests/support/ring_dataplane.h"

namespace lns {
namespace {

using dp::Side;
using test::Bytes;

constexpr uint32_t kLns = 0xc0000201;
constexpr uint32_t kLac = 0xc0000202;
constexpr uint32_t kHost = 0x08080808;
constexpr uint32_t kKeys = 2048;
const test::Mac kLacMac{0x02, 0, 0, 0, 0xac, 0x01};
const test::Mac kRouterMac{0x02, 0, 0, 0, 0xc0, 0x01};

uint16_t tunnel_of(uint32_t k) { return static_cast<uint16_t>(1 + k / 256); }
uint16_t session_of(uint32_t k) { return static_cast<uint16_t>(1 + k % 256); }
// A different address per key and generation (256 generations apart),
// dense like a pool: 10.<gen>.<k> with k < 4096.
uint32_t address_of(uint32_t k, uint32_t gen) { return 0x0a000000u | ((gen & 0xff) << 12) | k; }

struct Key {
  bool live = false;
  uint32_t gen = 0;
};

// Payload stamp: key, generation, and whether the sender knew the session
// was already gone (those packets must never come out).
Bytes stamp(uint32_t k, uint32_t gen, bool dead) {
  Bytes b;
  test::put32(b, k);
  test::put32(b, gen);
  b.push_back(dead ? 0xde : 0x11);
  b.resize(26, 0);
  return b;
}

TEST(SessionChurn, NoDeliveryAfterDeletionCompletesAndNoCrossDelivery) {
  auto cfg = test::test_config(1);
  cfg.dataplane.max_sessions = kKeys + 64;
  cfg.dataplane.mbufs = 16383;
  auto r = test::RingDataplane::create(cfg);
  ASSERT_NE(r, nullptr);
  auto& table = r->dp().sessions();
  const unsigned baseline = r->mbufs_in_use();
  ASSERT_TRUE(r->dp().launch().ok());

  std::mt19937 rng(1701);
  std::vector<Key> keys(kKeys);
  struct Pending {
    uint32_t k, gen;
  };
  std::deque<Pending> pending;     // deleted, not yet recycled (FIFO, like the defer queue)
  std::vector<Pending> completed;  // deletion completed: must never be delivered again
  uint64_t recycled_seen = table.recycled();
  uint64_t ops = 0, delivered = 0, dead_sent = 0, live_sent = 0;
  uint64_t violations = 0, cross = 0;

  auto add = [&](uint32_t k) {
    Key& key = keys[k];
    ++key.gen;
    dp::SessionSpec s;
    s.lac_ipv4 = kLac;
    s.lac_port = 1701;
    s.tunnel_id = tunnel_of(k);
    s.session_id = session_of(k);
    s.peer_tunnel_id = static_cast<uint16_t>(k);
    s.peer_session_id = static_cast<uint16_t>(key.gen);
    s.subscriber_ipv4 = address_of(k, key.gen);
    s.mtu = 1500;
    s.flags = dp::kForwardIpv4;
    auto slot = table.add(s);
    ASSERT_TRUE(slot.ok()) << slot.status();
    key.live = true;
  };

  auto check_output = [&]() {
    for (const Bytes& f : r->collect(Side::kAccess)) {  // downstream deliveries
      ++delivered;
      const size_t inner = 14 + 20 + 8 + 6 + 4;
      ASSERT_GE(f.size(), inner + 20 + 8 + 9);
      const uint8_t* st = f.data() + inner + 28;
      const uint32_t k = (st[0] << 24) | (st[1] << 16) | (st[2] << 8) | st[3];
      const uint32_t gen = (st[4] << 24) | (st[5] << 16) | (st[6] << 8) | st[7];
      if (st[8] == 0xde) ++violations;
      const uint16_t peer_tunnel = (f[14 + 28 + 2] << 8) | f[14 + 28 + 3];
      const uint16_t peer_session = (f[14 + 28 + 4] << 8) | f[14 + 28 + 5];
      if (peer_tunnel != static_cast<uint16_t>(k) || peer_session != static_cast<uint16_t>(gen)) ++cross;
    }
    for (const Bytes& f : r->collect(Side::kCore)) {  // upstream deliveries
      ++delivered;
      ASSERT_GE(f.size(), 14u + 28 + 9);
      const uint8_t* st = f.data() + 14 + 28;
      const uint32_t k = (st[0] << 24) | (st[1] << 16) | (st[2] << 8) | st[3];
      const uint32_t gen = (st[4] << 24) | (st[5] << 16) | (st[6] << 8) | st[7];
      if (st[8] == 0xde) ++violations;
      const uint32_t src = (f[14 + 12] << 24) | (f[14 + 13] << 16) | (f[14 + 14] << 8) | f[14 + 15];
      if (src != address_of(k, gen)) ++cross;
    }
  };

  auto send = [&](uint32_t k, uint32_t gen, bool dead) {
    const uint32_t ip = address_of(k, gen);
    if (rng() & 1) {
      r->inject(Side::kCore, test::concat(test::ethernet(r->mac(Side::kCore), kRouterMac, 0x0800),
                                          test::ipv4(kHost, ip, 17, test::udp(1, 2, stamp(k, gen, dead)))));
    } else {
      auto inner = test::ipv4(ip, kHost, 17, test::udp(1, 2, stamp(k, gen, dead)));
      auto l2tp = test::l2tp(tunnel_of(k), session_of(k), test::ppp(0x0021, inner));
      r->inject(Side::kAccess, test::concat(test::ethernet(r->mac(Side::kAccess), kLacMac, 0x0800),
                                            test::ipv4(kLac, kLns, 17, test::udp(1701, 1701, l2tp))));
    }
  };

  for (uint32_t k = 0; k < kKeys; ++k) add(k);
  constexpr uint64_t kOps = 1'000'000;
  while (ops < kOps) {
    for (int i = 0; i < 64; ++i, ++ops) {
      const uint32_t k = rng() % kKeys;
      if (keys[k].live) {
        ASSERT_TRUE(table.remove(tunnel_of(k), session_of(k)).ok());
        keys[k].live = false;
        pending.push_back({k, keys[k].gen});
      } else {
        add(k);
      }
    }
    table.reclaim();
    const uint64_t now_recycled = table.recycled();
    for (; recycled_seen < now_recycled; ++recycled_seen) {
      ASSERT_FALSE(pending.empty());
      completed.push_back(pending.front());
      pending.pop_front();
    }
    if (completed.size() > 4096) completed.erase(completed.begin(), completed.begin() + 2048);
    // Traffic: some to live sessions, some to sessions whose deletion completed.
    for (int i = 0; i < 8; ++i) {
      const uint32_t k = rng() % kKeys;
      if (keys[k].live) {
        send(k, keys[k].gen, false);
        ++live_sent;
      }
      if (!completed.empty()) {
        const Pending& p = completed[rng() % completed.size()];
        // Only while no later generation reuses the same address.
        if (keys[p.k].gen - p.gen < 256) {
          send(p.k, p.gen, true);
          ++dead_sent;
        }
      }
    }
    check_output();
  }
  // Let the worker finish what is queued, then stop it.
  for (int i = 0; i < 100; ++i) {
    usleep(1000);
    check_output();
  }
  r->dp().stop_workers();
  check_output();
  EXPECT_EQ(violations, 0u) << "packets delivered after their session's deletion completed";
  EXPECT_EQ(cross, 0u) << "packets delivered with another session's identity";
  EXPECT_GT(live_sent, 10000u);
  EXPECT_GT(dead_sent, 10000u);
  EXPECT_GT(delivered, live_sent / 2) << "the worker must actually forward live traffic";
  EXPECT_GE(ops, kOps);
  std::printf("churn: %llu table operations, %llu live and %llu dead packets sent, %llu delivered\n",
              (unsigned long long)ops, (unsigned long long)live_sent, (unsigned long long)dead_sent,
              (unsigned long long)delivered);
  r.reset();
  (void)baseline;
}

}  // namespace
}  // namespace lns

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  if (!lns::test::init_eal_for_tests(argv[0])) return 1;
  return RUN_ALL_TESTS();
}
