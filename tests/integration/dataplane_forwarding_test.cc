// The real worker loop on net_ring ports: frames in, frames out, compared
// byte for byte with frames built independently by tests/support.
#include <unistd.h>

#include <random>
#include <set>

#include <absl/types/span.h>
#include <gtest/gtest.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "common/checksum.h"
#include "dataplane/header_writes.h"
#include "tests/support/eal_env.h"
#include "tests/support/packet_builder.h"
#include "tests/support/ring_dataplane.h"

namespace lns {
namespace {

using dp::DropReason;
using dp::Side;
using test::Bytes;

constexpr uint32_t kLns = 0xc0000201;   // 192.0.2.1
constexpr uint32_t kLac = 0xc0000202;   // 192.0.2.2
constexpr uint16_t kLacPort = 40000;
constexpr uint32_t kSub = 0x64400001;   // 100.64.0.1
constexpr uint32_t kHost = 0x08080808;  // somewhere on the core side
const test::Mac kLacMac{0x02, 0, 0, 0, 0xac, 0x01};
const test::Mac kRouterMac{0x02, 0, 0, 0, 0xc0, 0x01};
const std::array<uint8_t, 16> kSub6{0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10};
const std::array<uint8_t, 16> kHost6{0x20, 0x01, 0x0d, 0xb8, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};

class ForwardingTest : public ::testing::Test {
 protected:
  void SetUp() override { make(test::test_config()); }

  void make(config::Config cfg) {
    r_.reset();
    r_ = test::RingDataplane::create(cfg);
    ASSERT_NE(r_, nullptr);
    baseline_ = r_->mbufs_in_use();
    auto slot = r_->dp().sessions().add(fixture_session());
    ASSERT_TRUE(slot.ok()) << slot.status();
    slot_ = *slot;
  }

  // The session every test starts with: 7/300 from kLac, subscriber kSub.
  static dp::SessionSpec fixture_session() {
    dp::SessionSpec s;
    s.lac_ipv4 = kLac;
    s.lac_port = kLacPort;
    s.tunnel_id = 7;
    s.session_id = 300;
    s.peer_tunnel_id = 17;
    s.peer_session_id = 4242;
    s.subscriber_ipv4 = kSub;
    std::copy(kSub6.begin(), kSub6.begin() + 8, s.ipv6_prefix.begin());
    s.ipv6_prefix_len = 64;
    s.mtu = 1460;
    s.flags = dp::kForwardIpv4 | dp::kForwardIpv6;
    return s;
  }

  void TearDown() override {
    if (r_) {
      r_->collect(Side::kAccess);
      r_->collect(Side::kCore);
      drain_punts();
      EXPECT_EQ(r_->mbufs_in_use(), baseline_) << "mbuf leak";
    }
    r_.reset();
  }

  unsigned drain_punts() {
    rte_mbuf* pkts[64];
    unsigned total = 0;
    while (uint16_t n = r_->dp().receive_punted(pkts, 64)) {
      for (uint16_t i = 0; i < n; ++i) rte_pktmbuf_free(pkts[i]);
      total += n;
    }
    return total;
  }

  Bytes upstream_frame(const Bytes& ppp_frame, test::L2tpOpts lo = {}, uint16_t tunnel = 7,
                       uint16_t session = 300, uint32_t src = kLac, uint16_t sport = kLacPort,
                       std::optional<uint16_t> vlan = {}) {
    auto l2tp = test::l2tp(tunnel, session, ppp_frame, lo);
    auto ip = test::ipv4(src, kLns, 17, test::udp(sport, 1701, l2tp));
    return test::concat(test::ethernet(r_->mac(Side::kAccess), kLacMac, 0x0800, vlan), ip);
  }

  Bytes inner_v4(uint32_t src = kSub, uint32_t dst = kHost, uint8_t ttl = 64, size_t payload = 46) {
    return test::ipv4(src, dst, 17, test::udp(5000, 53, test::payload_bytes(payload)), {.ttl = ttl});
  }

  Bytes expected_core(const Bytes& inner_after_ttl, uint16_t ethertype = 0x0800,
                      std::optional<uint16_t> vlan = {}) {
    return test::concat(test::ethernet(kRouterMac, r_->mac(Side::kCore), ethertype, vlan), inner_after_ttl);
  }

  // Injects n upstream UDP datagrams of assorted sizes (UDP source port i)
  // for the fixture's session; returns what the core port must send for
  // them, in order.
  std::vector<Bytes> inject_upstream_datagrams(uint32_t n) {
    std::vector<Bytes> expected;
    for (uint32_t i = 0; i < n; ++i) {
      const auto udp = test::udp(static_cast<uint16_t>(i), 53, test::payload_bytes(20 + i % 200));
      r_->inject(Side::kAccess, upstream_frame(test::ppp(0x0021, test::ipv4(kSub, kHost, 17, udp))));
      expected.push_back(expected_core(test::ipv4(kSub, kHost, 17, udp, {.ttl = 63})));
    }
    return expected;
  }

  Bytes expected_access(const Bytes& inner, uint16_t ppp_proto = 0x0021, std::optional<uint16_t> vlan = {}) {
    auto l2tp = test::l2tp(17, 4242, test::ppp(ppp_proto, inner));
    auto ip = test::ipv4(kLns, kLac, 17, test::udp(1701, kLacPort, l2tp), {.frag = 0x4000});
    return test::concat(test::ethernet(kLacMac, r_->mac(Side::kAccess), 0x0800, vlan), ip);
  }

  std::unique_ptr<test::RingDataplane> r_;
  unsigned baseline_ = 0;
  uint32_t slot_ = 0;
};

struct HeaderVariant {
  const char* name;
  test::L2tpOpts l2tp;
  test::PppOpts ppp;
};

TEST_F(ForwardingTest, UpstreamDecapsulatesEveryHeaderVariantByteExactly) {
  const HeaderVariant variants[] = {
      {"plain", {}, {}},
      {"length", {.length = true}, {}},
      {"sequence", {.sequence = true, .ns = 5, .nr = 9}, {}},
      {"offset0", {.offset = 0}, {}},
      {"offset_pad", {.offset = 5}, {}},
      {"priority", {.priority = true}, {}},
      {"all", {.length = true, .sequence = true, .ns = 1, .nr = 2, .offset = 3, .priority = true}, {}},
      {"no_ff03", {}, {.address_control = false}},
      {"pfc", {}, {.compressed_protocol = true}},
      {"no_ff03_pfc", {.length = true}, {.address_control = false, .compressed_protocol = true}},
  };
  for (const auto& v : variants) {
    SCOPED_TRACE(v.name);
    r_->inject(Side::kAccess, upstream_frame(test::ppp(0x0021, inner_v4(), v.ppp), v.l2tp));
    r_->poll();
    auto out = r_->collect(Side::kCore);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0], expected_core(inner_v4(kSub, kHost, 63)));
  }
  EXPECT_EQ(r_->total_drops(), 0u);
  const auto totals = r_->dp().session_totals(slot_);
  EXPECT_EQ(totals.up_packets, std::size(variants));
  EXPECT_EQ(totals.up_bytes, std::size(variants) * inner_v4().size());
}

TEST_F(ForwardingTest, UpstreamIgnoresEthernetPaddingAndL2tpTrailer) {
  Bytes frame = upstream_frame(test::ppp(0x0021, inner_v4(kSub, kHost, 64, 0)), {.length = true});
  frame.resize(frame.size() + 17, 0);  // padding after the datagram
  r_->inject(Side::kAccess, frame);
  r_->poll();
  auto out = r_->collect(Side::kCore);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0], expected_core(inner_v4(kSub, kHost, 63, 0)));
}

