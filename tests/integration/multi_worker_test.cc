// Several workers on real lcores (more lcores than this machine has CPUs, so
// they share cores) forwarding one tunnel of many sessions, as one LAC sends
// it: every upstream frame arrives on RX queue 0, because a tunnel is one UDP
// flow and RSS hashes the flow. Downstream frames arrive spread over the
// queues by subscriber, as RSS on the core side would spread them.
//
// With either distribution every packet comes out exactly once, each
// session's packets in the order they were sent, and the per-worker counters
// add up. With session distribution each session's packets come out of the
// TX queue of the worker that owns it (so one tunnel uses every worker);
// with RSS distribution the whole tunnel stays on worker 0.
#include <algorithm>
#include <chrono>
#include <map>
#include <thread>

#include <gtest/gtest.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "dataplane/session_owner.h"
#include "tests/support/eal_env.h"
#include "tests/support/packet_builder.h"
#include "tests/support/ring_dataplane.h"

namespace lns {
namespace {

using config::Distribution;
using dp::Side;
using test::Bytes;

constexpr uint32_t kLns = 0xc0000201;   // 192.0.2.1
constexpr uint32_t kLac = 0xc0000202;   // 192.0.2.2
constexpr uint16_t kLacPort = 1701;
constexpr uint16_t kTunnel = 7;
constexpr uint32_t kSubBase = 0x64400001;  // 100.64.0.1
constexpr uint32_t kHost = 0x08080808;
constexpr unsigned kSessions = 256;
constexpr unsigned kPacketsPerSession = 40;  // per direction
const test::Mac kLacMac{0x02, 0, 0, 0, 0xac, 0x01};
const test::Mac kRouterMac{0x02, 0, 0, 0, 0xc0, 0x01};

uint16_t session_id(unsigned s) { return static_cast<uint16_t>(100 + s * 3); }
uint32_t subscriber(unsigned s) { return kSubBase + s; }

// The last 8 bytes of every frame, in and out: which session, which packet.
Bytes stamped_inner(uint32_t src, uint32_t dst, unsigned s, unsigned seq) {
  Bytes stamp = test::payload_bytes(18);
  test::put32(stamp, s);
  test::put32(stamp, seq);
  return test::ipv4(src, dst, 17, test::udp(5000, 6000, stamp));
}

void read_stamp(const Bytes& b, uint32_t* s, uint32_t* seq) {
  const size_t n = b.size();
  *s = uint32_t{b[n - 8]} << 24 | uint32_t{b[n - 7]} << 16 | uint32_t{b[n - 6]} << 8 | b[n - 5];
  *seq = uint32_t{b[n - 4]} << 24 | uint32_t{b[n - 3]} << 16 | uint32_t{b[n - 2]} << 8 | b[n - 1];
}

// A session of the test tunnel, forwarding IPv4.
dp::SessionSpec session_spec(uint16_t sid, uint16_t peer_sid, uint32_t subscriber_ipv4) {
  dp::SessionSpec spec;
  spec.lac_ipv4 = kLac;
  spec.lac_port = kLacPort;
  spec.tunnel_id = kTunnel;
  spec.session_id = sid;
  spec.peer_tunnel_id = 17;
  spec.peer_session_id = peer_sid;
  spec.subscriber_ipv4 = subscriber_ipv4;
  spec.mtu = 1460;
  spec.flags = dp::kForwardIpv4;
  return spec;
}

// An upstream data frame of session `sid` from `subscriber_ipv4`, stamped
// (s, seq), addressed to the access port of `r`.
Bytes upstream_frame_of(const test::RingDataplane& r, uint16_t sid, uint32_t subscriber_ipv4, unsigned s,
                        unsigned seq) {
  auto ppp = test::ppp(0x0021, stamped_inner(subscriber_ipv4, kHost, s, seq));
  auto ip = test::ipv4(kLac, kLns, 17, test::udp(kLacPort, 1701, test::l2tp(kTunnel, sid, ppp)));
  return test::concat(test::ethernet(r.mac(Side::kAccess), kLacMac, 0x0800), ip);
}

struct Param {
  unsigned workers;
  Distribution distribution;
};

std::string param_name(const ::testing::TestParamInfo<Param>& p) {
  return absl::StrCat(p.param.workers, "Workers",
                      p.param.distribution == Distribution::kRss ? "Rss" : "Session");
}

class MultiWorkerTest : public ::testing::TestWithParam<Param> {
 protected:
  void SetUp() override {
    auto cfg = test::test_config(GetParam().workers);
    cfg.dataplane.distribution = GetParam().distribution;
    cfg.dataplane.max_sessions = 1024;
    cfg.dataplane.mbufs = 32767;
    // Rings that hold every frame of the test: lcores sharing a CPU are
    // descheduled for whole time slices, and neither a slow collector nor a
    // sleeping owner may turn into tx_full or handoff_ring_full drops here
    // (HandoffRingFull covers those).
    cfg.dataplane.handoff_ring_size = 32768;
    r_ = test::RingDataplane::create(cfg, 32768);
    ASSERT_NE(r_, nullptr);
    baseline_ = r_->mbufs_in_use();
    for (unsigned s = 0; s < kSessions; ++s)
      ASSERT_TRUE(
          r_->dp().sessions().add(session_spec(session_id(s), static_cast<uint16_t>(1000 + s), subscriber(s))).ok());
  }

