#include "tests/bench/parallel_loop.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <numeric>
#include <random>

#include <rte_cycles.h>
#include <rte_launch.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "absl/strings/str_format.h"
#include "dataplane/worker_stats.h"

namespace lns::bench {
namespace {

// One direction of one lane: frames go into `in` (an RX queue of the lane's
// worker) and come back from `out` (the same worker's TX queue on the other
// port).
struct alignas(64) LaneFeed {  // written per packet by its lane only
  rte_ring* in = nullptr;
  rte_mempool* pool = nullptr;  // the port's RX pool, as a NIC would fill
  bool shared_in = false;  // every lane feeds queue 0: multi-producer
  rte_ring* out = nullptr;
  const std::vector<FrameWriter>* writers = nullptr;
  uint64_t cursor = 0;
  uint64_t stride = 1;
  uint64_t written = 0;
};

// Written by the lane only, read by the main lcore between rounds.
struct alignas(64) LaneCounters {
  std::atomic<uint64_t> cycles{0};     // timed polls that were not preempted
  std::atomic<uint64_t> packets{0};    // delivered by those polls
  std::atomic<uint64_t> delivered{0};  // all delivered, for the wall-clock rate
  std::atomic<uint64_t> polls{0};
  std::atomic<uint64_t> preempted{0};
  std::atomic<uint64_t> idle{0};       // polls that found nothing to do
};

struct Lane {
  dp::Worker* worker = nullptr;
  std::vector<LaneFeed> feeds;
  const std::vector<BenchSession>* in_order = nullptr;  // the sessions in visiting order
  const std::atomic<bool>* measuring = nullptr;  // warm-up over
  const std::atomic<bool>* stop = nullptr;
  LaneCounters counters;
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n == 0 ? 0 : n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

void free_all(rte_ring* r) {
  void* objs[256];
  while (unsigned n = rte_ring_sc_dequeue_burst(r, objs, 256, nullptr))
    rte_pktmbuf_free_bulk(reinterpret_cast<rte_mbuf**>(objs), n);
}

void next_frame(Lane& l, LaneFeed& f, rte_mbuf* m) {
  const BenchSession& s = (*l.in_order)[f.cursor];
  f.cursor = (f.cursor + f.stride) % l.in_order->size();
  (*f.writers)[f.written++ % f.writers->size()].write(m, s);
}

// One timed poll and the untimed refill; returns the poll's cycles and sets
// *back to the frames the worker transmitted in it and *idle when the poll
// found nothing to do (its queues and the rings toward it were empty).
uint64_t step(Lane& l, uint64_t* back, bool* idle) {
  const uint64_t t0 = rte_rdtsc();
  *idle = l.worker->poll_once() == 0 && l.worker->held() == 0;
  const uint64_t cycles = rte_rdtsc() - t0;
  *back = 0;
  for (LaneFeed& f : l.feeds) {
    rte_mbuf* pkts[512];
    const unsigned k = rte_ring_sc_dequeue_burst(f.out, reinterpret_cast<void**>(pkts), 512, nullptr);
    for (unsigned i = 0; i < k; ++i) next_frame(l, f, pkts[i]);
    // Every RX ring holds all frames in flight, so this always fits.
    if (f.shared_in)
      rte_ring_mp_enqueue_bulk(f.in, reinterpret_cast<void**>(pkts), k, nullptr);
    else
      rte_ring_sp_enqueue_bulk(f.in, reinterpret_cast<void**>(pkts), k, nullptr);
    *back += k;
  }
  return cycles;
}

// Lanes keep polling until all stop: a worker that stopped early would
// leave its peers' handoff rings to fill. The main lcore ends the warm-up
// when enough has been delivered in all (with session distribution and few
// sessions, one worker may own all of them and its peers deliver nothing).
int lane_main(void* arg) {
  Lane& l = *static_cast<Lane*>(arg);
  LaneCounters& out = l.counters;
  std::vector<double> warm;
  uint64_t delivered = 0, back;
  bool idle;
  while (!l.measuring->load(std::memory_order_acquire) && !l.stop->load(std::memory_order_relaxed)) {
    const uint64_t c = step(l, &back, &idle);
    delivered += back;
    out.delivered.store(delivered, std::memory_order_release);
    if (back != 0 && warm.size() < (1u << 20)) warm.push_back(static_cast<double>(c));
  }
  // As in TrafficLoop: a poll ten times the typical one (and over 20 us)
  // was interrupted by the scheduler.
  const uint64_t preempted =
      std::max<uint64_t>(static_cast<uint64_t>(10 * median(warm)), rte_get_tsc_hz() / 50000);
  uint64_t cycles = 0, packets = 0, polls = 0, skipped = 0, idle_polls = 0;
  while (!l.stop->load(std::memory_order_relaxed)) {
    const uint64_t c = step(l, &back, &idle);
    // An idle poll costs no packet anything: it is a worker waiting for
    // work (the same rule as the workers' own busy_cycles). With session
    // distribution on shared CPUs it happens whenever a peer is descheduled
    // and the frames wait on the ring toward it.
    if (idle) {
      out.idle.store(++idle_polls, std::memory_order_relaxed);
      continue;
    }
    ++polls;
    if (c > preempted) {
      ++skipped;
    } else {
      cycles += c;
      packets += back;
    }
    delivered += back;
    out.cycles.store(cycles, std::memory_order_relaxed);
    out.packets.store(packets, std::memory_order_relaxed);
    out.polls.store(polls, std::memory_order_relaxed);
    out.preempted.store(skipped, std::memory_order_relaxed);
    out.delivered.store(delivered, std::memory_order_release);
  }
  return 0;
}

struct Snapshot {
  uint64_t cycles, packets, delivered;
};

}  // namespace

ParallelLoop::ParallelLoop(test::RingDataplane& ring, const std::vector<BenchSession>& sessions,
                           const FrameAddresses& addresses, uint64_t seed)
    : ring_(ring),
      addresses_(addresses),
      order_(shuffled_session_order(sessions.size(), seed)),
      in_order_(sessions_in_order(sessions, order_)) {}

absl::StatusOr<ParallelResult> ParallelLoop::run(const TrafficSpec& spec, const SizeMix& sizes) {
  dp::Dataplane& dp = ring_.dp();
  const size_t workers = dp.worker_count();
  const uint64_t n_sessions = order_.size();
  if (n_sessions == 0) return absl::InvalidArgumentError("no sessions");
  std::vector<bool> directions;
  if (spec.upstream) directions.push_back(true);
  if (spec.downstream) directions.push_back(false);
  if (directions.empty()) return absl::InvalidArgumentError("no direction to feed");
  std::vector<FrameWriter> writers[2];  // [0] upstream, [1] downstream
  for (uint16_t len : sizes.pattern) {
    writers[0].emplace_back(Direction::kUpstream, len, addresses_);
    writers[1].emplace_back(Direction::kDownstream, len, addresses_);
  }

  std::atomic<bool> stop{false};
  std::atomic<bool> measuring{false};
  std::vector<Lane> lanes(workers);
  const uint64_t feeds_total = workers * directions.size();
  const uint32_t share = static_cast<uint32_t>(spec.inflight / feeds_total);
  if (share == 0) return absl::InvalidArgumentError("fewer frames in flight than queues to feed");
  ParallelResult result;
  std::vector<bool> seen(n_sessions);
  std::vector<rte_mbuf*> mbufs(share);
  auto drain = [&] {
    for (size_t w = 0; w < workers; ++w) {
      free_all(ring_.rx_ring(dp::Side::kAccess, static_cast<unsigned>(w)));
      free_all(ring_.rx_ring(dp::Side::kCore, static_cast<unsigned>(w)));
    }
    // What is still on handoff rings goes out on the TX rings; a poll takes
    // at most a burst from each, and a ring may hold everything in flight,
    // so poll until nothing moves (the TX rings are emptied as we go).
    for (uint32_t moved = 1; moved != 0;) {
      moved = 0;
      for (size_t w = 0; w < workers; ++w) moved += dp.worker(w).poll_once() + dp.worker(w).held();
      for (size_t w = 0; w < workers; ++w) {
        free_all(ring_.tx_ring(dp::Side::kAccess, static_cast<unsigned>(w)));
        free_all(ring_.tx_ring(dp::Side::kCore, static_cast<unsigned>(w)));
      }
    }
  };
  for (size_t w = 0; w < workers; ++w) {
    Lane& l = lanes[w];
    l.worker = &dp.worker(w);
    l.in_order = &in_order_;
    l.measuring = &measuring;
    l.stop = &stop;
    for (size_t d = 0; d < directions.size(); ++d) {
      const bool up = directions[d];
      LaneFeed f;
      const auto q = static_cast<unsigned>(w);
      // One queue: as when a single tunnel (one UDP flow) carries every
      // session and RSS puts it on one queue; downstream likewise, for a
      // like-for-like comparison.
      f.shared_in = spec.one_queue && workers > 1;
      f.in = ring_.rx_ring(up ? dp::Side::kAccess : dp::Side::kCore, spec.one_queue ? 0 : q);
      f.pool = dp.rx_pool(up ? dp::Side::kAccess : dp::Side::kCore);
      f.out = ring_.tx_ring(up ? dp::Side::kCore : dp::Side::kAccess, q);
      f.writers = &writers[up ? 0 : 1];
      // Interleaved positions of the order: the frames in flight belong to
      // distinct sessions when there are enough.
      f.cursor = (w * directions.size() + d) % n_sessions;
      f.stride = feeds_total;
      if (rte_ring_get_capacity(f.in) < spec.inflight)
        return absl::InvalidArgumentError(absl::StrFormat(
            "RX rings hold %u frames; with several workers each must hold all %u in flight",
            rte_ring_get_capacity(f.in), spec.inflight));
      if (rte_pktmbuf_alloc_bulk(f.pool, mbufs.data(), share) != 0) {
        drain();
        return absl::ResourceExhaustedError(absl::StrFormat("cannot allocate %u mbufs", share));
      }
      for (rte_mbuf* m : mbufs) {
        const uint32_t index = order_[f.cursor];
        if (!seen[index]) {
          seen[index] = true;
          ++result.distinct_sessions_in_flight;
        }
        next_frame(l, f, m);
      }
      rte_ring_sp_enqueue_bulk(f.in, reinterpret_cast<void**>(mbufs.data()), share, nullptr);
      l.feeds.push_back(f);
    }
  }

  const dp::SessionTable& table = dp.sessions();
  auto traffic = [&] {
    dp::SessionTotals sum;
    for (uint32_t slot = 1; slot <= table.capacity(); ++slot) {
      const dp::SessionTotals t = dp.session_totals(slot);
      sum.up_packets += t.up_packets;
      sum.up_bytes += t.up_bytes;
      sum.down_packets += t.down_packets;
      sum.down_bytes += t.down_bytes;
    }
    return sum;
  };
  const dp::SessionTotals traffic_before = traffic();
  dp::WorkerStats before;
  for (size_t w = 0; w < workers; ++w) before += dp.worker(w).stats();

  const std::vector<unsigned>& lcores = ring_.dp().worker_lcores();
  for (size_t w = 0; w < workers; ++w)
    if (int rc = rte_eal_remote_launch(lane_main, &lanes[w], lcores[w]); rc != 0) {
      stop = true;
      rte_eal_mp_wait_lcore();
      drain();
      return absl::InternalError(absl::StrFormat("cannot launch a lane on lcore %u", lcores[w]));
    }

  auto snapshot = [&](size_t w) {
    const LaneCounters& c = lanes[w].counters;
    const uint64_t delivered = c.delivered.load(std::memory_order_acquire);
    return Snapshot{c.cycles.load(std::memory_order_relaxed), c.packets.load(std::memory_order_relaxed),
                    delivered};
  };
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(5);
  // The main lcore sleeps while the lanes work: it shares a CPU with one.
  auto delivered_total = [&] {
    uint64_t d = 0;
    for (size_t w = 0; w < workers; ++w) d += snapshot(w).delivered;
    return d;
  };
  while (delivered_total() < spec.warmup_packets && std::chrono::steady_clock::now() < deadline) usleep(1000);
  measuring = true;
  usleep(10000);  // every lane has seen it
  std::vector<double> round_mpps, round_wall, round_bottleneck;
  std::vector<Snapshot> first(workers), start(workers), end(workers);
  for (size_t w = 0; w < workers; ++w) first[w] = snapshot(w);
  for (unsigned r = 0; r < spec.rounds && std::chrono::steady_clock::now() < deadline; ++r) {
    for (size_t w = 0; w < workers; ++w) start[w] = snapshot(w);
    const auto t0 = std::chrono::steady_clock::now();
    uint64_t delivered = 0;
    while (delivered < spec.round_packets && std::chrono::steady_clock::now() < deadline) {
      usleep(1000);
      delivered = 0;
      for (size_t w = 0; w < workers; ++w) delivered += snapshot(w).delivered - start[w].delivered;
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    uint64_t cycles = 0, packets = 0, busiest = 0;
    double mpps = 0;
    const double hz = static_cast<double>(rte_get_tsc_hz());
    for (size_t w = 0; w < workers; ++w) {
      end[w] = snapshot(w);
      const uint64_t c = end[w].cycles - start[w].cycles;
      const uint64_t p = end[w].packets - start[w].packets;
      cycles += c;
      packets += p;
      busiest = std::max(busiest, c);
      if (c != 0) mpps += static_cast<double>(p) * hz / static_cast<double>(c) / 1e6;
    }
    // With session distribution the split of the work between workers is
    // fixed by the hash (and by the arrival queue), so the busiest worker
    // bounds them all: the round's packets over its busy cycles.
    round_bottleneck.push_back(busiest ? static_cast<double>(packets) * hz / static_cast<double>(busiest) / 1e6 : 0);
    result.packets += packets;
    result.round_cycles_per_packet.push_back(packets ? static_cast<double>(cycles) / static_cast<double>(packets) : 0);
    round_mpps.push_back(mpps);
    round_wall.push_back(static_cast<double>(delivered) / seconds / 1e6);
  }
  stop = true;
  rte_eal_mp_wait_lcore();
  for (size_t w = 0; w < workers; ++w) {
    const LaneCounters& c = lanes[w].counters;
    result.polls += c.polls.load();
    result.preempted_polls += c.preempted.load();
    result.idle_polls += c.idle.load();
    const uint64_t cy = end[w].cycles - first[w].cycles;
    const uint64_t p = end[w].packets - first[w].packets;
    result.worker_mpps.push_back(cy ? static_cast<double>(p) * static_cast<double>(rte_get_tsc_hz()) /
                                          static_cast<double>(cy) / 1e6
                                    : 0);
  }
  drain();

  dp::WorkerStats after;
  for (size_t w = 0; w < workers; ++w) after += dp.worker(w).stats();
  const uint64_t drops = after.total_drops() - before.total_drops();
  const uint64_t punted = after.punted - before.punted;
  if (drops != 0 || punted != 0) {
    std::string why;
    for (size_t i = 0; i < dp::kDropReasonCount; ++i)
      if (after.drops[i] != before.drops[i])
        why += absl::StrFormat(" drop %s=%u", dp::kDropReasonNames[i], after.drops[i] - before.drops[i]);
    return absl::InternalError(absl::StrFormat("frames did not all forward (punted %u):%s", punted, why));
  }
  if (result.round_cycles_per_packet.size() < spec.rounds)
    return absl::DeadlineExceededError("the rounds did not finish within five minutes");
  const uint64_t forwarded =
      after.decapsulated + after.encapsulated - before.decapsulated - before.encapsulated;
  result.handed_off_share =
      forwarded ? static_cast<double>(after.handed_off - before.handed_off) / static_cast<double>(forwarded) : 0;
  const dp::SessionTotals traffic_after = traffic();
  const uint64_t packets = traffic_after.up_packets + traffic_after.down_packets - traffic_before.up_packets -
                           traffic_before.down_packets;
  const uint64_t bytes =
      traffic_after.up_bytes + traffic_after.down_bytes - traffic_before.up_bytes - traffic_before.down_bytes;
  result.mean_inner_bytes = packets ? static_cast<double>(bytes) / static_cast<double>(packets) : 0;
  result.cycles_per_packet = median(result.round_cycles_per_packet);
  result.mpps = median(round_mpps);
  result.wall_mpps = median(round_wall);
  result.bottleneck_mpps = median(round_bottleneck);
  return result;
}

}  // namespace lns::bench