// The access port's pool puts a frame dataplane.access_frame_offset (56)
// bytes into a cache line, so that decap's bytes (Ethernet type to the
// inner IPv4 header) share one line, and the core port's at a line
// (frame_layout.h); frames anywhere else take the same fast path, only
// slower.
TEST_F(ForwardingTest, UpstreamFramesDecapsulateAtEveryAlignment) {
  for (const uint32_t offset : {56u, 0u, 8u}) {
    SCOPED_TRACE(::testing::Message() << "access_frame_offset " << offset);
    config::Config cfg = test::test_config();
    cfg.dataplane.access_frame_offset = offset;
    make(cfg);
    for (const Side side : {Side::kAccess, Side::kCore}) {
      rte_mbuf* m = rte_pktmbuf_alloc(r_->dp().rx_pool(side));
      ASSERT_NE(m, nullptr);
      EXPECT_EQ(reinterpret_cast<uintptr_t>(rte_pktmbuf_mtod(m, void*)) % RTE_CACHE_LINE_SIZE,
                side == Side::kAccess ? offset : 0u);
      rte_pktmbuf_free(m);
    }
    const Bytes frame = upstream_frame(test::ppp(0x0021, inner_v4()));
    for (int headroom : {-1, 128, 120, 100, 71, 64, 57, 8, 0}) {
      SCOPED_TRACE(::testing::Message() << "headroom " << headroom);
      r_->inject(Side::kAccess, frame, 0, headroom);
      r_->poll();
      const auto out = r_->collect(Side::kCore);
      ASSERT_EQ(out.size(), 1u);
      EXPECT_EQ(out[0], expected_core(inner_v4(kSub, kHost, 63)));
    }
    EXPECT_EQ(r_->total_drops(), 0u);
    EXPECT_EQ(r_->dp().worker(0).stats().decapsulated, 9u);
    EXPECT_EQ(r_->mbufs_in_use(), baseline_) << "mbuf leak";
  }
}

TEST_F(ForwardingTest, UpstreamIpv6FromTheSessionPrefix) {
  auto inner = test::ipv6(kSub6, kHost6, 17, test::udp(1, 2, test::payload_bytes(20)));
  r_->inject(Side::kAccess, upstream_frame(test::ppp(0x0057, inner)));
  r_->poll();
  auto out = r_->collect(Side::kCore);
  ASSERT_EQ(out.size(), 1u);
  auto expect = test::ipv6(kSub6, kHost6, 17, test::udp(1, 2, test::payload_bytes(20)), 63);
  EXPECT_EQ(out[0], expected_core(expect, 0x86dd));
}

TEST_F(ForwardingTest, DownstreamEncapsulatesIpv4AndIpv6) {
  auto in4 = inner_v4(kHost, kSub, 64, 100);
  r_->inject(Side::kCore, test::concat(test::ethernet(r_->mac(Side::kCore), kRouterMac, 0x0800), in4));
  auto in6 = test::ipv6(kHost6, kSub6, 17, test::udp(1, 2, test::payload_bytes(30)));
  r_->inject(Side::kCore, test::concat(test::ethernet(r_->mac(Side::kCore), kRouterMac, 0x86dd), in6));
  r_->poll();
  auto out = r_->collect(Side::kAccess);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0], expected_access(inner_v4(kHost, kSub, 63, 100)));
  EXPECT_EQ(out[1], expected_access(test::ipv6(kHost6, kSub6, 17, test::udp(1, 2, test::payload_bytes(30)), 63),
                                    0x0057));
  const auto totals = r_->dp().session_totals(slot_);
  EXPECT_EQ(totals.down_packets, 2u);
  EXPECT_EQ(totals.down_bytes, in4.size() + in6.size());
}

// The worker forwards the common layout on a fast path and everything else
// through the general one; a poll takes up to two bursts. Mixed in one run
// of polls, packets must still leave in order and each drop and punt count.
TEST_F(ForwardingTest, BurstsMixingFastAndGeneralPathKeepOrderAndCounts) {
  constexpr int kPackets = 70;  // more than one poll's 64
  std::vector<Bytes> up_expected, down_expected;
  for (int i = 0; i < kPackets; ++i) {
    const size_t payload = 20 + i;  // tells the packets apart
    switch (i % 5) {
      case 0:  // common layout: fast path
      case 1:  // with the Length bit: fast path too
        r_->inject(Side::kAccess, upstream_frame(test::ppp(0x0021, inner_v4(kSub, kHost, 64, payload)),
                                                 {.length = i % 5 == 1}));
        up_expected.push_back(expected_core(inner_v4(kSub, kHost, 63, payload)));
        break;
      case 2:  // sequence numbers and a compressed protocol: general path
        r_->inject(Side::kAccess, upstream_frame(test::ppp(0x0021, inner_v4(kSub, kHost, 64, payload),
                                                           {.compressed_protocol = true}),
                                                 {.sequence = true, .ns = 1, .nr = 2}));
        up_expected.push_back(expected_core(inner_v4(kSub, kHost, 63, payload)));
        break;
      case 3:  // spoofed subscriber source: dropped
        r_->inject(Side::kAccess, upstream_frame(test::ppp(0x0021, inner_v4(kSub + 1, kHost, 64, payload))));
        break;
      case 4:  // LCP: punted
        r_->inject(Side::kAccess, upstream_frame(test::ppp(0xc021, Bytes{1, 1, 0, 4})));
        break;
    }
    switch (i % 3) {
      case 0: {
        const Bytes in4 = inner_v4(kHost, kSub, 64, payload);
        r_->inject(Side::kCore, test::concat(test::ethernet(r_->mac(Side::kCore), kRouterMac, 0x0800), in4));
        down_expected.push_back(expected_access(inner_v4(kHost, kSub, 63, payload)));
        break;
      }
      case 1: {
        const Bytes in6 = test::ipv6(kHost6, kSub6, 17, test::udp(1, 2, test::payload_bytes(payload)));
        r_->inject(Side::kCore, test::concat(test::ethernet(r_->mac(Side::kCore), kRouterMac, 0x86dd), in6));
        down_expected.push_back(expected_access(
            test::ipv6(kHost6, kSub6, 17, test::udp(1, 2, test::payload_bytes(payload)), 63), 0x0057));
        break;
      }
      case 2:
        r_->inject(Side::kCore,
                   test::concat(test::ethernet(r_->mac(Side::kCore), kRouterMac, 0x0800), inner_v4(kHost, kSub, 1)));
        break;
    }
  }
  r_->poll(2);
  EXPECT_EQ(r_->collect(Side::kCore), up_expected);
  EXPECT_EQ(r_->collect(Side::kAccess), down_expected);
  EXPECT_EQ(r_->drops(DropReason::spoofed_source), kPackets / 5u);
  EXPECT_EQ(r_->drops(DropReason::ttl_expired), kPackets / 3u);
  EXPECT_EQ(r_->total_drops(), kPackets / 5u + kPackets / 3u);
  EXPECT_EQ(r_->dp().session_totals(slot_).drops, kPackets / 5u + kPackets / 3u) << "all for the one session";
  EXPECT_EQ(drain_punts(), kPackets / 5u);
}

// Under load (full RX bursts) a burst is processed a few polls after it
// arrived (Worker::held_bursts: upstream bursts are looked at a poll before
// they are forwarded), so its mbufs, headers and session cells can land in
// the meantime; a poll whose RX burst is not full sends everything held,
// in order.
class PipelineTest : public ForwardingTest, public ::testing::WithParamInterface<dp::Flow> {
 protected:
  // Injects n packets of the parameter's direction for a session (the
  // fixture's unless told); returns what must leave the other port for
  // them, in order.
  std::vector<Bytes> inject(uint32_t n, uint16_t tunnel = 7, uint16_t session = 300, uint32_t sub = kSub) {
    std::vector<Bytes> expected;
    for (uint32_t i = 0; i < n; ++i) {
      const auto payload = test::payload_bytes(20 + i % 200);
      if (GetParam() == dp::Flow::kUpstream) {
        const auto udp = test::udp(static_cast<uint16_t>(i), 53, payload);
        r_->inject(Side::kAccess, upstream_frame(test::ppp(0x0021, test::ipv4(sub, kHost, 17, udp)), {}, tunnel, session));
        expected.push_back(expected_core(test::ipv4(sub, kHost, 17, udp, {.ttl = 63})));
      } else {
        const auto udp = test::udp(53, static_cast<uint16_t>(i), payload);
        r_->inject(Side::kCore, test::concat(test::ethernet(r_->mac(Side::kCore), kRouterMac, 0x0800),
                                             test::ipv4(kHost, sub, 17, udp)));
        expected.push_back(expected_access(test::ipv4(kHost, sub, 17, udp, {.ttl = 63})));
      }
    }
    return expected;
  }
  Side out_side() const { return GetParam() == dp::Flow::kUpstream ? Side::kCore : Side::kAccess; }
  uint64_t forwarded() {
    const auto t = r_->dp().session_totals(slot_);
    return GetParam() == dp::Flow::kUpstream ? t.up_packets : t.down_packets;
  }
};