  void TearDown() override {
    if (!r_) return;
    r_->dp().stop_workers();
    r_->collect(Side::kAccess);
    r_->collect(Side::kCore);
    EXPECT_EQ(r_->mbufs_in_use(), baseline_) << "mbuf leak";
    r_.reset();
  }

  Bytes upstream_frame(unsigned s, unsigned seq) {
    return upstream_frame_of(*r_, session_id(s), subscriber(s), s, seq);
  }

  Bytes downstream_frame(unsigned s, unsigned seq) {
    return test::concat(test::ethernet(r_->mac(Side::kCore), kRouterMac, 0x0800),
                        stamped_inner(kHost, subscriber(s), s, seq));
  }

  // Queues a frame while the workers run, waiting for room on the ring.
  void send(Side side, unsigned queue, const Bytes& frame) {
    rte_mbuf* m;
    while ((m = rte_pktmbuf_alloc(r_->dp().rx_pool(side))) == nullptr) {  // all in flight
      collect_some();
      std::this_thread::yield();
    }
    std::memcpy(rte_pktmbuf_append(m, static_cast<uint16_t>(frame.size())), frame.data(), frame.size());
    while (rte_ring_sp_enqueue(r_->rx_ring(side, queue), m) != 0) {
      collect_some();
      std::this_thread::yield();
    }
  }

  // Everything transmitted so far, remembering the TX queue (= worker).
  struct Out {
    unsigned queue;
    uint32_t seq;
  };
  void collect_some() {
    for (int side = 0; side < 2; ++side)
      for (unsigned q = 0; q < GetParam().workers; ++q) {
        void* obj;
        while (rte_ring_sc_dequeue(r_->tx_ring(side ? Side::kCore : Side::kAccess, q), &obj) == 0) {
          auto* m = static_cast<rte_mbuf*>(obj);
          Bytes b(rte_pktmbuf_pkt_len(m));
          const void* data = rte_pktmbuf_read(m, 0, b.size(), b.data());
          if (data != b.data()) std::memcpy(b.data(), data, b.size());
          rte_pktmbuf_free(m);
          uint32_t s, seq;
          read_stamp(b, &s, &seq);
          // Core side output is upstream traffic.
          out_[side][s].push_back({q, seq});
          ++received_;
        }
      }
  }

