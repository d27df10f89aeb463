// What the net_ring PMD's layout costs two lcores on neighbouring queues
// (tests/bench/README.md, "Several workers"): each lcore loops
// rx_burst + tx_burst of 32 mbufs on its own queue of one port (then moves
// them from its TX ring back to its RX ring), alone and then beside the
// other, with the queues' state as the PMD lays it out (shared: side by
// side in one array) or on lines of their own (RingDataplane::set_queue_lines).
//
//   BENCH case=ring_queue_lines lines=shared lcores=2 cycles_per_iteration=...
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "tests/bench/bench_args.h"
#include "tests/support/eal_env.h"
#include "tests/support/ring_dataplane.h"

namespace lns::bench {
namespace {

constexpr uint16_t kBurst = 32;

struct Lane {
  test::RingDataplane* ring = nullptr;
  uint16_t port = 0;
  uint16_t queue = 0;
  uint64_t iterations = 0;
  const std::atomic<bool>* start = nullptr;
  uint64_t cycles = 0;
  std::atomic<bool> done{false};  // cycles is set
};

int run_lane(void* arg) {
  auto* l = static_cast<Lane*>(arg);
  rte_ring* rx = l->ring->rx_ring(dp::Side::kAccess, l->queue);
  rte_ring* tx = l->ring->tx_ring(dp::Side::kAccess, l->queue);
  rte_mbuf* pkts[kBurst];
  while (!l->start->load(std::memory_order_acquire)) rte_pause();
  const uint64_t t0 = rte_rdtsc();
  for (uint64_t i = 0; i < l->iterations; ++i) {
    const uint16_t n = rte_eth_rx_burst(l->port, l->queue, pkts, kBurst);
    rte_eth_tx_burst(l->port, l->queue, pkts, n);
    const unsigned back = rte_ring_dequeue_burst(tx, reinterpret_cast<void**>(pkts), kBurst, nullptr);
    rte_ring_enqueue_burst(rx, reinterpret_cast<void**>(pkts), back, nullptr);
  }
  l->cycles = rte_rdtsc() - t0;
  l->done.store(true, std::memory_order_release);
  return 0;
}

// Runs `lanes` lanes (1 or 2) at once on worker lcores; cycles per
// iteration, averaged over the lanes.
double measure(test::RingDataplane& ring, unsigned lanes, uint64_t iterations) {
  std::atomic<bool> start{false};
  std::vector<Lane> ls(lanes);
  std::vector<unsigned> lcores;
  unsigned lcore = rte_get_next_lcore(-1, 1, 0);
  for (unsigned i = 0; i < lanes; ++i, lcore = rte_get_next_lcore(lcore, 1, 0)) {
    ls[i].ring = &ring;
    ls[i].port = ring.dp().port(dp::Side::kAccess).port_id;
    ls[i].queue = static_cast<uint16_t>(i);
    ls[i].iterations = iterations;
    ls[i].start = &start;
    lcores.push_back(lcore);
    if (rte_eal_remote_launch(run_lane, &ls[i], lcore) != 0) {
      std::fprintf(stderr, "cannot launch a lane on lcore %u\n", lcore);
      std::abort();
    }
  }
  start.store(true, std::memory_order_release);
  // The main lcore shares a CPU with a lane: sleep, do not spin, while they run.
  for (const Lane& l : ls)
    while (!l.done.load(std::memory_order_acquire)) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  double sum = 0;
  for (unsigned i = 0; i < lanes; ++i) {
    rte_eal_wait_lcore(lcores[i]);
    sum += static_cast<double>(ls[i].cycles) / static_cast<double>(iterations);
  }
  return sum / lanes;
}

int run(int argc, char** argv) {
  auto args = BenchArgs::parse(argc, argv, {"lines", "iterations", "smoke"});
  if (!args.ok()) {
    std::fprintf(stderr, "%s\nusage: lns_ring_queue_bench [--lines=shared,own,shared,own,shared,own] "
                 "[--iterations=2000000] [--smoke]\n", std::string(args.status().message()).c_str());
    return 2;
  }
  const bool smoke = args->has("smoke");
  auto iterations = args->u64("iterations", smoke ? 10000 : 2000000);
  if (!iterations.ok() || *iterations == 0) {
    std::fprintf(stderr, "--iterations needs a positive number\n");
    return 2;
  }
  auto own = args->settings("lines", "shared,own,shared,own,shared,own", "own", "shared");
  if (!own.ok()) {
    std::fprintf(stderr, "%s\n", std::string(own.status().message()).c_str());
    return 2;
  }
  if (!test::init_eal_for_tests(argv[0], 3, 256)) return 1;
  auto ring = test::RingDataplane::create(test::test_config(2), 1024);
  if (ring == nullptr) return 1;
  // kBurst mbufs circulate on each queue.
  for (unsigned q = 0; q < 2; ++q) {
    rte_mbuf* m[kBurst];
    if (rte_pktmbuf_alloc_bulk(ring->dp().rx_pool(dp::Side::kAccess), m, kBurst) != 0 ||
        rte_ring_enqueue_bulk(ring->rx_ring(dp::Side::kAccess, q), reinterpret_cast<void**>(m), kBurst, nullptr) !=
            kBurst) {
      std::fprintf(stderr, "cannot put mbufs on queue %u\n", q);
      return 1;
    }
  }
  for (bool o : *own) {
    if (!ring->set_queue_lines(o)) {
      std::fprintf(stderr, "the net_ring PMD's queue layout is not the one expected\n");
      return 1;
    }
    for (unsigned lanes : {1u, 2u})
      std::printf("BENCH case=ring_queue_lines lines=%s lcores=%u iterations=%llu cycles_per_iteration=%.1f\n",
                  o ? "own" : "shared", lanes, static_cast<unsigned long long>(*iterations),
                  measure(*ring, lanes, *iterations));
    std::fflush(stdout);
  }
  return 0;
}

}  // namespace
}  // namespace lns::bench

int main(int argc, char** argv) { return lns::bench::run(argc, argv); }