TEST_P(PipelineTest, UnderLoadBurstsWaitInThePipelineThenLeaveInOrder) {
  constexpr uint32_t kPoll = dp::kPollBurst;
  constexpr uint32_t kTail = 10;  // less than one RX burst: the port has caught up
  const uint32_t held = dp::Worker::held_bursts(GetParam());
  ASSERT_GE(held, 2u);
  const uint32_t full = held + 2;
  const uint32_t packets = full * kPoll + kTail;
  const std::vector<Bytes> expected = inject(packets);
  dp::Worker& w = r_->dp().worker(0);
  std::vector<Bytes> out;
  auto take = [&] {
    auto got = r_->collect(out_side());
    const size_t n = got.size();
    out.insert(out.end(), got.begin(), got.end());
    return n;
  };
  for (uint32_t k = 1; k <= held; ++k) {
    EXPECT_EQ(w.poll_once(), 0u) << "poll " << k << " fills the pipeline";
    EXPECT_EQ(w.held(), k * kPoll);
    EXPECT_EQ(take(), 0u);
  }
  for (uint32_t k = held; k < full; ++k) {
    EXPECT_EQ(w.poll_once(), kPoll) << "the oldest burst, " << held << " polls after it arrived";
    EXPECT_EQ(w.held(), held * kPoll);
    EXPECT_EQ(take(), kPoll);
  }
  EXPECT_EQ(w.poll_once(), held * kPoll + kTail) << "a short burst sends everything held";
  EXPECT_EQ(w.held(), 0u);
  EXPECT_EQ(take(), held * kPoll + kTail);
  EXPECT_EQ(w.poll_once(), 0u);
  EXPECT_EQ(out, expected);
  EXPECT_EQ(forwarded(), packets);
  EXPECT_EQ(GetParam() == dp::Flow::kUpstream ? w.stats().rx_access : w.stats().rx_core, packets);
  EXPECT_EQ(r_->total_drops(), 0u);
}

// A burst looked at a poll before it is forwarded carries its session
// cells' home lines over a quiescent state. A session removed in between
// must not forward what is held for it, and every packet is counted.
TEST_P(PipelineTest, SessionRemovedWhileItsBurstsAreHeldIsDroppedNotForwarded) {
  constexpr uint32_t kPoll = dp::kPollBurst;
  const uint32_t held = dp::Worker::held_bursts(GetParam());
  const uint32_t packets = (held + 1) * kPoll;
  inject(packets);
  dp::Worker& w = r_->dp().worker(0);
  for (uint32_t k = 1; k <= held; ++k) ASSERT_EQ(w.poll_once(), 0u);
  ASSERT_TRUE(r_->dp().sessions().remove(7, 300).ok());
  EXPECT_EQ(w.poll_once(), kPoll) << "the oldest burst, looked at before the removal";
  EXPECT_EQ(w.poll_once(), held * kPoll) << "the port is empty: everything held goes";
  EXPECT_EQ(w.held(), 0u);
  EXPECT_TRUE(r_->collect(out_side()).empty()) << "nothing forwarded for a removed session";
  const DropReason why = GetParam() == dp::Flow::kUpstream ? DropReason::unknown_session : DropReason::no_route;
  EXPECT_EQ(r_->drops(why), packets);
  EXPECT_EQ(r_->total_drops(), packets);
}

// And a session added while packets for it are held (looked at before it
// existed, when not even its cells' chunk did) forwards them all.
TEST_P(PipelineTest, SessionAddedWhileItsBurstsAreHeldForwardsThem) {
  constexpr uint32_t kPoll = dp::kPollBurst;
  constexpr uint32_t kSub2 = 0x64410001;  // 100.65.0.1: a /16 without cells yet
  const uint32_t held = dp::Worker::held_bursts(GetParam());
  const uint32_t packets = (held + 1) * kPoll;
  const std::vector<Bytes> expected = inject(packets, 9, 1, kSub2);
  dp::Worker& w = r_->dp().worker(0);
  for (uint32_t k = 1; k <= held; ++k) ASSERT_EQ(w.poll_once(), 0u);
  dp::SessionSpec spec = fixture_session();
  spec.tunnel_id = 9;
  spec.session_id = 1;
  spec.subscriber_ipv4 = kSub2;
  spec.ipv6_prefix_len = 0;
  auto slot = r_->dp().sessions().add(spec);
  ASSERT_TRUE(slot.ok()) << slot.status();
  slot_ = *slot;
  EXPECT_EQ(w.poll_once(), kPoll);
  EXPECT_EQ(w.poll_once(), held * kPoll);
  EXPECT_EQ(r_->collect(out_side()), expected);
  EXPECT_EQ(forwarded(), packets);
  EXPECT_EQ(r_->total_drops(), 0u);
}

// Under load each packet's session is found from its own key and home
// line, although a burst is looked at ahead of its rewrite (upstream a
// poll ahead, downstream kDownstreamLookAhead packets ahead in the same
// loop): consecutive packets for different sessions, with packets the fast
// path leaves (and drops) among them, each reach their own session.
TEST_P(PipelineTest, UnderLoadConsecutivePacketsOfManySessionsEachReachTheirOwn) {
  constexpr uint32_t kExtra = 40;
  struct Sess {
    uint16_t session, peer_session;
    uint32_t sub, slot;
    uint64_t sent = 0;
  };
  std::vector<Sess> sessions{{300, 4242, kSub, slot_}};
  for (uint32_t i = 0; i < kExtra; ++i) {
    dp::SessionSpec s = fixture_session();
    s.session_id = static_cast<uint16_t>(400 + i);
    s.peer_session_id = static_cast<uint16_t>(6000 + i);
    s.subscriber_ipv4 = kSub + 1 + i;
    s.ipv6_prefix_len = 0;
    auto slot = r_->dp().sessions().add(s);
    ASSERT_TRUE(slot.ok()) << slot.status();
    sessions.push_back({s.session_id, s.peer_session_id, s.subscriber_ipv4, *slot});
  }
  const bool up = GetParam() == dp::Flow::kUpstream;
  const uint32_t packets = (dp::Worker::held_bursts(GetParam()) + 3) * dp::kPollBurst + 10;
  std::vector<Bytes> expected;
  uint32_t dropped = 0;
  for (uint32_t i = 0; i < packets; ++i) {
    Sess& s = sessions[(i * 7) % sessions.size()];  // neighbours belong to different sessions
    const auto udp = test::udp(static_cast<uint16_t>(i), 53, test::payload_bytes(20 + i % 100));
    const bool bad = i % 9 == 4;  // spoofed source upstream, TTL 1 downstream: dropped
    if (up) {
      const uint32_t src = bad ? s.sub + 0x100 : s.sub;
      r_->inject(Side::kAccess, upstream_frame(test::ppp(0x0021, test::ipv4(src, kHost, 17, udp)), {}, 7, s.session));
      if (!bad) expected.push_back(expected_core(test::ipv4(s.sub, kHost, 17, udp, {.ttl = 63})));
    } else {
      r_->inject(Side::kCore, test::concat(test::ethernet(r_->mac(Side::kCore), kRouterMac, 0x0800),
                                           test::ipv4(kHost, s.sub, 17, udp, {.ttl = uint8_t(bad ? 1 : 64)})));
      if (!bad) {
        auto l2tp = test::l2tp(17, s.peer_session, test::ppp(0x0021, test::ipv4(kHost, s.sub, 17, udp, {.ttl = 63})));
        auto ip = test::ipv4(kLns, kLac, 17, test::udp(1701, kLacPort, l2tp), {.frag = 0x4000});
        expected.push_back(test::concat(test::ethernet(kLacMac, r_->mac(Side::kAccess), 0x0800), ip));
      }
    }
    if (bad) {
      ++dropped;
    } else {
      ++s.sent;
    }
  }
  dp::Worker& w = r_->dp().worker(0);
  std::vector<Bytes> out;
  for (int k = 0; k < 20 && (w.held() != 0 || out.size() + dropped < packets); ++k) {
    w.poll_once();
    auto got = r_->collect(out_side());
    out.insert(out.end(), got.begin(), got.end());
  }
  EXPECT_EQ(out, expected);
  EXPECT_EQ(r_->drops(up ? DropReason::spoofed_source : DropReason::ttl_expired), dropped);
  EXPECT_EQ(r_->total_drops(), dropped);
  for (const Sess& s : sessions) {
    const auto t = r_->dp().session_totals(s.slot);
    EXPECT_EQ(up ? t.up_packets : t.down_packets, s.sent) << "session " << s.session;
  }
}

INSTANTIATE_TEST_SUITE_P(BothDirections, PipelineTest, ::testing::Values(dp::Flow::kUpstream, dp::Flow::kDownstream),
                         [](const auto& info) {
                           return std::string(info.param == dp::Flow::kUpstream ? "Upstream" : "Downstream");
                         });