  std::unique_ptr<test::RingDataplane> r_;
  unsigned baseline_ = 0;
  std::map<uint32_t, std::vector<Out>> out_[2];  // [0] access (downstream), [1] core (upstream)
  uint64_t received_ = 0;
};

TEST_P(MultiWorkerTest, OneTunnelEveryPacketOnceInOrderOnItsOwner) {
  const unsigned workers = GetParam().workers;
  const bool by_session = GetParam().distribution == Distribution::kSession;
  ASSERT_TRUE(r_->dp().launch().ok());
  // Interleaved over sessions, as a LAC multiplexes its subscribers.
  for (unsigned seq = 0; seq < kPacketsPerSession; ++seq)
    for (unsigned s = 0; s < kSessions; ++s) {
      send(Side::kAccess, 0, upstream_frame(s, seq));
      send(Side::kCore, s % workers, downstream_frame(s, seq));
      if (s % 32 == 0) collect_some();
    }
  const uint64_t expected = 2ull * kSessions * kPacketsPerSession;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (received_ < expected && std::chrono::steady_clock::now() < deadline) {
    collect_some();
    std::this_thread::yield();
  }
  r_->dp().stop_workers();
  collect_some();
  std::string drops;
  for (unsigned w = 0; w < workers; ++w)
    for (size_t i = 0; i < dp::kDropReasonCount; ++i)
      if (uint64_t d = r_->dp().worker(w).stats().drops[i]; d != 0)
        absl::StrAppend(&drops, " worker", w, ":", std::string(dp::kDropReasonNames[i]), "=", d);
  ASSERT_EQ(received_, expected) << "drops:" << drops;

  std::vector<unsigned> sessions_per_worker(workers);
  for (int side = 0; side < 2; ++side) {
    ASSERT_EQ(out_[side].size(), kSessions);
    for (const auto& [s, outs] : out_[side]) {
      ASSERT_EQ(outs.size(), kPacketsPerSession) << "session " << s;
      for (unsigned i = 0; i < outs.size(); ++i) {
        ASSERT_EQ(outs[i].seq, i) << "session " << s << " out of order or duplicated";
        ASSERT_EQ(outs[i].queue, outs[0].queue) << "session " << s << " split over workers";
      }
      unsigned expected_worker;
      if (by_session) {
        const uint32_t key = side == 1 ? (uint32_t{kTunnel} << 16 | session_id(s)) : subscriber(s);
        expected_worker = dp::owner_of(key, static_cast<uint16_t>(workers));
      } else {
        expected_worker = side == 1 ? 0 : s % workers;  // where the frames arrived
      }
      EXPECT_EQ(outs[0].queue, expected_worker) << "session " << s;
      if (side == 1) ++sessions_per_worker[outs[0].queue];
    }
  }
  // Upstream: session distribution uses every worker for the one tunnel.
  for (unsigned w = 0; w < workers; ++w) {
    if (by_session || w == 0)
      EXPECT_GT(sessions_per_worker[w], kSessions / workers / 2) << "worker " << w;
    else
      EXPECT_EQ(sessions_per_worker[w], 0u) << "worker " << w;
  }

  // Counters: each worker's packets in (ports + handed over) end handed
  // off, forwarded, punted or dropped; the sums match what was sent.
  dp::WorkerStats sum;
  for (unsigned w = 0; w < workers; ++w) {
    const dp::WorkerStats& st = r_->dp().worker(w).stats();
    EXPECT_EQ(st.rx_access + st.rx_core + st.handed_in,
              st.decapsulated + st.encapsulated + st.handed_off + st.punted + st.total_drops())
        << "worker " << w;
    EXPECT_EQ(st.decapsulated, sessions_per_worker[w] * kPacketsPerSession) << "worker " << w;
    sum += st;
  }
  EXPECT_EQ(sum.rx_access, expected / 2);
  EXPECT_EQ(sum.rx_core, expected / 2);
  EXPECT_EQ(sum.decapsulated, expected / 2);
  EXPECT_EQ(sum.encapsulated, expected / 2);
  EXPECT_EQ(sum.handed_off, sum.handed_in);
  EXPECT_EQ(sum.total_drops(), 0u);
  if (by_session) {
    EXPECT_GT(sum.handed_off, 0u);
  } else {
    EXPECT_EQ(sum.handed_off, 0u);
  }
  EXPECT_EQ(r_->dp().worker(0).stats().rx_access, expected / 2) << "the tunnel arrives on queue 0";
}

INSTANTIATE_TEST_SUITE_P(Workers, MultiWorkerTest,
                         ::testing::Values(Param{2, Distribution::kRss}, Param{3, Distribution::kRss},
                                           Param{4, Distribution::kRss}, Param{2, Distribution::kSession},
                                           Param{3, Distribution::kSession}, Param{4, Distribution::kSession}),
                         param_name);

// Polled on this thread, so the owner can be kept from draining its ring.
// Two workers with session distribution and one session, which worker 1
// owns; its upstream frames arrive at worker 0 (queue 0).
struct HandedSession {
  std::unique_ptr<test::RingDataplane> r;
  uint16_t sid = 1;