// A port whose driver copies each frame in on this core (memif, TAP,
// af_packet) skips the pipeline: every poll takes one RX burst and sends it
// at once. net_ring hands cold mbufs over, so its ports keep the pipeline.
TEST_F(ForwardingTest, WithoutThePipelineEachBurstLeavesInThePollItArrived) {
  EXPECT_EQ(r_->dp().worker(0).config().rx_pipeline, (std::array<bool, 2>{true, true}));
  constexpr uint32_t kTail = 10;
  constexpr uint32_t kPackets = 3 * dp::kBurst + kTail;
  const std::vector<Bytes> expected = inject_upstream_datagrams(kPackets);
  dp::Worker& w = r_->dp().worker(0);
  w.set_rx_pipeline_for_test(dp::Flow::kUpstream, false);
  std::vector<Bytes> out;
  for (uint32_t sent : {uint32_t{dp::kBurst}, uint32_t{dp::kBurst}, uint32_t{dp::kBurst}, kTail, uint32_t{0}}) {
    EXPECT_EQ(w.poll_once(), sent);
    EXPECT_EQ(w.held(), 0u);
    auto got = r_->collect(Side::kCore);
    EXPECT_EQ(got.size(), sent);
    out.insert(out.end(), got.begin(), got.end());
  }
  EXPECT_EQ(out, expected);
  EXPECT_EQ(r_->dp().session_totals(slot_).up_packets, kPackets);
  EXPECT_EQ(r_->total_drops(), 0u);
}

// Downstream IPv4 is built from the tunnel's shared header and the
// session's own fields (peer session ID, PPP compression): a burst that
// alternates between sessions of two tunnels and every PPP framing must
// come out byte for byte as each session's own encapsulation.
TEST_F(ForwardingTest, DownstreamBurstOverTunnelsAndPppFramingsIsByteExact) {
  struct Sub {
    uint32_t lac;
    uint16_t tunnel, peer_tunnel, session;
    uint16_t flags;
  };
  const Sub subs[] = {
      {kLac, 7, 17, 301, 0},
      {kLac + 1, 8, 18, 301, dp::kPeerAcfc},
      {kLac, 7, 17, 302, dp::kPeerPfc},
      {kLac + 1, 8, 18, 302, dp::kPeerAcfc | dp::kPeerPfc},
      {kLac, 7, 17, 303, dp::kPeerAcfc},
  };
  for (size_t i = 0; i < std::size(subs); ++i) {
    dp::SessionSpec s;
    s.lac_ipv4 = subs[i].lac;
    s.lac_port = kLacPort;
    s.tunnel_id = subs[i].tunnel;
    s.session_id = subs[i].session;
    s.peer_tunnel_id = subs[i].peer_tunnel;
    s.peer_session_id = static_cast<uint16_t>(5000 + i);
    s.subscriber_ipv4 = kSub + 1 + static_cast<uint32_t>(i);
    s.flags = static_cast<uint16_t>(dp::kForwardIpv4 | subs[i].flags);
    ASSERT_TRUE(r_->dp().sessions().add(s).ok());
  }
  // The fixture's session and the first sub share tunnel 7's header.
  EXPECT_EQ(r_->dp().sessions().header_pool().size(), 2u);
  std::vector<Bytes> expected;
  for (int round = 0; round < 2; ++round)
    for (size_t i = 0; i < std::size(subs); ++i) {
      const uint32_t sub = kSub + 1 + static_cast<uint32_t>(i);
      const auto inner = inner_v4(kHost, sub, 64, 20 + 7 * i + round);
      r_->inject(Side::kCore, test::concat(test::ethernet(r_->mac(Side::kCore), kRouterMac, 0x0800), inner));
      const test::PppOpts po{.address_control = !(subs[i].flags & dp::kPeerAcfc),
                             .compressed_protocol = bool(subs[i].flags & dp::kPeerPfc)};
      auto l2tp = test::l2tp(subs[i].peer_tunnel, static_cast<uint16_t>(5000 + i),
                             test::ppp(0x0021, inner_v4(kHost, sub, 63, 20 + 7 * i + round), po));
      auto ip = test::ipv4(kLns, subs[i].lac, 17, test::udp(1701, kLacPort, l2tp), {.frag = 0x4000});
      expected.push_back(test::concat(test::ethernet(kLacMac, r_->mac(Side::kAccess), 0x0800), ip));
    }
  r_->poll();
  EXPECT_EQ(r_->collect(Side::kAccess), expected);
  EXPECT_EQ(r_->total_drops(), 0u);
}

// dataplane.encap_header_writes reaches every worker, and whichever way the
// header line is written, the frame on the wire is the same.
TEST_F(ForwardingTest, EncapHeaderWritesSettingReachesTheWorkersAndChangesNoByte) {
  const auto inner = inner_v4(kHost, kSub, 64, 40);
  const Bytes want = expected_access(inner_v4(kHost, kSub, 63, 40));
  for (auto writes : {config::EncapHeaderWrites::kStream, config::EncapHeaderWrites::kStore}) {
    config::Config cfg = test::test_config(2);
    cfg.dataplane.encap_header_writes = writes;
    make(cfg);
    const bool streamed = writes == config::EncapHeaderWrites::kStream;
    EXPECT_EQ(r_->dp().streams_encap_headers(), streamed);
    for (size_t w = 0; w < r_->dp().worker_count(); ++w)
      EXPECT_EQ(r_->dp().worker(w).config().stream_encap_headers, streamed) << "worker " << w;
    r_->inject(Side::kCore, test::concat(test::ethernet(r_->mac(Side::kCore), kRouterMac, 0x0800), inner));
    r_->poll();
    const auto got = r_->collect(Side::kAccess);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0], want);
  }
}

// encap_fast streams the header's first line out whole when that line lies
// in the headroom (and the port lets it), and writes it normally when it
// shares the inner header's line. Every alignment must give the same
// bytes; a frame with less headroom than the header needs (no driver gives
// one) is a counted drop.
TEST_F(ForwardingTest, DownstreamIsByteExactAtEveryHeadroomAlignment) {
  const auto inner = inner_v4(kHost, kSub, 64, 40);
  const Bytes want = expected_access(inner_v4(kHost, kSub, 63, 40));
  // net_ring copies nothing, so "auto" decides by CPU.
  EXPECT_EQ(r_->dp().worker(0).config().stream_encap_headers,
            dp::streams_encap_headers(config::EncapHeaderWrites::kAuto, false, dp::cpu_vendor()));
  for (int headroom : {128, 127, 100, 90, 75, 70, 64, 60, 50, 40, 38, -128, -100, -40}) {
    // Negative: the same headroom with streaming off.
    r_->dp().worker(0).set_stream_encap_headers_for_test(headroom >= 0);
    headroom = std::abs(headroom);
    SCOPED_TRACE(::testing::Message() << "headroom " << headroom);
    r_->inject(Side::kCore, test::concat(test::ethernet(r_->mac(Side::kCore), kRouterMac, 0x0800), inner), 0,
               headroom);
    r_->poll();
    const auto got = r_->collect(Side::kAccess);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0], want);
  }
  EXPECT_EQ(r_->total_drops(), 0u);
  r_->inject(Side::kCore, test::concat(test::ethernet(r_->mac(Side::kCore), kRouterMac, 0x0800), inner), 0, 20);
  r_->poll();
  EXPECT_TRUE(r_->collect(Side::kAccess).empty());
  EXPECT_EQ(r_->total_drops(), 1u);
}

// The control plane's frames never die of a full TX queue: they wait in the
// worker, in order, while forwarded packets are dropped as tx_full.
TEST_F(ForwardingTest, ControlFramesWaitForAFullPortWhileDataIsDropped) {
  r_.reset();
  r_ = test::RingDataplane::create(test::test_config(), 64);
  ASSERT_NE(r_, nullptr);
  baseline_ = r_->mbufs_in_use();
  ASSERT_TRUE(r_->dp().sessions().add(fixture_session()).ok());

  // Fill the access port's transmit ring (what the "wire" has not taken yet).
  unsigned fillers = 0;
  for (;;) {
    rte_mbuf* m = rte_pktmbuf_alloc(r_->dp().pool());
    ASSERT_NE(m, nullptr);
    rte_pktmbuf_append(m, 1);
    if (rte_ring_enqueue(r_->tx_ring(Side::kAccess), m) != 0) {
      rte_pktmbuf_free(m);
      break;
    }
    ++fillers;
  }
  ASSERT_GT(fillers, 0u);
  std::vector<Bytes> control;
  for (uint8_t i = 0; i < 5; ++i) {
    control.push_back(test::concat(test::ethernet(kLacMac, r_->mac(Side::kAccess), 0x0800),
                                   test::ipv4(kLns, kLac, 17, test::udp(1701, kLacPort, test::payload_bytes(20 + i)))));
    rte_mbuf* m = rte_pktmbuf_alloc(r_->dp().pool());
    ASSERT_NE(m, nullptr);
    std::memcpy(rte_pktmbuf_append(m, static_cast<uint16_t>(control.back().size())), control.back().data(),
                control.back().size());
    ASSERT_TRUE(r_->dp().transmit(Side::kAccess, m));
  }
  r_->dp().flush_injected();
  r_->inject(Side::kCore, test::concat(test::ethernet(r_->mac(Side::kCore), kRouterMac, 0x0800), inner_v4(kHost, kSub)));
  r_->poll(3);
  const dp::WorkerStats& st = r_->dp().worker(0).stats();
  EXPECT_EQ(st.injected, 5u);
  EXPECT_EQ(st.inject_waits, 15u);  // five frames, three polls
  EXPECT_EQ(r_->drops(DropReason::tx_full), 1u) << "the downstream packet";

  // The wire takes the fillers; the next poll sends the control frames, in order.
  EXPECT_EQ(r_->collect(Side::kAccess).size(), fillers);
  r_->poll();
  EXPECT_EQ(r_->collect(Side::kAccess), control);
  EXPECT_EQ(st.inject_waits, 15u);
  EXPECT_EQ(r_->total_drops(), 1u);
}

// transmit() stages frames and hands them to the inject ring in bursts: none
// reaches the wire before a flush (or a full burst), all arrive in order,
// and once the ring is full transmit() refuses (freeing the frame) instead
// of staging what could never be enqueued.
TEST_F(ForwardingTest, InjectedFramesAreStagedInOrderAndRefusedWhenTheRingIsFull) {
  auto frame = [&](uint32_t i) {
    return test::concat(test::ethernet(kLacMac, r_->mac(Side::kAccess), 0x0800),
                        test::ipv4(kLns, kLac, 17, test::udp(1701, kLacPort, test::payload_bytes(20 + i % 200))));
  };
  auto send = [&](const Bytes& f) {
    rte_mbuf* m = rte_pktmbuf_alloc(r_->dp().pool());
    if (m == nullptr) return false;
    std::memcpy(rte_pktmbuf_append(m, static_cast<uint16_t>(f.size())), f.data(), f.size());
    return r_->dp().transmit(Side::kAccess, m);
  };
  std::vector<Bytes> sent;
  for (uint32_t i = 0; i < 3; ++i) {
    sent.push_back(frame(i));
    ASSERT_TRUE(send(sent.back()));
  }
  EXPECT_EQ(r_->dp().inject_room(Side::kAccess), 1023u - 3u);
  r_->poll();
  EXPECT_TRUE(r_->collect(Side::kAccess).empty()) << "staged, not yet in the ring";
  EXPECT_EQ(r_->dp().flush_injected(), 0u) << "the ring refused none";
  r_->poll();
  EXPECT_EQ(r_->collect(Side::kAccess), sent);

  // Without a worker polling, the ring (1023 usable slots) fills.
  sent.clear();
  uint32_t accepted = 0;
  for (uint32_t i = 0; i < 1100; ++i) {
    Bytes f = frame(i);
    if (!send(f)) continue;
    ++accepted;
    sent.push_back(std::move(f));
  }
  EXPECT_EQ(accepted, 1023u);
  EXPECT_EQ(r_->dp().inject_room(Side::kAccess), 0u);
  EXPECT_EQ(r_->dp().flush_injected(), 0u) << "transmit() refused what would not fit";
  std::vector<Bytes> wire;
  for (int i = 0; i < 64 && wire.size() < sent.size(); ++i) {
    r_->poll();
    for (Bytes& b : r_->collect(Side::kAccess)) wire.push_back(std::move(b));
  }
  EXPECT_EQ(wire, sent);
  EXPECT_EQ(r_->total_drops(), 0u);
}

TEST_F(ForwardingTest, VlansOnBothPorts) {
  auto cfg = test::test_config();
  cfg.access.vlan = 100;
  cfg.core.vlan = 200;
  make(cfg);
  baseline_ = r_->mbufs_in_use();
  r_->inject(Side::kAccess, upstream_frame(test::ppp(0x0021, inner_v4()), {}, 7, 300, kLac, kLacPort, 100));
  r_->inject(Side::kAccess, upstream_frame(test::ppp(0x0021, inner_v4()), {}, 7, 300, kLac, kLacPort, 101));
  r_->inject(Side::kAccess, upstream_frame(test::ppp(0x0021, inner_v4())));  // untagged
  auto in4 = inner_v4(kHost, kSub);
  r_->inject(Side::kCore, test::concat(test::ethernet(r_->mac(Side::kCore), kRouterMac, 0x0800, 200), in4));
  r_->poll();
  auto up = r_->collect(Side::kCore);
  ASSERT_EQ(up.size(), 1u);
  EXPECT_EQ(up[0], expected_core(inner_v4(kSub, kHost, 63), 0x0800, 200));
  auto down = r_->collect(Side::kAccess);
  ASSERT_EQ(down.size(), 1u);
  EXPECT_EQ(down[0], expected_access(inner_v4(kHost, kSub, 63), 0x0021, 100));
  EXPECT_EQ(r_->drops(DropReason::vlan_mismatch), 2u);
}

TEST_F(ForwardingTest, EachMalformedOrHostilePacketIsDroppedUnderItsName) {
  struct Case {
    const char* name;
    Bytes frame;
    DropReason reason;
  };
  const Bytes good_ppp = test::ppp(0x0021, inner_v4());
  const Bytes full_inner = inner_v4();
  Bytes bad_csum = upstream_frame(good_ppp);
  bad_csum[14 + 10] ^= 0xff;
  Bytes lying_length = upstream_frame(good_ppp, {.length = true});
  test::set16(lying_length, 14 + 20 + 8 + 2, 2000);
  Bytes offset_past_end = upstream_frame(good_ppp, {.offset = 0});
  test::set16(offset_past_end, 14 + 20 + 8 + 6, 3000);
  Bytes truncated_l2tp = upstream_frame(Bytes{}, {});
  truncated_l2tp.resize(14 + 20 + 8 + 4);
  test::set16(truncated_l2tp, 14 + 2, 20 + 8 + 4);
  test::set16(truncated_l2tp, 14 + 10, 0);
  test::set16(truncated_l2tp, 14 + 10, static_cast<uint16_t>(~test::ones_complement_sum(truncated_l2tp.data() + 14, 20)));
  test::set16(truncated_l2tp, 14 + 20 + 4, 12);
  Bytes to_other_port = upstream_frame(good_ppp);
  test::set16(to_other_port, 14 + 20 + 2, 1702);
  const Case cases[] = {
      {"runt", Bytes(10, 0), DropReason::truncated},
      {"ipv6 outer", test::concat(test::ethernet(r_->mac(Side::kAccess), kLacMac, 0x86dd), Bytes(60, 0)),
       DropReason::unsupported_ethertype},
      {"other ethertype", test::concat(test::ethernet(r_->mac(Side::kAccess), kLacMac, 0x88cc), Bytes(60, 0)),
       DropReason::unsupported_ethertype},
      {"bad outer checksum", bad_csum, DropReason::outer_bad_ip},
      {"not for us", test::concat(test::ethernet(r_->mac(Side::kAccess), kLacMac, 0x0800),
                                  test::ipv4(kLac, kLns + 1, 17, test::udp(kLacPort, 1701, test::l2tp(7, 300, good_ppp)))),
       DropReason::not_for_us},
      {"udp other port", to_other_port, DropReason::not_l2tp},
      {"tcp to us", test::concat(test::ethernet(r_->mac(Side::kAccess), kLacMac, 0x0800),
                                 test::ipv4(kLac, kLns, 6, Bytes(20, 0))),
       DropReason::not_l2tp},
      {"l2tpv3", upstream_frame(good_ppp, {.version = 3}), DropReason::l2tp_bad_version},
      {"lying length", lying_length, DropReason::l2tp_bad_header},
      {"offset past end", offset_past_end, DropReason::l2tp_bad_header},
      {"truncated l2tp", truncated_l2tp, DropReason::l2tp_bad_header},
      {"unknown tunnel", upstream_frame(good_ppp, {}, 8, 300), DropReason::unknown_session},
      {"unknown session", upstream_frame(good_ppp, {}, 7, 301), DropReason::unknown_session},
      {"session zero", upstream_frame(good_ppp, {}, 7, 0), DropReason::unknown_session},
      {"lac address spoofed", upstream_frame(good_ppp, {}, 7, 300, kLac + 1), DropReason::spoofed_lac},
      {"lac port spoofed", upstream_frame(good_ppp, {}, 7, 300, kLac, kLacPort + 1), DropReason::spoofed_lac},
      {"ppp even protocol", upstream_frame(Bytes{0xff, 0x03, 0x00, 0x20, 0x45}), DropReason::ppp_bad_header},
      {"ppp empty", upstream_frame(Bytes{0xff, 0x03}), DropReason::ppp_bad_header},
      {"subscriber source spoofed", upstream_frame(test::ppp(0x0021, inner_v4(kSub + 1))), DropReason::spoofed_source},
      {"ttl expired", upstream_frame(test::ppp(0x0021, inner_v4(kSub, kHost, 1))), DropReason::ttl_expired},
      {"inner truncated", upstream_frame(test::ppp(0x0021, Bytes(full_inner.begin(), full_inner.begin() + 30))),
       DropReason::inner_bad_ip},
      {"inner not ipv4", upstream_frame(test::ppp(0x0021, test::ipv6(kSub6, kHost6, 17, {}))), DropReason::inner_bad_ip},
      {"ipv6 link local", upstream_frame(test::ppp(0x0057, test::ipv6({0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1},
                                                                       kHost6, 17, {}))),
       DropReason::ipv6_link_local},
      {"ipv6 outside prefix", upstream_frame(test::ppp(0x0057, test::ipv6(kHost6, kHost6, 17, {}))),
       DropReason::spoofed_source},
      {"downstream no route", test::concat(test::ethernet(r_->mac(Side::kCore), kRouterMac, 0x0800), inner_v4(kHost, kSub + 5)),
       DropReason::no_route},
      {"downstream ttl", test::concat(test::ethernet(r_->mac(Side::kCore), kRouterMac, 0x0800), inner_v4(kHost, kSub, 1)),
       DropReason::ttl_expired},
  };
  // Drops after the session is known are also charged to it (show session).
  const std::set<DropReason> charged_to_session = {DropReason::spoofed_lac,    DropReason::ppp_bad_header,
                                                   DropReason::spoofed_source, DropReason::ttl_expired,
                                                   DropReason::inner_bad_ip,   DropReason::ipv6_link_local};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const uint64_t session_before = r_->dp().session_totals(slot_).drops;
    const uint64_t before = r_->drops(c.reason);
    const uint64_t total_before = r_->total_drops();
    const bool core = std::string(c.name).rfind("downstream", 0) == 0;
    r_->inject(core ? Side::kCore : Side::kAccess, c.frame);
    r_->poll();
    EXPECT_EQ(r_->drops(c.reason), before + 1);
    EXPECT_EQ(r_->total_drops(), total_before + 1);
    EXPECT_EQ(r_->dp().session_totals(slot_).drops, session_before + (charged_to_session.count(c.reason) ? 1 : 0));
    EXPECT_TRUE(r_->collect(Side::kCore).empty());
    EXPECT_TRUE(r_->collect(Side::kAccess).empty());
    EXPECT_EQ(r_->mbufs_in_use(), baseline_);
  }
}