  explicit HandedSession(uint32_t handoff_ring_size) {
    auto cfg = test::test_config(2);
    cfg.dataplane.distribution = Distribution::kSession;
    cfg.dataplane.handoff_ring_size = handoff_ring_size;
    r = test::RingDataplane::create(cfg);
    if (r == nullptr) return;
    while (dp::owner_of(uint32_t{kTunnel} << 16 | sid, 2) != 1) ++sid;
    if (!r->dp().sessions().add(session_spec(sid, 1, kSubBase)).ok()) r.reset();
  }
  void send_upstream(unsigned first_seq, unsigned count) {
    for (unsigned seq = first_seq; seq < first_seq + count; ++seq)
      r->inject(Side::kAccess, upstream_frame_of(*r, sid, kSubBase, 0, seq), 0);
  }
  // The stamps of what came out of the core port, in order.
  std::vector<uint32_t> collect_upstream() {
    std::vector<uint32_t> seqs;
    for (const Bytes& b : r->collect(Side::kCore)) {
      uint32_t s, seq;
      read_stamp(b, &s, &seq);
      seqs.push_back(seq);
    }
    return seqs;
  }
};

TEST(HandoffRingFull, OverflowIsDroppedAndCountedThenTheRestIsDelivered) {
  HandedSession h(64);  // the ring holds 63
  ASSERT_NE(h.r, nullptr);
  auto& r = h.r;
  const unsigned baseline = r->mbufs_in_use();
  constexpr unsigned kSent = 100;
  h.send_upstream(0, kSent);
  auto& w0 = r->dp().worker(0);
  auto& w1 = r->dp().worker(1);
  for (int i = 0; i < 10; ++i) w0.poll_once();
  EXPECT_EQ(w0.stats().rx_access, kSent);
  EXPECT_EQ(w0.stats().handed_off, 63u);
  EXPECT_EQ(w0.stats().drop(dp::DropReason::handoff_ring_full), kSent - 63);
  EXPECT_EQ(w0.stats().decapsulated, 0u);
  EXPECT_TRUE(r->collect(Side::kCore).empty());

  for (int i = 0; i < 10; ++i) w1.poll_once();
  EXPECT_EQ(w1.stats().handed_in, 63u);
  EXPECT_EQ(w1.stats().decapsulated, 63u);
  const std::vector<uint32_t> out = h.collect_upstream();
  ASSERT_EQ(out.size(), 63u);
  for (unsigned i = 0; i < out.size(); ++i) EXPECT_EQ(out[i], i) << "the first 63 got through, in order";
  EXPECT_EQ(r->mbufs_in_use(), baseline) << "dropped packets were freed";
}

// Handed-over packets come from the other worker's cache: under load the
// owner holds each burst a few polls (mbufs, then headers prefetched, then,
// upstream, looked at) before forwarding it, and a poll that brings little
// processes everything held.
TEST(HandoffPipeline, UnderLoadHandedBurstsWaitInThePipelineThenLeaveInOrder) {
  HandedSession h(1024);
  ASSERT_NE(h.r, nullptr);
  auto& r = h.r;
  const unsigned baseline = r->mbufs_in_use();
  auto& w0 = r->dp().worker(0);
  auto& w1 = r->dp().worker(1);
  // Worker 0 hands a poll's worth (64) over; its own pipeline holds the
  // burst until a poll finds its port empty.
  const auto hand_over = [&](unsigned first_seq) {
    h.send_upstream(first_seq, dp::kPollBurst);
    const uint64_t before = w0.stats().handed_off;
    for (int i = 0; i < 3 && w0.stats().handed_off - before < dp::kPollBurst; ++i) w0.poll_once();
    return w0.stats().handed_off - before;
  };
  const unsigned held = dp::Worker::held_bursts(dp::Flow::kUpstream);
  for (unsigned k = 1; k <= held; ++k) {
    ASSERT_EQ(hand_over((k - 1) * dp::kPollBurst), dp::kPollBurst);
    EXPECT_EQ(w1.poll_once(), 0u);
    EXPECT_EQ(w1.held(), k * dp::kPollBurst);
    EXPECT_TRUE(h.collect_upstream().empty()) << "nothing leaves while the pipeline fills";
  }
  // One more burst pushes the first out.
  ASSERT_EQ(hand_over(held * dp::kPollBurst), dp::kPollBurst);
  EXPECT_EQ(w1.poll_once(), dp::kPollBurst);
  EXPECT_EQ(w1.held(), held * dp::kPollBurst);
  std::vector<uint32_t> out = h.collect_upstream();
  ASSERT_EQ(out.size(), dp::kPollBurst);
  // Nothing more handed over: the next poll processes what is held.
  EXPECT_EQ(w1.poll_once(), held * dp::kPollBurst);
  EXPECT_EQ(w1.held(), 0u);
  for (uint32_t seq : h.collect_upstream()) out.push_back(seq);
  ASSERT_EQ(out.size(), (held + 1) * dp::kPollBurst);
  for (unsigned i = 0; i < out.size(); ++i) EXPECT_EQ(out[i], i) << "in order";
  EXPECT_EQ(w1.stats().handed_in, (held + 1) * dp::kPollBurst);
  EXPECT_EQ(w1.stats().decapsulated, (held + 1) * dp::kPollBurst);
  EXPECT_EQ(r->mbufs_in_use(), baseline);
}

// A trickle (fewer than half a burst a poll) is processed in the poll
// that brings it.
TEST(HandoffPipeline, ATrickleIsNotHeld) {
  HandedSession h(1024);
  ASSERT_NE(h.r, nullptr);
  auto& w0 = h.r->dp().worker(0);
  auto& w1 = h.r->dp().worker(1);
  h.send_upstream(0, 5);
  w0.poll_once();
  ASSERT_EQ(w0.stats().handed_off, 5u);
  EXPECT_EQ(w1.poll_once(), 5u);
  EXPECT_EQ(w1.held(), 0u);
  EXPECT_EQ(h.collect_upstream(), (std::vector<uint32_t>{0, 1, 2, 3, 4}));
}

// With several workers handing over to one, each poll starts at the next
// source ring: a source with a long queue cannot keep another waiting.
TEST(HandoffPipeline, EverySourceIsServedInTurn) {
  auto cfg = test::test_config(3);
  cfg.dataplane.distribution = Distribution::kSession;
  cfg.dataplane.handoff_ring_size = 1024;
  auto r = test::RingDataplane::create(cfg);
  ASSERT_NE(r, nullptr);
  const unsigned baseline = r->mbufs_in_use();
  // Two sessions worker 2 owns: session 0's frames arrive at worker 0,
  // session 1's at worker 1.
  std::vector<uint16_t> sids;
  for (uint16_t sid = 1; sids.size() < 2; ++sid)
    if (dp::owner_of(uint32_t{kTunnel} << 16 | sid, 3) == 2) sids.push_back(sid);
  for (unsigned s = 0; s < 2; ++s)
    ASSERT_TRUE(r->dp().sessions().add(session_spec(sids[s], static_cast<uint16_t>(1 + s), kSubBase + s)).ok());
  constexpr unsigned kEach = 2 * dp::kPollBurst;
  for (unsigned s = 0; s < 2; ++s) {
    for (unsigned seq = 0; seq < kEach; ++seq)
      r->inject(Side::kAccess, upstream_frame_of(*r, sids[s], kSubBase + s, s, seq), s);
    auto& from = r->dp().worker(s);
    for (int i = 0; i < 8 && from.stats().handed_off < kEach; ++i) from.poll_once();
    ASSERT_EQ(from.stats().handed_off, kEach) << "worker " << s;
  }
  // Worker 2 takes a burst a poll, each from the next source: the first
  // two bursts it forwards came from different sources.
  auto& owner = r->dp().worker(2);
  std::vector<uint32_t> order;  // the session of each frame, as they left
  for (int i = 0; i < 8 && order.size() < 2u * dp::kPollBurst; ++i) {
    owner.poll_once();
    for (const Bytes& b : r->collect(Side::kCore)) {
      uint32_t s, seq;
      read_stamp(b, &s, &seq);
      order.push_back(s);
    }
  }
  ASSERT_GE(order.size(), 2u * dp::kPollBurst);
  const auto count = [&](size_t from, uint32_t session) {
    return std::count(order.begin() + from, order.begin() + from + dp::kPollBurst, session);
  };
  EXPECT_EQ(count(0, order[0]), dp::kPollBurst) << "the first burst from one source";
  EXPECT_EQ(count(dp::kPollBurst, 1 - order[0]), dp::kPollBurst) << "the second from the other";
  for (int i = 0; i < 8 && owner.stats().decapsulated < 2u * kEach; ++i) owner.poll_once();
  EXPECT_EQ(owner.stats().decapsulated, 2u * kEach);
  r->collect(Side::kCore);
  EXPECT_EQ(r->mbufs_in_use(), baseline);
}

// Frames without a session key stay with the worker that received them:
// its own path punts L2TP control, and outer fragments must meet there.
TEST(HandoffKeyless, ControlMessagesStayOnTheReceivingWorker) {
  auto cfg = test::test_config(3);
  cfg.dataplane.distribution = Distribution::kSession;
  auto r = test::RingDataplane::create(cfg);
  ASSERT_NE(r, nullptr);
  auto control = test::l2tp(kTunnel, 0, test::payload_bytes(12), {.length = true, .sequence = true, .control = true});
  auto ip = test::ipv4(kLac, kLns, 17, test::udp(kLacPort, 1701, control));
  for (int i = 0; i < 5; ++i)
    r->inject(Side::kAccess, test::concat(test::ethernet(r->mac(Side::kAccess), kLacMac, 0x0800), ip), 0);
  r->poll(3);
  EXPECT_EQ(r->dp().worker(0).stats().punted, 5u);
  EXPECT_EQ(r->dp().worker(0).stats().handed_off, 0u);
  rte_mbuf* pkts[8];
  const uint16_t n = r->dp().receive_punted(pkts, 8);
  EXPECT_EQ(n, 5);
  for (uint16_t i = 0; i < n; ++i) rte_pktmbuf_free(pkts[i]);
}

// The benches move each net_ring queue's state to a line of its own, so
// that workers on neighbouring queues do not share one: the PMD must go on
// forwarding and counting through the copies, and get its counts back.
TEST(RingQueueLines, EachQueueOnItsOwnLineForwardsAndTheCountsComeBack) {
  auto r = test::RingDataplane::create(test::test_config(2));
  ASSERT_NE(r, nullptr);
  ASSERT_TRUE(r->dp().sessions().add(session_spec(100, 1, kSubBase)).ok());
  const uint16_t access = r->dp().port(Side::kAccess).port_id;
  const uint16_t core = r->dp().port(Side::kCore).port_id;
  const auto state = [](uint16_t port, bool rx, unsigned q) {
    return reinterpret_cast<uintptr_t>(rx ? rte_eth_fp_ops[port].rxq.data[q] : rte_eth_fp_ops[port].txq.data[q]);
  };
  EXPECT_LT(state(access, true, 1) - state(access, true, 0), 64u) << "the PMD puts neighbours side by side";
  ASSERT_TRUE(r->set_queue_lines(true));
  ASSERT_TRUE(r->set_queue_lines(true)) << "a second call changes nothing";
  EXPECT_TRUE(r->queue_lines_own());
  for (uint16_t port : {access, core})
    for (bool rx : {true, false})
      for (unsigned q = 0; q < 2; ++q) EXPECT_EQ(state(port, rx, q) % 64, 0u) << port << rx << q;

  constexpr unsigned kPerQueue = 50;
  for (unsigned q = 0; q < 2; ++q)
    for (unsigned seq = 0; seq < kPerQueue; ++seq)
      r->inject(Side::kAccess, upstream_frame_of(*r, 100, kSubBase, 0, q * kPerQueue + seq), q);
  r->poll(4);
  EXPECT_EQ(r->collect(Side::kCore).size(), 2 * kPerQueue);

  ASSERT_TRUE(r->set_queue_lines(false));
  EXPECT_FALSE(r->queue_lines_own());
  EXPECT_LT(state(access, true, 1) - state(access, true, 0), 64u) << "the PMD's own state again";
  rte_eth_stats in{}, out{};
  ASSERT_EQ(rte_eth_stats_get(access, &in), 0);
  ASSERT_EQ(rte_eth_stats_get(core, &out), 0);
  EXPECT_EQ(in.q_ipackets[0], kPerQueue);
  EXPECT_EQ(in.q_ipackets[1], kPerQueue);
  EXPECT_EQ(out.opackets, 2 * kPerQueue) << "counted on the copies, kept when they went";
}

}  // namespace
}  // namespace lns

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  // Five lcores (main + up to four workers) on however many CPUs there are.
  if (!lns::test::init_eal_for_tests(argv[0], 5)) return 1;
  return RUN_ALL_TESTS();
}