TEST_F(ForwardingTest, SessionNotUpDropsIpButStillPuntsPpp) {
  ASSERT_TRUE(r_->dp().sessions().set_flags(slot_, 0).ok());
  r_->inject(Side::kAccess, upstream_frame(test::ppp(0x0021, inner_v4())));
  r_->inject(Side::kAccess, upstream_frame(test::ppp(0xc021, Bytes{1, 1, 0, 4})));
  r_->inject(Side::kCore, test::concat(test::ethernet(r_->mac(Side::kCore), kRouterMac, 0x0800), inner_v4(kHost, kSub)));
  r_->poll();
  EXPECT_EQ(r_->drops(DropReason::session_not_up), 2u);
  EXPECT_EQ(drain_punts(), 1u);
}

// While LCP is open the worker answers the peer's Echo-Requests itself:
// the reply goes back through the session's tunnel with the request's
// Identifier and data and our Magic-Number, in LCP's uncompressed framing,
// whatever framing and L2TP options the request came with.
TEST_F(ForwardingTest, LcpEchoRequestIsAnsweredByTheWorkerWhileLcpIsOpen) {
  ASSERT_TRUE(r_->dp().sessions().set_lcp_magic(slot_, 0x1badcafe).ok());
  ASSERT_TRUE(r_->dp().sessions().set_flags(slot_, dp::kForwardIpv4 | dp::kAnswerLcpEcho).ok());
  const Bytes request{9, 0x42, 0, 13, 0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5};
  const Bytes reply{10, 0x42, 0, 13, 0x1b, 0xad, 0xca, 0xfe, 1, 2, 3, 4, 5};
  const HeaderVariant variants[] = {
      {"plain", {}, {}},
      {"length_sequence_offset", {.length = true, .sequence = true, .ns = 3, .nr = 4, .offset = 2}, {}},
      {"no_ff03", {}, {.address_control = false}},
  };
  for (const auto& v : variants) {
    SCOPED_TRACE(v.name);
    // Ethernet padding after the LCP packet is not echoed.
    Bytes frame = upstream_frame(test::ppp(0xc021, request, v.ppp), v.l2tp);
    frame.resize(frame.size() + 10, 0);
    r_->inject(Side::kAccess, frame);
    r_->poll();
    auto out = r_->collect(Side::kAccess);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0], expected_access(reply, 0xc021));
  }
  EXPECT_EQ(drain_punts(), 0u);
  EXPECT_EQ(r_->dp().worker(0).stats().lcp_echo_answered, 3u);
  EXPECT_EQ(r_->total_drops(), 0u);
}

TEST_F(ForwardingTest, LcpEchoTheWorkerMustNotAnswerGoesToTheControlPlane) {
  ASSERT_TRUE(r_->dp().sessions().set_lcp_magic(slot_, 0x1badcafe).ok());
  const Bytes request{9, 0x42, 0, 12, 0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4};
  // LCP not open (no kAnswerLcpEcho): the control plane decides.
  r_->inject(Side::kAccess, upstream_frame(test::ppp(0xc021, request)));
  r_->poll();
  ASSERT_TRUE(r_->dp().sessions().set_flags(slot_, dp::kForwardIpv4 | dp::kAnswerLcpEcho).ok());
  // Our own Magic-Number: a looped link, which LCP must see.
  r_->inject(Side::kAccess, upstream_frame(test::ppp(0xc021, Bytes{9, 1, 0, 8, 0x1b, 0xad, 0xca, 0xfe})));
  // Other LCP codes: Echo-Reply, Configure-Request, Discard-Request.
  for (uint8_t code : {10, 1, 11})
    r_->inject(Side::kAccess, upstream_frame(test::ppp(0xc021, Bytes{code, 1, 0, 8, 0xde, 0xad, 0xbe, 0xef})));
  // A Length beyond the packet, and one below the Magic-Number's end.
  r_->inject(Side::kAccess, upstream_frame(test::ppp(0xc021, Bytes{9, 1, 0, 200, 0xde, 0xad, 0xbe, 0xef})));
  r_->inject(Side::kAccess, upstream_frame(test::ppp(0xc021, Bytes{9, 1, 0, 6, 0xde, 0xad, 0xbe, 0xef})));
  // A reply the peer's MRU would not take.
  ASSERT_TRUE(r_->dp().sessions().set_mtu(slot_, 576).ok());
  Bytes big(600, 0x55);
  big[0] = 9;
  big[2] = 600 >> 8;
  big[3] = 600 & 0xff;
  r_->inject(Side::kAccess, upstream_frame(test::ppp(0xc021, big)));
  r_->poll();
  EXPECT_TRUE(r_->collect(Side::kAccess).empty());
  EXPECT_EQ(drain_punts(), 8u);
  EXPECT_EQ(r_->dp().worker(0).stats().lcp_echo_answered, 0u);
}

TEST_F(ForwardingTest, ControlTrafficIsPuntedToTheControlPlane) {
  // L2TP control message (SCCRQ-like: T, L, S bits), PPP LCP/PAP/CHAP/IPCP/
  // IPv6CP, an unknown PPP protocol, and ARP on both ports.
  r_->inject(Side::kAccess, upstream_frame(Bytes{0, 8, 0x80, 0, 0, 0, 0, 1}, {.length = true, .sequence = true, .control = true}, 0, 0));
  for (uint16_t proto : {0xc021, 0xc023, 0xc223, 0x8021, 0x8057, 0x8281})
    r_->inject(Side::kAccess, upstream_frame(test::ppp(proto, Bytes{1, 1, 0, 4})));
  Bytes arp(28, 0);
  r_->inject(Side::kAccess, test::concat(test::ethernet({0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, kLacMac, 0x0806), arp));
  r_->inject(Side::kCore, test::concat(test::ethernet({0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, kRouterMac, 0x0806), arp));
  r_->poll();
  rte_mbuf* pkts[16];
  const uint16_t n = r_->dp().receive_punted(pkts, 16);
  EXPECT_EQ(n, 9u);
  for (uint16_t i = 0; i < n; ++i) rte_pktmbuf_free(pkts[i]);
  EXPECT_EQ(r_->total_drops(), 0u);
}

TEST_F(ForwardingTest, PuntFloodIsPolicedAndCounted) {
  auto cfg = test::test_config();
  cfg.dataplane.punt.rate_pps = 1;  // effectively: the bucket depth only
  cfg.dataplane.punt.burst = 10;
  cfg.dataplane.punt.ring_size = 64;
  make(cfg);
  baseline_ = r_->mbufs_in_use();
  for (int i = 0; i < 100; ++i) r_->inject(Side::kAccess, upstream_frame(test::ppp(0xc021, Bytes{9, 1, 0, 4})));
  r_->poll(4);
  const unsigned punted = drain_punts();
  EXPECT_GE(punted, 10u);
  EXPECT_LE(punted, 11u);  // one token may have trickled in
  EXPECT_EQ(r_->drops(DropReason::punt_policed), 100u - punted);
}

// A PPP storm (say, a mass reconnect) exhausts PPP's token bucket and
// ring; tunnel signalling has its own, and the control plane reads it first.
TEST_F(ForwardingTest, PppFloodCannotStarveTunnelSignalling) {
  auto cfg = test::test_config();
  cfg.dataplane.punt.rate_pps = 1;  // the bucket depth only
  cfg.dataplane.punt.burst = 100;
  cfg.dataplane.punt.ring_size = 64;
  make(cfg);
  baseline_ = r_->mbufs_in_use();
  const Bytes hello{0, 8, 0x80, 0, 0, 0, 0, 6};  // a control message
  for (int i = 0; i < 200; ++i) {
    r_->inject(Side::kAccess, upstream_frame(test::ppp(0xc021, Bytes{9, 1, 0, 4})));
    if (i % 40 == 39) r_->inject(Side::kAccess, upstream_frame(hello, {.length = true, .sequence = true, .control = true}, 0, 0));
  }
  r_->poll(8);
  // PPP: 63 fit the ring (one slot is kept empty); a frame that finds it
  // full spends no token, so the other 137 are all counted as ring full.
  EXPECT_EQ(r_->drops(DropReason::punt_ring_full), 137u);
  EXPECT_EQ(r_->drops(DropReason::punt_policed), 0u);
  rte_mbuf* pkts[8];
  ASSERT_EQ(r_->dp().receive_punted(pkts, 5), 5u);
  for (rte_mbuf* m : absl::MakeSpan(pkts, 5)) {
    const uint8_t* l2tp = rte_pktmbuf_mtod(m, const uint8_t*) + 14 + 20 + 8;
    EXPECT_TRUE(l2tp[0] & 0x80) << "the control messages come out first";
    rte_pktmbuf_free(m);
  }
  EXPECT_EQ(drain_punts(), 63u);
}

TEST_F(ForwardingTest, TcpMssIsClampedBothWays) {
  auto syn_up = test::ipv4(kSub, kHost, 6, test::tcp_syn_v4(kSub, kHost, 1460));
  r_->inject(Side::kAccess, upstream_frame(test::ppp(0x0021, syn_up)));
  auto syn_down = test::ipv4(kHost, kSub, 6, test::tcp_syn_v4(kHost, kSub, 1460));
  r_->inject(Side::kCore, test::concat(test::ethernet(r_->mac(Side::kCore), kRouterMac, 0x0800), syn_down));
  r_->poll();
  auto up = r_->collect(Side::kCore);
  ASSERT_EQ(up.size(), 1u);
  EXPECT_EQ(up[0], expected_core(test::ipv4(kSub, kHost, 6, test::tcp_syn_v4(kSub, kHost, 1400), {.ttl = 63})));
  auto down = r_->collect(Side::kAccess);
  ASSERT_EQ(down.size(), 1u);
  EXPECT_EQ(down[0], expected_access(test::ipv4(kHost, kSub, 6, test::tcp_syn_v4(kHost, kSub, 1400), {.ttl = 63})));
}

// The configured clamp (1400 here) is an IPv4 MSS: session MTU - 40. IPv6
// headers are 20 octets longer, so IPv6 SYNs get 20 less, or every
// full-size IPv6 segment would exceed the session MTU and, never fragmented,
// be dropped downstream.
TEST_F(ForwardingTest, TcpMssOfIpv6IsClampedTwentyOctetsLowerBothWays) {
  auto syn_up = test::ipv6(kSub6, kHost6, 6, test::tcp_syn_v6(kSub6, kHost6, 1440));
  r_->inject(Side::kAccess, upstream_frame(test::ppp(0x0057, syn_up)));
  auto syn_down = test::ipv6(kHost6, kSub6, 6, test::tcp_syn_v6(kHost6, kSub6, 1440));
  r_->inject(Side::kCore, test::concat(test::ethernet(r_->mac(Side::kCore), kRouterMac, 0x86dd), syn_down));
  r_->poll();
  auto up = r_->collect(Side::kCore);
  ASSERT_EQ(up.size(), 1u);
  EXPECT_EQ(up[0], expected_core(test::ipv6(kSub6, kHost6, 6, test::tcp_syn_v6(kSub6, kHost6, 1380), 63), 0x86dd));
  auto down = r_->collect(Side::kAccess);
  ASSERT_EQ(down.size(), 1u);
  EXPECT_EQ(down[0],
            expected_access(test::ipv6(kHost6, kSub6, 6, test::tcp_syn_v6(kHost6, kSub6, 1380), 63), 0x0057));
}

TEST_F(ForwardingTest, DownstreamOverMtuIsFragmentedOrDroppedWithDf) {
  auto big = test::ipv4(kHost, kSub, 17, test::payload_bytes(2000), {.id = 77});
  r_->inject(Side::kCore, test::concat(test::ethernet(r_->mac(Side::kCore), kRouterMac, 0x0800), big));
  auto big_df = test::ipv4(kHost, kSub, 17, test::payload_bytes(2000), {.frag = 0x4000});
  r_->inject(Side::kCore, test::concat(test::ethernet(r_->mac(Side::kCore), kRouterMac, 0x0800), big_df));
  r_->poll();
  EXPECT_EQ(r_->drops(DropReason::mtu_exceeded_df), 1u);
  auto out = r_->collect(Side::kAccess);
  ASSERT_EQ(out.size(), 2u);
  // Reassemble the inner fragments and compare with the original payload.
  Bytes payload;
  size_t expect_off = 0;
  for (const auto& f : out) {
    const size_t inner_at = 14 + 20 + 8 + 6 + 4;
    ASSERT_GT(f.size(), inner_at + 20);
    const uint8_t* ip = f.data() + inner_at;
    EXPECT_LE(f.size() - inner_at, 1460u);
    const uint16_t frag = (ip[6] << 8) | ip[7];
    EXPECT_EQ((frag & 0x1fff) * 8u, expect_off);
    EXPECT_EQ(test::ones_complement_sum(ip, 20), 0xffff) << "inner header checksum";
    EXPECT_EQ(ip[8], 63);
    const uint16_t tl = (ip[2] << 8) | ip[3];
    payload.insert(payload.end(), ip + 20, ip + tl);
    expect_off += tl - 20;
  }
  EXPECT_EQ(payload, test::payload_bytes(2000));
}

TEST_F(ForwardingTest, OuterFragmentsAreReassembled) {
  auto whole = upstream_frame(test::ppp(0x0021, inner_v4(kSub, kHost, 64, 600)));
  const Bytes ip_payload(whole.begin() + 34, whole.end());  // UDP onward
  const size_t cut = 304;                                   // multiple of 8
  auto frag1 = test::ipv4(kLac, kLns, 17, Bytes(ip_payload.begin(), ip_payload.begin() + cut), {.id = 99, .frag = 0x2000});
  auto frag2 = test::ipv4(kLac, kLns, 17, Bytes(ip_payload.begin() + cut, ip_payload.end()), {.id = 99, .frag = cut / 8});
  r_->inject(Side::kAccess, test::concat(test::ethernet(r_->mac(Side::kAccess), kLacMac, 0x0800), frag2));
  r_->inject(Side::kAccess, test::concat(test::ethernet(r_->mac(Side::kAccess), kLacMac, 0x0800), frag1));
  r_->poll();
  auto out = r_->collect(Side::kCore);
  const auto& st = r_->dp().worker(0).stats();
  for (size_t i = 0; i < dp::kDropReasonCount; ++i)
    EXPECT_EQ(st.drops[i], 0u) << dp::kDropReasonNames[i];
  ASSERT_EQ(out.size(), 1u) << "fragments_in " << st.fragments_in << " reassembled " << st.reassembled << " punted " << st.punted << " decap " << st.decapsulated << " drops " << st.total_drops();
  EXPECT_EQ(out[0], expected_core(inner_v4(kSub, kHost, 63, 600)));
  EXPECT_EQ(st.reassembled, 1u);
}

TEST_F(ForwardingTest, RemovedSessionStopsForwardingAndRecyclesItsSlot) {
  ASSERT_TRUE(r_->dp().sessions().remove(7, 300).ok());
  r_->inject(Side::kAccess, upstream_frame(test::ppp(0x0021, inner_v4())));
  r_->inject(Side::kCore, test::concat(test::ethernet(r_->mac(Side::kCore), kRouterMac, 0x0800), inner_v4(kHost, kSub)));
  r_->poll();
  EXPECT_EQ(r_->drops(DropReason::unknown_session), 1u);
  EXPECT_EQ(r_->drops(DropReason::no_route), 1u);
  // The poll above was a quiescent state, so the slot can now be recycled.
  r_->dp().sessions().reclaim();
  EXPECT_EQ(r_->dp().sessions().recycled(), 1u);
  EXPECT_EQ(r_->dp().sessions().size(), 0u);
}

// The decap fast path checks the constant fields of the common layout with
// one 64-byte pattern and the rest field by field; on any frame it must
// decide exactly as the field-by-field classification does.
TEST_F(ForwardingTest, PatternClassificationAgreesWithFieldByField) {
  for (const bool tagged : {false, true}) {
    auto cfg = test::test_config();
    if (tagged) cfg.access.vlan = 100;
    make(cfg);
    baseline_ = r_->mbufs_in_use();
    const std::optional<uint16_t> vlan = tagged ? std::optional<uint16_t>(100) : std::nullopt;
    const size_t l2 = tagged ? 18 : 14;
    struct Seed {
      Bytes frame;
      size_t inner;  // offset of the inner IPv4 header
    };
    const Seed seeds[] = {
        {upstream_frame(test::ppp(0x0021, inner_v4()), {}, 7, 300, kLac, kLacPort, vlan), l2 + 38},
        {upstream_frame(test::ppp(0x0021, inner_v4()), {.length = true}, 7, 300, kLac, kLacPort, vlan), l2 + 40},
        {upstream_frame(test::ppp(0x0021, inner_v4(kSub, kHost, 64, 200)), {}, 9, 1, kLac, kLacPort, vlan), l2 + 38},
    };
    // Most header bytes are under an IPv4 checksum: put it right after a
    // mutation, so the fields themselves are what the classification sees.
    auto fix_checksum = [](Bytes& f, size_t ip) {
      if (f.size() < ip + 20) return;
      f[ip + 10] = f[ip + 11] = 0;
      const uint16_t c = internet_checksum(f.data() + ip, 20);
      f[ip + 10] = static_cast<uint8_t>(c >> 8);
      f[ip + 11] = static_cast<uint8_t>(c);
    };
    const dp::Worker& w = r_->dp().worker(0);
    std::mt19937 rng(1701 + tagged);
    uint64_t classified = 0, rejected = 0;
    for (int i = 0; i < 20000; ++i) {
      const Seed& seed = seeds[rng() % std::size(seeds)];
      Bytes f = seed.frame;
      const int mutations = rng() % 3;  // some frames stay intact
      for (int k = 0; k < mutations; ++k) {
        switch (rng() % 4) {
          case 0: f[rng() % std::min<size_t>(f.size(), 80)] = static_cast<uint8_t>(rng()); break;
          case 1: f[rng() % std::min<size_t>(f.size(), 80)] ^= static_cast<uint8_t>(1u << (rng() % 8)); break;
          case 2: f.resize(1 + rng() % f.size()); break;
          case 3: f.resize(f.size() + rng() % 64, static_cast<uint8_t>(rng())); break;
        }
      }
      if (rng() % 4 != 0) {
        fix_checksum(f, l2);
        fix_checksum(f, seed.inner);
      }
      r_->inject(Side::kAccess, f);
      rte_mbuf* m = nullptr;
      ASSERT_EQ(rte_ring_dequeue(r_->rx_ring(Side::kAccess), reinterpret_cast<void**>(&m)), 0);
      uint32_t key_pattern = 0, key_fields = 0;
      const uint32_t by_pattern = w.classify_upstream_for_test(m, &key_pattern, false);
      const uint32_t by_fields = w.classify_upstream_for_test(m, &key_fields, true);
      rte_pktmbuf_free(m);
      ASSERT_EQ(by_pattern, by_fields) << "frame " << i << (tagged ? " tagged" : "");
      if (by_pattern != 0) {
        ASSERT_EQ(key_pattern, key_fields) << "frame " << i;
        ++classified;
      } else {
        ++rejected;
      }
    }
    EXPECT_GT(classified, 5000u) << "intact and harmlessly mutated frames take the fast path";
    EXPECT_GT(rejected, 5000u);
  }
}

TEST_F(ForwardingTest, RandomGarbageNeverCrashesLeaksOrEscapesAccounting) {
  auto cfg = test::test_config();
  cfg.dataplane.reassembly.timeout_ms = 1;  // so held fragments expire below
  make(cfg);
  baseline_ = r_->mbufs_in_use();
  // LCP open, so mangled Echo-Requests reach the worker's own answering.
  ASSERT_TRUE(r_->dp().sessions().set_lcp_magic(slot_, 0x1badcafe).ok());
  ASSERT_TRUE(r_->dp().sessions().set_flags(slot_, dp::kForwardIpv4 | dp::kForwardIpv6 | dp::kAnswerLcpEcho).ok());
  std::mt19937 rng(2661);
  const Bytes seed_up = upstream_frame(test::ppp(0x0021, inner_v4()), {.length = true, .sequence = true});
  const Bytes seed_echo = upstream_frame(test::ppp(0xc021, Bytes{9, 7, 0, 12, 0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4}));
  const Bytes seed_down = test::concat(test::ethernet(r_->mac(Side::kCore), kRouterMac, 0x0800), inner_v4(kHost, kSub));
  uint64_t injected = 0;
  for (int round = 0; round < 200; ++round) {
    // Batches of up to 400 frames: often over three full bursts a port, so
    // garbage also goes through the worker's pipeline (HeldBursts).
    const int batch = 1 + static_cast<int>(rng() % 400);
    for (int i = 0; i < batch; ++i) {
      const bool down = rng() & 1;
      Bytes f = down ? seed_down : (rng() % 4 == 0 ? seed_echo : seed_up);
      const int mutations = 1 + rng() % 6;
      for (int k = 0; k < mutations; ++k) {
        switch (rng() % 4) {
          case 0: f[rng() % f.size()] = static_cast<uint8_t>(rng()); break;
          case 1: f.resize(1 + rng() % f.size()); break;
          case 2: f.resize(f.size() + rng() % 64, static_cast<uint8_t>(rng())); break;
          case 3: if (f.size() > 40) f[14 + rng() % 26] ^= static_cast<uint8_t>(1u << (rng() % 8)); break;
        }
      }
      r_->inject(down ? Side::kCore : Side::kAccess, f);
      ++injected;
    }
    r_->poll();
  }
  usleep(20000);
  r_->poll();  // expires fragments still waiting for their datagram
  const auto& st = r_->dp().worker(0).stats();
  // n fragments merged into one datagram leave n - 1 packets behind.
  const uint64_t absorbed = st.fragments_merged - st.reassembled;
  EXPECT_EQ(st.fragments_in, st.fragments_merged + r_->drops(DropReason::reassembly_failed));
  const uint64_t out = r_->collect(Side::kCore).size() + r_->collect(Side::kAccess).size();
  const uint64_t punted = drain_punts();
  EXPECT_EQ(st.rx_access + st.rx_core, injected);
  EXPECT_EQ(out + punted + r_->total_drops() + absorbed, injected) << "every packet ends transmitted, punted or dropped";
  EXPECT_GT(st.lcp_echo_answered, 0u) << "some mangled Echo-Requests were still answerable";
}

}  // namespace
}  // namespace lns

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  if (!lns::test::init_eal_for_tests(argv[0])) return 1;
  return RUN_ALL_TESTS();
}
